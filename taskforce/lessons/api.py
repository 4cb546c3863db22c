"""JSON for the page modules and scripts: the identifying-details check (stores nothing) and lesson lists
within the reader's visibility."""
from dataclasses import asdict

from flask import Blueprint, request
from flask_login import current_user, login_required

from taskforce.errors import ValidationError
from taskforce.lessons import reading, redaction, services

bp = Blueprint("lessons_api", __name__, url_prefix="/api/lessons")
MAX_CHECK_BYTES = services.MAX_REQUEST_BYTES


def lesson_summary(lesson) -> dict:
    return {"id": lesson.id, "title": lesson.title, "summary": lesson.summary, "url": f"/lessons/{lesson.id}",
            "trafficking_type": lesson.trafficking_type.value, "indicators": lesson.indicators,
            "sectors": lesson.sectors, "case_year": lesson.case_year,
            "jurisdiction_level": lesson.jurisdiction_level.value, "visibility": lesson.visibility.value,
            "version": lesson.version,
            "published_at": lesson.published_at.isoformat() if lesson.published_at else None}


@bp.post("/check")
@login_required
def check():
    """Findings per field (kind, rule, offsets, text, suggested phrase, covered by a decision) — nothing is
    stored or logged: the text may still be raw. Limits are enforced before anything is scanned; `missing`
    names the required fields a save will still ask for."""
    if (request.content_length or 0) > MAX_CHECK_BYTES:
        raise ValidationError("The lesson is too long to check at once.")
    try:
        payload = request.get_json(silent=True)
    except RecursionError:  # brackets nested deeper than the parser goes: not a lesson
        payload = None
    if not isinstance(payload, dict) or not isinstance(payload.get("fields"), dict):
        raise ValidationError("Send {\"fields\": {\"title\": …, \"summary\": …}}.")
    fields = payload["fields"]
    try:
        decisions = redaction.parse_decisions(payload.get("decisions") or [])
    except redaction.ResolutionError as error:
        raise ValidationError(str(error)) from None
    outcome = services.check_lesson(current_user, {f: fields.get(f, "") for f in redaction.FIELDS}, decisions,
                                    replacements=redaction.parse_replacements(payload.get("replacements") or []))
    return {"fields": outcome.report, "texts": outcome.texts, "unresolved": outcome.pending,
            "missing": outcome.missing, "replacements": [asdict(r) for r in outcome.replacements]}


@bp.get("")
@login_required
def index():
    """Released lessons this member may read (same filters and paging as the list page)."""
    filters = {name: (request.args.get(name) or "").strip() for name in
               ("indicator", "sector", "trafficking_type", "year", "q")}
    page = reading.list_lessons(current_user, **filters, page=request.args.get("page", 1))
    return {"lessons": [lesson_summary(lesson) for lesson in page.items], "total": page.total,
            "page": page.page, "pages": page.pages}


@bp.get("/<int:lesson_id>")
@login_required
def show(lesson_id):
    lesson = services.get_lesson(current_user, lesson_id)
    data = lesson_summary(lesson)
    data.update({field: getattr(lesson, field) for field in redaction.FIELDS})
    data["status"] = lesson.status.value
    data["helpful"] = reading.helpful_count(lesson.id)
    return data
