"""Lesson pages: list and search, the lesson, writing with the identifying-details check, review.

Translate HTTP to the services, nothing more. The raw text an author types reaches the server only to be
checked (here or through `api.py`) and is never stored: `services.save_lesson` re-scans what is submitted.
"""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from taskforce import ids
from taskforce.errors import NotFound, ValidationError
from taskforce.lessons import indicators, reading, redaction, review, services
from taskforce.lessons.anonymizer import Finding
from taskforce.lessons.forms import SECTOR_CHOICES, ActionForm, CommentForm, LessonForm, PublishForm
from taskforce.lessons.models import Status, TraffickingType
from taskforce.markup import render_markdown

bp = Blueprint("lessons", __name__, url_prefix="/lessons")
FILTERS = ("indicator", "sector", "trafficking_type", "year", "q")


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
def show(lesson_id, comment_form=None, comment_findings=None, status=200):
    lesson = services.get_lesson(current_user, lesson_id)
    published = lesson.status is Status.PUBLISHED and not lesson.is_revision
    return render_template(
        "lessons/show.html", lesson=lesson, comments=reading.comments(current_user, lesson.id),
        helpful=reading.helpful_count(lesson.id), marked=reading.has_marked(current_user, lesson.id),
        published=published, revision=review.open_revision(lesson) if published else None,
        versions=review.revisions(current_user, lesson.id), action_form=ActionForm(), publish_form=PublishForm(),
        comment_form=comment_form or CommentForm(), comment_findings=comment_findings or []), status


@bp.get("/<int:lesson_id>/versions/<int:version>")
@login_required
def version(lesson_id, version):
    lesson = services.get_lesson(current_user, lesson_id)
    match = next((v for v in review.revisions(current_user, lesson_id) if v.version == version), None)
    if match is None:
        raise NotFound("No such version of this lesson.")
    return render_template("lessons/version.html", lesson=lesson, version=match)


# --- writing --------------------------------------------------------------------------------------------

@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    if request.method == "GET":
        return _editor(LessonForm(), None)
    return _save(None)


@bp.route("/<int:lesson_id>/edit", methods=["GET", "POST"])
@login_required
def edit(lesson_id):
    lesson = services.get_for_editing(current_user, lesson_id)
    if request.method == "POST":
        return _save(lesson)
    form = LessonForm(obj=lesson, trafficking_type=lesson.trafficking_type.value,
                      jurisdiction_level=lesson.jurisdiction_level.value, case_year=lesson.case_year or "",
                      indicators=lesson.indicators, sectors=lesson.sectors)
    form.decisions.data = redaction.dump_decisions(lesson.decisions)
    return _editor(form, lesson)


def _editor(form, lesson, status=200, error=None):
    return render_template("lessons/edit.html", form=form, lesson=lesson, groups=indicators.by_group(),
                           sector_choices=SECTOR_CHOICES, error=error), status


def _submitted_tags() -> dict:
    return {"trafficking_type": request.form.get("trafficking_type"), "case_year": request.form.get("case_year"),
            "jurisdiction_level": request.form.get("jurisdiction_level"),
            "indicators": request.form.getlist("indicators"), "sectors": request.form.getlist("sectors")}


def _save(lesson):
    """Check, then store: anything unresolved shows the check page (400) and nothing is written."""
    texts = {field: request.form.get(field, "") for field in redaction.FIELDS}
    form = LessonForm()
    try:
        decisions = redaction.parse_decisions(request.form.get("decisions"))
    except redaction.ResolutionError as error:
        return _editor(form, lesson, 400, str(error))
    texts, decisions = services.normalise(texts, decisions)
    action = request.form.get("action", "draft")
    if action == "check" or services.unresolved_findings(texts, decisions):
        return _check_page(lesson, texts, decisions, status=200 if action == "check" else 400)
    return _store(lesson, texts, decisions, action, form)


def _store(lesson, texts, decisions, action, form):
    try:
        saved = services.save_lesson(current_user, lesson.id if lesson else None, texts, _submitted_tags(),
                                     decisions, submit=action == "submit")
    except ValidationError as error:
        if error.details.get("unresolved"):
            return _check_page(lesson, texts, decisions, status=400)
        if error.field == "reason":  # a reason to rephrase: back to the choices, with the message
            return _check_page(lesson, texts, decisions, status=400, error=error.message)
        return _editor(form, lesson, 400, error.message)
    flash("Sent for review. A coordinator will read it before it is released." if action == "submit"
          else "Draft saved (only the checked, resolved text was stored).", "info")
    return redirect(url_for("lessons.show", lesson_id=saved.id))


def _check_page(lesson, texts, decisions, status, error=None):
    """The server-rendered check (works without JavaScript): each finding with the author's choices."""
    report = services.check_texts(texts, decisions)
    sections = [{"field": field, "label": services.LABELS[field], "text": texts.get(field) or "",
                 "segments": _segments(texts.get(field) or "", report[field]), "findings": report[field]}
                for field in redaction.FIELDS if report[field]]
    return render_template("lessons/check.html", lesson=lesson, texts=texts, sections=sections,
                           tags=_submitted_tags(), form=ActionForm(), error=error,
                           decisions=redaction.dump_decisions(decisions),
                           pending=sum(not f["covered"] for s in sections for f in s["findings"])), status


def _segments(text, findings):
    """The text cut into plain runs and highlighted findings, for autoescaped rendering."""
    out, pos = [], 0
    for index, finding in enumerate(findings):
        out.append({"text": text[pos:finding["start"]], "finding": None})
        out.append({"text": finding["text"], "finding": finding, "index": index})
        pos = finding["end"]
    out.append({"text": text[pos:], "finding": None})
    return out


@bp.post("/resolve")
@login_required
def resolve():
    """The check page's answer: apply each choice to the text, then store only the resolved text."""
    lesson_id = request.form.get("lesson_id") or None
    lesson = services.get_for_editing(current_user, lesson_id) if lesson_id else None
    texts = {field: request.form.get(field, "") for field in redaction.FIELDS}
    try:
        carried = redaction.parse_decisions(request.form.get("decisions"))
    except redaction.ResolutionError as error:
        return _editor(LessonForm(), lesson, 400, str(error))
    texts, carried = services.normalise(texts, carried)
    resolved, kept = {}, []
    try:
        for field, items in services.check_texts(texts, carried).items():
            resolutions = [redaction.Resolution(request.form.get(f"choice-{field}-{i}", ""),
                                                request.form.get(f"phrase-{field}-{i}", ""),
                                                request.form.get(f"reason-{field}-{i}", ""))
                           for i in range(len(items))]
            findings = [Finding(f["start"], f["end"], f["kind"], f["text"], f["rule"]) for f in items]
            resolved[field], decisions = redaction.apply_resolutions(field, texts[field], findings, resolutions)
            kept.extend(decisions)
    except redaction.ResolutionError as error:
        return _check_page(lesson, texts, carried, status=400, error=str(error))
    action = request.form.get("action", "draft")
    if services.unresolved_findings(resolved, kept):
        return _check_page(lesson, resolved, kept, status=400,
                           error="Some of your replacements still look identifying. Resolve them too.")
    return _store(lesson, resolved, kept, action, LessonForm())


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
    review.send_back(current_user, lesson_id, request.form.get("comment"))
    flash("Sent back to the author with your comment.", "info")
    return redirect(url_for("lessons.review_queue"))


@bp.post("/<int:lesson_id>/publish")
@login_required
def publish(lesson_id):
    lesson = review.publish(current_user, lesson_id, request.form.get("visibility"))
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
