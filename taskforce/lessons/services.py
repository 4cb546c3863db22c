"""Writing lessons and who may see them.

Rules kept here: the author's raw text is never stored — a lesson (draft or not) is saved only when every
finding of the anonymizer in the submitted, resolved text is covered by a not-identifying decision with a
reason; only the author edits a lesson's text, and only while it is a draft or sent back, and only from the
version they opened (optimistic locking: a stale save is a 409, nothing overwritten); a lesson nobody
may read does not exist for them (404), whatever its id. A save is one pass (`save_lesson`): limits before
any scan, each field scanned once, and an `Outcome` that is the saved lesson or the findings to resolve. Review and release live in `review.py`, reading
in `reading.py`.
"""
from dataclasses import dataclass, replace
from dataclasses import field as dc_field
from datetime import datetime, timezone

from sqlalchemy import and_, or_, update

from taskforce import audit, ids
from taskforce.auth.models import Sector, User
from taskforce.auth.validation import clean_text
from taskforce.errors import Conflict, NotFound, PermissionDenied, ValidationError
from taskforce.extensions import db
from taskforce.lessons import anonymizer, redaction
from taskforce.lessons.intake import (LABELS, LIMITS, MAX_REQUEST_BYTES, REQUIRED,  # noqa: F401 (the domain's names)
                                      LessonInputError, clean_tags, clean_year, missing, normalise, text_errors)
from taskforce.lessons.models import (Lesson, LessonIndicator, LessonReplacement, LessonSector,
                                      NotIdentifyingDecision, Status, Visibility)
from taskforce.lessons.signals import lesson_submitted

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


def _authors(actor: User, lesson_id) -> Lesson:
    lesson = get_lesson(actor, lesson_id)
    if lesson.author_id != actor.id:
        raise PermissionDenied("Only the author edits a lesson's text; coordinators review it.")
    return lesson


def get_for_editing(actor: User, lesson_id) -> Lesson:
    """Only the author edits a lesson's text, and only while it is a draft or sent back."""
    lesson = _authors(actor, lesson_id)
    if not lesson.is_editable:
        raise Conflict(f"This lesson is {lesson.status.label.lower()}; it can no longer be edited.")
    return lesson


# --- the one pass: limits, one scan per field, then the result ------------------------------------------

APPLY_ALL = "apply-all"  # `resolutions=APPLY_ALL`: every open finding takes its suggested phrase


@dataclass
class Outcome:
    """What one save or check of a lesson came to: the saved lesson, or the findings still to resolve.

    `texts` are the (normalised, and resolved where choices were applied) texts the page shows next;
    `report` the findings per field of exactly those texts; `missing` the required fields a save will ask for."""

    texts: dict
    report: dict
    decisions: list
    replacements: list
    lesson: Lesson | None = None
    missing: dict = dc_field(default_factory=dict)
    error: str | None = None

    @property
    def saved(self) -> bool:
        return self.lesson is not None

    @property
    def pending(self) -> int:
        return redaction.pending(self.report)


class LessonEditConflict(Conflict):
    """The lesson was saved (from another tab, or reviewed) since this page was opened: both versions go
    back to the author, nothing is written."""

    def __init__(self, lesson: Lesson, yours: dict):
        if lesson.is_editable:
            message = ("This lesson was saved from another tab or window while you were editing. Nothing was "
                       "overwritten: compare both versions, merge what you need into the form below and save again.")
        else:
            message = (f"This lesson was {lesson.status.label.lower()} from another tab or window while you were "
                       "editing, so it can no longer be edited here. Nothing was overwritten; your text is below "
                       "to copy.")
        super().__init__(message)
        self.lesson = lesson
        self.editable = lesson.is_editable
        self.yours = yours
        self.current = lesson.texts()
        self.current_version = lesson.edit_version


def check_lesson(actor: User, texts: dict, decisions=(), *, replacements=(), resolutions=None) -> Outcome:
    """The identifying-details check (stores nothing): field limits first, then one scan per non-empty
    field; with `resolutions` (the check page's choices, or APPLY_ALL) the choices are applied and only the
    fields they changed are scanned again. Says which required fields a save will still need."""
    texts, decisions, replacements = normalise(texts, decisions, replacements)
    errors = text_errors(texts, required=False)
    if errors:
        raise LessonInputError(errors)
    outcome = _check(texts, decisions, replacements, resolutions)
    outcome.missing = missing(outcome.texts)
    return outcome


def save_lesson(actor: User, lesson_id, texts: dict, tags: dict, decisions=(), *, replacements=(),
                resolutions=None, submit: bool = False, expected_version=None) -> Outcome:
    """Store a checked lesson (new or the author's draft) and, if asked, send it to review — in one pass.

    In order, each step only when the one before passed: who may edit; every field limit, required field
    and tag (all problems at once, `LessonInputError`, before anything is scanned); the version the page
    was opened at (`LessonEditConflict`); one scan per non-empty field. Findings left unresolved come back
    in the Outcome and nothing is written; otherwise the resolved text is stored and the Outcome holds it."""
    lesson = _authors(actor, lesson_id) if lesson_id is not None else None
    texts, decisions, replacements = normalise(texts, decisions, replacements)
    errors = text_errors(texts)
    tags, tag_errors = clean_tags(tags)
    errors.update(tag_errors)
    if errors:
        raise LessonInputError(errors)
    if lesson is not None:
        if not lesson.is_editable:
            raise LessonEditConflict(lesson, texts)
        expected_version = _version_number(expected_version)
        if expected_version != lesson.edit_version:
            raise LessonEditConflict(lesson, texts)
    outcome = _check(texts, decisions, replacements, resolutions)
    if outcome.pending or outcome.error:
        return outcome
    try:
        used = [replace(d, reason=checked_reason(d.reason, d.text)) for d in outcome.decisions]
    except ValidationError as error:  # a reason to rephrase: back to the choices, with the message
        outcome.error = error.message
        return outcome
    if lesson is None:
        lesson = Lesson(author_id=actor.id, sector=actor.sector.value, status=Status.DRAFT, edit_version=1)
        db.session.add(lesson)
        action = "lesson.created"
    else:
        _take_version(lesson, expected_version, texts)
        action = "lesson.draft_saved"
    _write(lesson, actor, outcome.texts, tags, used, outcome.replacements)
    db.session.flush()
    audit.record(actor, action, lesson)
    if submit:
        lesson.status = Status.IN_REVIEW
        lesson.submitted_at = datetime.now(timezone.utc)
        audit.record(actor, "lesson.submitted", lesson)
    db.session.commit()
    if submit:
        lesson_submitted.send(lesson)
    outcome.lesson = lesson
    return outcome


def _check(texts: dict, decisions, replacements, resolutions) -> Outcome:
    report = redaction.check(texts, decisions)
    if resolutions is None:
        return _outcome(texts, report, replacements)
    resolved, kept, replaced = dict(texts), [], []
    try:
        for field, items in report.items():
            earlier = [r for r in replacements if r.field == field]
            if not items:
                replaced.extend(earlier)
                continue
            if resolutions == APPLY_ALL:
                chosen = redaction.suggestions(items)
            else:
                given = resolutions.get(field) or {}
                chosen = [given.get(i) or redaction.Resolution("") for i in range(len(items))]
            findings = [anonymizer.Finding(f["start"], f["end"], f["kind"], f["text"], f["rule"]) for f in items]
            resolved[field], decided, moved = redaction.apply_resolutions(field, texts[field], findings, chosen,
                                                                          earlier)
            kept.extend(decided)
            replaced.extend(moved)
    except redaction.ResolutionError as error:
        outcome = _outcome(texts, report, replacements)
        outcome.error = str(error)
        return outcome
    for field in redaction.FIELDS:  # scan again only what the choices changed
        if resolved[field] != texts[field]:
            report[field] = redaction.check_field(field, resolved[field], kept)
        else:
            redaction.cover(field, report[field], kept)
    outcome = _outcome(resolved, report, replaced)
    if outcome.pending and resolutions != APPLY_ALL:
        outcome.error = "Some of your replacements still look identifying. Resolve them too."
    return outcome


def _outcome(texts: dict, report: dict, replacements) -> Outcome:
    """Keep the decisions that cover a finding (with the kind and rule the server found, never the page's)
    and the replacements still anchored in the text."""
    used = [redaction.Decision(field, item["start"], item["end"], item["text"], item["reason"], item["kind"],
                               item["rule"]) for field, items in report.items() for item in items if item["covered"]]
    return Outcome(texts, report, used, [r for r in replacements if r.anchored(texts)])


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


def _version_number(value) -> int | None:
    """The edit version the page was opened at; a page that does not say (an old tab, a hand-made form)
    cannot prove it saw the current text, so it gets the side-by-side comparison like a stale one."""
    return ids.position(value)


def _take_version(lesson: Lesson, expected: int, yours: dict) -> None:
    """Compare-and-set the lesson's edit version in one UPDATE: of two saves based on the same version
    (two tabs, or a double click) exactly one wins; the other gets both versions back."""
    taken = db.session.execute(update(Lesson).where(Lesson.id == lesson.id, Lesson.edit_version == expected)
                               .values(edit_version=expected + 1).execution_options(synchronize_session=False))
    if taken.rowcount != 1:
        db.session.rollback()
        db.session.refresh(lesson)
        raise LessonEditConflict(lesson, yours)
    db.session.expire(lesson, ["edit_version"])


def _write(lesson: Lesson, actor: User, texts: dict, tags: dict, decisions, replacements) -> None:
    for field, value in texts.items():
        setattr(lesson, field, value)
    lesson.trafficking_type = tags["trafficking_type"]
    lesson.jurisdiction_level = tags["jurisdiction_level"]
    lesson.case_year = tags["case_year"]
    lesson.indicator_tags = [LessonIndicator(indicator=slug) for slug in tags["indicators"]]
    lesson.sector_tags = [LessonSector(sector=sector) for sector in tags["sectors"]]
    lesson.decisions = [NotIdentifyingDecision(field=d.field, start=d.start, end=d.end, kind=d.kind, rule=d.rule[:120],
                                               text=d.text[:400], reason=d.reason, decided_by_id=actor.id)
                        for d in decisions]
    lesson.replacements = [LessonReplacement(field=r.field, start=r.start, end=r.end, kind=r.kind, how=r.how,
                                             text=r.text[:120], decided_by_id=actor.id) for r in replacements]


def discard_draft(actor: User, lesson_id) -> None:
    """The author throws away a draft (or an unreleased revision) that never went out."""
    lesson = get_for_editing(actor, lesson_id)
    if lesson.published_at is not None:
        raise Conflict("A released lesson is retired, not discarded.")
    audit.record(actor, "lesson.discarded", lesson)
    db.session.delete(lesson)
    db.session.commit()
