"""Lesson pages: list and search, the lesson, writing with the identifying-details check, review.

Translate HTTP to the services, nothing more. The raw text an author types reaches the server only to be
checked (here or through `api.py`) and is never stored: `services.save_lesson` is the whole save in one
call (limits, one scan per field, the version check) and its Outcome is the saved lesson or the findings
to show on the check page; `services.check_lesson` is the check alone.
"""
import re

from flask import Blueprint, abort, flash, has_request_context, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from taskforce import ids
from taskforce.errors import Conflict, NotFound, ValidationError
from taskforce.idempotency import idempotent
from taskforce.lessons import indicators, reading, redaction, review, services
from taskforce.lessons.anonymizer import pii_ner
from taskforce.lessons.forms import SECTOR_CHOICES, ActionForm, CommentForm, LessonForm, PublishForm
from taskforce.lessons.models import Status, TraffickingType
from taskforce.markup import render_markdown

bp = Blueprint("lessons", __name__, url_prefix="/lessons")
FILTERS = ("indicator", "sector", "trafficking_type", "year", "q")


def _organization_reading() -> object | None:
    """Whom the anonymizer's cached reading is for: the signed-in member's organization (any domain's form
    scans through it: lessons, comments, referral notes, training feedback), none outside a request."""
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.organization_id
    return None


pii_ner.remember_readings_by(_organization_reading)


@bp.get("/")
@login_required
def index():
    filters = {name: (request.args.get(name) or "").strip() for name in FILTERS}
    page = reading.list_lessons(current_user, **filters, page=request.args.get("page", 1))
    return render_template("lessons/index.html", page=page, filters=filters, groups=indicators.by_group(),
                           sector_choices=SECTOR_CHOICES, types=list(TraffickingType),
                           counts=reading.helpful_counts([lesson.id for lesson in page.items]),
                           args={k: v for k, v in filters.items() if v})


@bp.get("/mine")
@login_required
def mine():
    return render_template("lessons/mine.html", lessons=reading.my_lessons(current_user))


@bp.get("/review")
@login_required
def review_queue():
    return render_template("lessons/review_queue.html", lessons=review.review_queue(current_user))


@bp.get("/<int:lesson_id>")
@login_required
def show(lesson_id, comment_form=None, comment_findings=None, status=200, review_error=None, review_comment=""):
    lesson = services.get_lesson(current_user, lesson_id)
    published = lesson.status is Status.PUBLISHED and not lesson.is_revision
    return render_template(
        "lessons/show.html", lesson=lesson, comments=reading.comments(current_user, lesson.id),
        helpful=reading.helpful_count(lesson.id), marked=reading.has_marked(current_user, lesson.id),
        published=published, revision=review.open_revision(lesson) if published else None,
        versions=review.revisions(current_user, lesson.id), action_form=ActionForm(), publish_form=PublishForm(),
        comment_form=comment_form or CommentForm(), comment_findings=comment_findings or [],
        replaced=_replaced_sections(lesson) if current_user.can_review_lessons else [],
        review_error=review_error, review_comment=review_comment), status


def _replaced_sections(lesson):
    """For the reviewer: each field's text with the places the author replaced or kept a detail marked."""
    return redaction.marked_sections(lesson.texts(), lesson.replacements, lesson.decisions, services.LABELS)


@bp.get("/<int:lesson_id>/versions/<int:version>")
@login_required
def version(lesson_id, version):
    lesson = services.get_lesson(current_user, lesson_id)
    match = next((v for v in review.revisions(current_user, lesson_id) if v.version == version), None)
    if match is None:
        raise NotFound("No such version of this lesson.")
    return render_template("lessons/version.html", lesson=lesson, version=match)


# --- writing --------------------------------------------------------------------------------------------

@bp.before_request
def _refuse_oversized_posts():
    """A lesson form at its limits is far below this; anything bigger is refused before it is parsed."""
    if request.method == "POST":
        request.max_content_length = services.MAX_REQUEST_BYTES
        if (request.content_length or 0) > services.MAX_REQUEST_BYTES:
            abort(413, description=f"That is more than a lesson can hold (at most "
                  f"{services.MAX_REQUEST_BYTES // 1024:,} KB at once). Nothing was saved or checked; go back "
                  "and shorten the longest fields.")


@bp.route("/new", methods=["GET", "POST"])
@login_required
@idempotent
def new():
    if request.method == "GET":
        return _editor(LessonForm(), None)
    return _save(None)


@bp.route("/<int:lesson_id>/edit", methods=["GET", "POST"])
@login_required
def edit(lesson_id):
    if request.method == "POST":  # the save says whether it may still be edited (or shows both versions)
        return _save(services.get_lesson(current_user, lesson_id))
    lesson = services.get_for_editing(current_user, lesson_id)
    form = LessonForm(obj=lesson, trafficking_type=lesson.trafficking_type.value,
                      jurisdiction_level=lesson.jurisdiction_level.value, case_year=lesson.case_year or "",
                      indicators=lesson.indicators, sectors=lesson.sectors)
    form.version.data = lesson.edit_version  # not `obj.version`: that counts released versions
    form.decisions.data = redaction.dump_decisions(lesson.decisions)
    form.replacements.data = redaction.dump_replacements(lesson.replacements)
    return _editor(form, lesson)


def _editor(form, lesson, status=200, error=None, errors=None):
    for name, message in (errors or {}).items():
        if name in form:
            form[name].errors = [message]
    return render_template("lessons/edit.html", form=form, lesson=lesson, groups=indicators.by_group(),
                           sector_choices=SECTOR_CHOICES, error=error, errors=errors or {}), status


def _submitted_tags() -> dict:
    return {"trafficking_type": request.form.get("trafficking_type"), "case_year": request.form.get("case_year"),
            "jurisdiction_level": request.form.get("jurisdiction_level"),
            "indicators": request.form.getlist("indicators"), "sectors": request.form.getlist("sectors")}


def _save(lesson):
    """The editor's buttons: check (stores nothing), or save / submit (one service call)."""
    return _run(lesson, resolutions=None)


@bp.post("/resolve")
@login_required
@idempotent
def resolve():
    """The check page's answer: the author's choice for each finding (or "apply all suggestions")."""
    lesson_id = request.form.get("lesson_id") or None
    lesson = services.get_lesson(current_user, lesson_id) if lesson_id else None
    return _run(lesson, resolutions=_posted_resolutions())


def _posted_resolutions() -> dict:
    """choice-<field>-<n> (with phrase-… and reason-…) as {field: {n: Resolution}}."""
    out = {}
    for key in request.form:
        match = _CHOICE.fullmatch(key)
        if match and match["field"] in redaction.FIELDS:
            suffix = f"{match['field']}-{match['index']}"
            out.setdefault(match["field"], {})[int(match["index"])] = redaction.Resolution(
                request.form.get(key, ""), request.form.get(f"phrase-{suffix}", ""),
                request.form.get(f"reason-{suffix}", ""))
    return out


_CHOICE = re.compile(r"choice-(?P<field>[a-z_]{1,20})-(?P<index>\d{1,4})")


def _run(lesson, resolutions):
    """Translate the form into one service call and its Outcome into a page."""
    action = request.form.get("action", "draft")
    texts = {field: request.form.get(field, "") for field in redaction.FIELDS}
    try:
        decisions = redaction.parse_decisions(request.form.get("decisions"))
    except redaction.ResolutionError as error:
        return _editor(LessonForm(), lesson, 400, str(error))
    replacements = redaction.parse_replacements(request.form.get("replacements"))
    if action == "apply_all":
        resolutions = services.APPLY_ALL
    try:
        if action in ("check", "apply_all"):
            outcome = services.check_lesson(current_user, texts, decisions, replacements=replacements,
                                            resolutions=resolutions)
            notice = _applied_notice(outcome) if action == "apply_all" else None
            return _check_page(lesson, outcome, 400 if outcome.error else 200, notice=notice)
        outcome = services.save_lesson(current_user, lesson.id if lesson else None, texts, _submitted_tags(),
                                       decisions, replacements=replacements, resolutions=resolutions,
                                       submit=action == "submit", expected_version=request.form.get("version"))
    except services.LessonInputError as error:
        return _editor(LessonForm(), lesson, 400, "Nothing was saved: correct what is marked below.", error.errors)
    except services.LessonEditConflict as conflict:
        form = LessonForm()
        form.version.data = conflict.current_version
        form.decisions.data, form.replacements.data = "[]", "[]"
        return render_template("lessons/conflict.html", conflict=conflict, lesson=conflict.lesson, form=form,
                               labels=services.LABELS, groups=indicators.by_group(),
                               sector_choices=SECTOR_CHOICES, errors={}), 409
    if not outcome.saved:
        return _check_page(lesson, outcome, 400)
    flash("Sent for review. A coordinator will read it before it is released." if action == "submit"
          else "Draft saved (only the checked, resolved text was stored).", "info")
    return redirect(url_for("lessons.show", lesson_id=outcome.lesson.id))


def _applied_notice(outcome) -> str:
    replaced = len(outcome.replacements)
    if outcome.pending:
        return (f"Suggestions applied. {outcome.pending} detail{'s' if outcome.pending != 1 else ''} still "
                "look identifying: choose for each below.")
    return (f"Suggestions applied ({replaced} replacement{'s' if replaced != 1 else ''} in the text). Read the "
            "result below; nothing is saved until you press a save button.")


def _check_page(lesson, outcome, status, notice=None):
    """The server-rendered check (works without JavaScript): each finding with the author's choices."""
    sections = [{"field": field, "label": services.LABELS[field], "text": outcome.texts.get(field) or "",
                 "segments": redaction.segments(outcome.texts.get(field) or "", outcome.report[field]),
                 "findings": outcome.report[field]}
                for field in redaction.FIELDS if outcome.report.get(field)]
    return render_template("lessons/check.html", lesson=lesson, texts=outcome.texts, sections=sections,
                           tags=_submitted_tags(), form=ActionForm(), error=outcome.error, notice=notice,
                           decisions=redaction.dump_decisions(outcome.decisions),
                           replacements=redaction.dump_replacements(outcome.replacements),
                           version=request.form.get("version", ""), missing=outcome.missing,
                           pending=outcome.pending), status


# --- actions on a lesson -------------------------------------------------------------------------------------

@bp.post("/<int:lesson_id>/discard")
@login_required
def discard(lesson_id):
    services.discard_draft(current_user, lesson_id)
    flash("Draft discarded.", "info")
    return redirect(url_for("lessons.mine"))


@bp.post("/<int:lesson_id>/send-back")
@login_required
def send_back(lesson_id):
    comment = request.form.get("comment")
    try:
        review.send_back(current_user, lesson_id, comment, request.form.get("version"))
    except (ValidationError, Conflict) as error:  # the comment is kept, to rephrase or resend
        return show(lesson_id, status=error.status, review_error=error.message,
                    review_comment=comment if isinstance(comment, str) else "")
    flash("Sent back to the author with your comment.", "info")
    return redirect(url_for("lessons.review_queue"))


@bp.post("/<int:lesson_id>/publish")
@login_required
def publish(lesson_id):
    try:
        lesson = review.publish(current_user, lesson_id, request.form.get("visibility"), request.form.get("version"))
    except Conflict as error:  # changed or reviewed meanwhile: the current version, read again
        return show(lesson_id, status=409, review_error=error.message)
    flash(f"Lesson released ({lesson.visibility.label.lower()}).", "info")
    return redirect(url_for("lessons.show", lesson_id=lesson.id))


@bp.post("/<int:lesson_id>/revise")
@login_required
def revise(lesson_id):
    copy = review.start_revision(current_user, lesson_id)
    flash("A new version was opened as a draft. The released version stays visible until this one is released.",
          "info")
    return redirect(url_for("lessons.edit", lesson_id=copy.id))


@bp.post("/<int:lesson_id>/retire")
@login_required
def retire(lesson_id):
    review.retire(current_user, lesson_id)
    flash("Lesson retired. It no longer appears in the list.", "info")
    return redirect(url_for("lessons.show", lesson_id=lesson_id))


@bp.post("/<int:lesson_id>/comments")
@login_required
@idempotent
def comment(lesson_id):
    form = CommentForm()
    try:
        reading.add_comment(current_user, lesson_id, request.form.get("body"))
    except ValidationError as error:
        form.body.errors = [error.message]
        return show(lesson_id, comment_form=form, comment_findings=error.details.get("findings", []), status=400)
    return redirect(url_for("lessons.show", lesson_id=lesson_id) + "#comments")


@bp.post("/comments/<int:comment_id>/delete")
@login_required
def delete_comment(comment_id):
    lesson_id = ids.record_id(request.form.get("lesson_id"))
    reading.delete_comment(current_user, comment_id)
    flash("Comment removed.", "info")
    return redirect(url_for("lessons.show", lesson_id=lesson_id) if lesson_id else url_for("lessons.index"))


@bp.post("/<int:lesson_id>/helpful")
@login_required
def helpful(lesson_id):
    marked, count = reading.toggle_helpful(current_user, lesson_id)
    if request.is_json or request.accept_mimetypes.best == "application/json":
        return {"marked": marked, "count": count}
    return redirect(url_for("lessons.show", lesson_id=lesson_id))


def register(app):
    from taskforce.lessons import home_views  # its blocks on Home (taskforce/home.py)
    home_views.register(app)
    from taskforce.lessons import api
    app.register_blueprint(bp)
    app.register_blueprint(api.bp)
    app.jinja_env.globals["indicator_label"] = indicators.label
    app.jinja_env.globals["sector_label"] = services.sector_label
    app.jinja_env.globals["lesson_markdown"] = lambda text: Markup(render_markdown(text))
