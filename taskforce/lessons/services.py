"""Writing lessons and who may see them.

Rules kept here: the author's raw text is never stored — a lesson (draft or not) is saved only when every
finding of the anonymizer in the submitted, resolved text is covered by a not-identifying decision with a
reason; only the author edits a lesson's text, and only while it is a draft or sent back; a lesson nobody
may read does not exist for them (404), whatever its id. Review and release live in `review.py`, reading
in `reading.py`.
"""
from datetime import datetime, timezone

from sqlalchemy import and_, or_

from taskforce import audit, ids
from taskforce.auth.models import Sector, User
from taskforce.auth.validation import clean_choice, clean_text
from taskforce.errors import Conflict, NotFound, PermissionDenied, ValidationError
from taskforce.extensions import db
from taskforce.lessons import indicators, redaction
from taskforce.lessons.models import (JurisdictionLevel, Lesson, LessonIndicator, LessonSector,
                                      NotIdentifyingDecision, Status, TraffickingType, Visibility)
from taskforce.lessons.signals import lesson_submitted

LIMITS = {"title": 200, "summary": 2_000, "what_happened": 20_000, "what_worked": 10_000,
          "what_did_not": 10_000, "recommendation": 10_000}
LABELS = {"title": "Title", "summary": "Summary", "what_happened": "What happened", "what_worked": "What worked",
          "what_did_not": "What did not work", "recommendation": "Recommendation"}
REQUIRED = ("title", "summary")
EARLIEST_YEAR = 1990
SECTOR_CHOICES = [(s.value, s.label) for s in Sector]
_SECTOR_LABELS = dict(SECTOR_CHOICES)


def sector_label(value: str) -> str:
    """The readable name of a stored sector value (lessons keep the value, as other domains do)."""
    return _SECTOR_LABELS.get(value, value)


# --- who may see what -------------------------------------------------------------------------------

def can_read(actor: User, lesson: Lesson) -> bool:
    """Authors see their own; coordinators see everything past the author's draft; others see released
    lessons their visibility allows (sector-only lessons: members of that sector)."""
    if lesson.author_id == actor.id:
        return True
    if actor.is_coordinator:
        return lesson.status is not Status.DRAFT
    if lesson.status is not Status.PUBLISHED:
        return False
    return lesson.visibility is Visibility.TASK_FORCE or lesson.sector == actor.sector.value


def published_for(actor: User):
    """SQL condition: the released lessons this person may read (lists, search, JSON all use it)."""
    condition = and_(Lesson.status == Status.PUBLISHED, Lesson.revision_of_id.is_(None))
    if actor.is_coordinator:
        return condition
    return and_(condition, or_(Lesson.visibility == Visibility.TASK_FORCE, Lesson.sector == actor.sector.value))


def get_lesson(actor: User, lesson_id) -> Lesson:
    """The lesson, if this person may read it; otherwise it does not exist for them."""
    lesson_id = ids.record_id(lesson_id)
    lesson = db.session.get(Lesson, lesson_id) if lesson_id is not None else None
    if lesson is None or not can_read(actor, lesson):
        raise NotFound("No such lesson.")
    return lesson


def get_for_editing(actor: User, lesson_id) -> Lesson:
    """Only the author edits a lesson's text, and only while it is a draft or sent back."""
    lesson = get_lesson(actor, lesson_id)
    if lesson.author_id != actor.id:
        raise PermissionDenied("Only the author edits a lesson's text; coordinators review it.")
    if not lesson.is_editable:
        raise Conflict(f"This lesson is {lesson.status.label.lower()}; it can no longer be edited.")
    return lesson


# --- input -----------------------------------------------------------------------------------------------

def clean_texts(texts: dict) -> dict[str, str]:
    """Each text field stripped, within its limit, the required ones present."""
    return {field: clean_text(texts.get(field), field, LABELS[field], max_length=LIMITS[field],
                              required=field in REQUIRED) for field in redaction.FIELDS}


def normalise(texts: dict, decisions=()) -> tuple[dict[str, str], list]:
    """Browsers send textarea newlines as CRLF and authors leave stray spaces: use LF and strip, and move
    each decision's offsets with its text so that it still anchors where the page put it."""
    out, shifted = {}, []
    for field in redaction.FIELDS:
        value = texts.get(field)
        if not isinstance(value, str):
            out[field] = value
            continue
        value = value.replace("\r\n", "\n").replace("\r", "\n")
        lead = len(value) - len(value.lstrip())
        out[field] = value.strip()
        shifted.extend(redaction.Decision(d.field, d.start - lead, d.end - lead, d.text, d.reason)
                       for d in decisions if d.field == field)
    return out, shifted


def clean_tags(tags: dict) -> dict:
    """Trafficking type, indicators from the taxonomy, sectors, jurisdiction level and the case year."""
    slugs = sorted(set(tags.get("indicators") or []))
    bad = indicators.unknown(slugs)
    if bad:
        raise ValidationError(f"Unknown indicator: {bad[0]}.", field="indicators")
    sectors = sorted({clean_choice(s, Sector, "sectors", "Sector").value for s in tags.get("sectors") or []})
    return {
        "trafficking_type": clean_choice(tags.get("trafficking_type") or "unknown", TraffickingType,
                                         "trafficking_type", "Trafficking type"),
        "jurisdiction_level": clean_choice(tags.get("jurisdiction_level") or "local", JurisdictionLevel,
                                           "jurisdiction_level", "Jurisdiction level"),
        "case_year": clean_year(tags.get("case_year")),
        "indicators": slugs,
        "sectors": sectors,
    }


def clean_year(value) -> int | None:
    """A year (never a date: a date can identify a case); empty means not given."""
    if value in (None, ""):
        return None
    try:
        year = int(str(value).strip())
    except ValueError:
        raise ValidationError("The case year must be a year, like 2023.", field="case_year") from None
    this_year = datetime.now(timezone.utc).year
    if not EARLIEST_YEAR <= year <= this_year:
        raise ValidationError(f"The case year must be between {EARLIEST_YEAR} and {this_year}.", field="case_year")
    return year


# --- the check ---------------------------------------------------------------------------------------

def check_texts(texts: dict, decisions=()) -> dict[str, list[dict]]:
    """Scan every field for identifying details; nothing is stored (the text may still be raw)."""
    return redaction.check({f: texts.get(f) or "" for f in redaction.FIELDS}, decisions)


def unresolved_findings(texts: dict, decisions=()) -> dict[str, list[dict]]:
    """Per field, the findings no not-identifying decision covers; empty when the text may be stored."""
    report = check_texts(texts, decisions)
    return {field: [f for f in items if not f["covered"]] for field, items in report.items()
            if any(not f["covered"] for f in items)}


def _verify_resolved(texts: dict, decisions) -> list[redaction.Decision]:
    """Re-scan on the server (never trust the page): refuse if anything is unresolved; return the
    decisions that cover a finding, with the kind and rule the server found."""
    unresolved = unresolved_findings(texts, decisions)
    if unresolved:
        count = sum(len(items) for items in unresolved.values())
        raise ValidationError(f"{count} identifying detail{'s' if count != 1 else ''} still to resolve. "
                              "Nothing was saved.", details={"unresolved": unresolved})
    used = []
    for field, items in check_texts(texts, decisions).items():
        for item in items:
            reason = checked_reason(item["reason"], item["text"])
            used.append(redaction.Decision(field, item["start"], item["end"], item["text"], reason,
                                           item["kind"], item["rule"]))
    return used


def checked_reason(reason, detail: str) -> str:
    """A not-identifying reason is stored and shown to reviewers, so it passes the same checks as a
    comment: clean text (no control characters) in which the anonymizer finds nothing — a reason must not
    carry the identifying details the lesson's text was cleaned of."""
    reason = clean_text(reason, "reason", f"The reason for keeping “{detail[:60]}”",
                        max_length=redaction.MAX_REASON)
    findings = redaction.findings_in(reason)
    if findings:
        raise ValidationError(f"The reason for keeping “{detail[:60]}” contains {len(findings)} detail(s) that "
                              "could identify someone. Rephrase it; nothing was saved.", field="reason",
                              details={"reason_findings": findings})
    return reason


# --- writing ------------------------------------------------------------------------------------------

def save_lesson(actor: User, lesson_id, texts: dict, tags: dict, decisions, *, submit: bool = False) -> Lesson:
    """Store a checked lesson (new or the author's draft) and, if asked, send it to review.

    Nothing is written unless the resolved text passes the server's own check."""
    texts, decisions = normalise(texts, decisions)
    texts, tags = clean_texts(texts), clean_tags(tags)
    used = _verify_resolved(texts, decisions)
    if lesson_id is None:
        lesson = Lesson(author_id=actor.id, sector=actor.sector.value, status=Status.DRAFT)
        db.session.add(lesson)
        action = "lesson.created"
    else:
        lesson = get_for_editing(actor, lesson_id)
        action = "lesson.draft_saved"
    for field, value in texts.items():
        setattr(lesson, field, value)
    _set_tags(lesson, tags)
    lesson.decisions = [NotIdentifyingDecision(field=d.field, start=d.start, end=d.end, kind=d.kind, rule=d.rule[:120],
                                               text=d.text[:400], reason=d.reason, decided_by_id=actor.id)
                        for d in used]
    db.session.flush()
    audit.record(actor, action, lesson)
    if submit:
        lesson.status = Status.IN_REVIEW
        lesson.submitted_at = datetime.now(timezone.utc)
        audit.record(actor, "lesson.submitted", lesson)
    db.session.commit()
    if submit:
        lesson_submitted.send(lesson)
    return lesson


def _set_tags(lesson: Lesson, tags: dict) -> None:
    lesson.trafficking_type = tags["trafficking_type"]
    lesson.jurisdiction_level = tags["jurisdiction_level"]
    lesson.case_year = tags["case_year"]
    lesson.indicator_tags = [LessonIndicator(indicator=slug) for slug in tags["indicators"]]
    lesson.sector_tags = [LessonSector(sector=sector) for sector in tags["sectors"]]


def discard_draft(actor: User, lesson_id) -> None:
    """The author throws away a draft (or an unreleased revision) that never went out."""
    lesson = get_for_editing(actor, lesson_id)
    if lesson.published_at is not None:
        raise Conflict("A released lesson is retired, not discarded.")
    audit.record(actor, "lesson.discarded", lesson)
    db.session.delete(lesson)
    db.session.commit()
