"""Review and release: the two-person rule, send-back comments, publishing, revisions and retiring.

A coordinator who is not the author reviews a lesson in review, sends it back with a comment or publishes
it with a visibility. Every transition is in the audit log (actions only, never text). A published lesson
is revised through a working copy that is checked and reviewed like a new lesson; the released text stays
visible until the new version is published over it.
"""
from datetime import datetime, timezone

from sqlalchemy import select, update

from taskforce import audit, ids
from taskforce.auth.models import Role, User
from taskforce.auth.validation import clean_choice, clean_text
from taskforce.errors import Conflict, PermissionDenied, ValidationError
from taskforce.extensions import db
from taskforce.lessons.redaction import findings_in
from taskforce.lessons.models import (TEXT_FIELDS, Lesson, LessonIndicator, LessonReviewComment, LessonReplacement,
                                      LessonRevision, LessonSector, NotIdentifyingDecision, Status, Visibility)
from taskforce.lessons.services import get_lesson
from taskforce.lessons.signals import lesson_published, lesson_sent_back

REVIEWER_ROLES = (Role.COORDINATOR, Role.ADMIN)  # `User.can_review_lessons`, as a query


class ReviewConflict(Conflict):
    """The lesson changed after the reviewer opened it (sent back, edited and resubmitted meanwhile): what
    they read is not what would be released, so nothing is done and they read it again."""

    def __init__(self, lesson: Lesson):
        super().__init__("This lesson changed after you opened it: the author saved a new text, or another "
                         "coordinator acted on it. Nothing was done. Read the current version below, then "
                         "decide again.")
        self.lesson_id = lesson.id


def _reviewable(actor: User, lesson_id, expected_version=None) -> Lesson:
    """A lesson in review this coordinator may act on — as it was when they opened it, when the page says
    which version that was (a page without it acts on what is there, as scripts do)."""
    lesson = get_lesson(actor, lesson_id)
    if not actor.can_review_lessons:
        raise PermissionDenied("Only coordinators review and release lessons.")
    if lesson.author_id == actor.id:
        raise PermissionDenied("A lesson is reviewed by someone other than its author.")
    if lesson.status is not Status.IN_REVIEW:
        raise Conflict(f"This lesson is {lesson.status.label.lower()}, not in review.")
    if expected_version not in (None, "") and ids.position(expected_version) != lesson.edit_version:
        raise ReviewConflict(lesson)
    return lesson


def checked_comment(body, label: str) -> str:
    """A comment's text, refused with the list of findings if the anonymizer sees anything in it."""
    body = clean_text(body, "body", label, max_length=4_000)
    findings = findings_in(body)
    if findings:
        raise ValidationError(f"{label} contains {len(findings)} detail(s) that could identify someone. "
                              "Rephrase and send again; nothing was saved.", field="body",
                              details={"findings": findings})
    return body


def _claim(lesson: Lesson, to: Status) -> None:
    """Move a lesson out of review in one conditional UPDATE: of two reviewers acting at once (or one form
    sent twice) exactly one wins; the other gets a Conflict instead of a second released version."""
    claimed = db.session.execute(update(Lesson).where(Lesson.id == lesson.id, Lesson.status == Status.IN_REVIEW,
                                                      Lesson.edit_version == lesson.edit_version)
                                 .values(status=to, edit_version=Lesson.edit_version + 1)
                                 .execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        db.session.rollback()
        raise Conflict("Someone else has just reviewed this lesson. Reload the page to see where it stands.")
    db.session.expire(lesson, ["status", "updated_at", "edit_version"])


def reviewer_ids(lesson: Lesson) -> list[int]:
    """Who may review this lesson: active coordinators and administrators other than its author."""
    return list(db.session.scalars(select(User.id).where(User.active.is_(True), User.role.in_(REVIEWER_ROLES),
                                                         User.id != lesson.author_id).order_by(User.id)))


def review_queue(actor: User) -> list[Lesson]:
    """Lessons waiting for a coordinator, oldest first (the coordinator's own are listed, not reviewable)."""
    if not actor.can_review_lessons:
        raise PermissionDenied("Only coordinators review lessons.")
    stmt = select(Lesson).where(Lesson.status == Status.IN_REVIEW).order_by(Lesson.submitted_at, Lesson.id)
    return db.session.scalars(stmt).all()


def send_back(actor: User, lesson_id, comment, expected_version=None) -> Lesson:
    """Return a lesson to its author with what to change (the comment passes the anonymizer too)."""
    lesson = _reviewable(actor, lesson_id, expected_version)
    body = checked_comment(comment, "The comment")
    _claim(lesson, Status.CHANGES_REQUESTED)
    lesson.review_comments.append(LessonReviewComment(author_id=actor.id, body=body))
    lesson.reviewer_id = actor.id
    audit.record(actor, "lesson.changes_requested", lesson)
    db.session.commit()
    lesson_sent_back.send(lesson)
    return lesson


def publish(actor: User, lesson_id, visibility, expected_version=None) -> Lesson:
    """Release a reviewed lesson (two-person rule) to the whole task force or the author's sector — the
    version the reviewer read, never one changed since (`expected_version`).

    A revision's text replaces its original's, which keeps its address, comments and marks."""
    lesson = _reviewable(actor, lesson_id, expected_version)
    visibility = clean_choice(visibility, Visibility, "visibility", "Visibility")
    _claim(lesson, Status.PUBLISHED)
    now = datetime.now(timezone.utc)
    released = lesson
    if lesson.is_revision:
        released = db.session.get(Lesson, lesson.revision_of_id)
        if released is None or released.status is not Status.PUBLISHED:
            raise Conflict("The lesson this revises is no longer published; the revision cannot replace it.")
        _copy_content(lesson, released)
        released.version = lesson.version
        released.author_id = lesson.author_id
        released.edit_version = released.edit_version + 1
    released.status = Status.PUBLISHED
    released.visibility = visibility
    released.reviewer_id = actor.id
    released.published_at = now
    db.session.add(LessonRevision(lesson_id=released.id, version=released.version, author_id=released.author_id,
                                  published_by_id=actor.id, published_at=now,
                                  **{field: getattr(released, field) for field in TEXT_FIELDS}))
    if lesson.is_revision:
        audit.record(actor, "lesson.revision_published", lesson)
        db.session.delete(lesson)
    audit.record(actor, "lesson.published", released)
    db.session.commit()
    lesson_published.send(released)
    return released


def _copy_content(source: Lesson, target: Lesson) -> None:
    for field in TEXT_FIELDS:
        setattr(target, field, getattr(source, field))
    for attribute in ("trafficking_type", "jurisdiction_level", "case_year"):
        setattr(target, attribute, getattr(source, attribute))
    target.indicator_tags = [LessonIndicator(indicator=slug) for slug in source.indicators]
    target.sector_tags = [LessonSector(sector=sector) for sector in source.sectors]
    target.decisions = [NotIdentifyingDecision(field=d.field, start=d.start, end=d.end, kind=d.kind, rule=d.rule,
                                               text=d.text, reason=d.reason, decided_by_id=d.decided_by_id)
                        for d in source.decisions]
    target.replacements = [LessonReplacement(field=r.field, start=r.start, end=r.end, kind=r.kind, how=r.how,
                                             text=r.text, decided_by_id=r.decided_by_id) for r in source.replacements]


def start_revision(actor: User, lesson_id) -> Lesson:
    """The author opens a new version of a published lesson as a draft copy; one open revision at a time."""
    lesson = get_lesson(actor, lesson_id)
    if lesson.author_id != actor.id:
        raise PermissionDenied("Only the author revises a lesson's text.")
    if lesson.status is not Status.PUBLISHED or lesson.is_revision:
        raise Conflict("Only a published lesson can be revised.")
    _hold(lesson)
    if open_revision(lesson) is not None:
        raise Conflict("A revision of this lesson is already open.")
    copy = Lesson(author_id=actor.id, sector=lesson.sector, status=Status.DRAFT, revision_of_id=lesson.id,
                  version=lesson.version + 1, visibility=lesson.visibility)
    db.session.add(copy)
    _copy_content(lesson, copy)
    db.session.flush()
    audit.record(actor, "lesson.revision_started", copy)
    db.session.commit()
    return copy


def _hold(lesson: Lesson) -> None:
    """Lock the published lesson's row before looking for an open revision: a second "revise" sent at the
    same moment waits here until the first has committed, then finds its copy (one open revision at a
    time without a schema change). Still published, or a Conflict (it was retired meanwhile)."""
    held = db.session.execute(update(Lesson).where(Lesson.id == lesson.id, Lesson.status == Status.PUBLISHED)
                              .values(version=Lesson.version).execution_options(synchronize_session=False))
    if held.rowcount != 1:
        db.session.rollback()
        raise Conflict("This lesson is no longer published; it cannot be revised.")


def open_revision(lesson: Lesson) -> Lesson | None:
    """The working copy of a published lesson, if one is open."""
    return db.session.scalar(select(Lesson).where(Lesson.revision_of_id == lesson.id))


def retire(actor: User, lesson_id) -> Lesson:
    """Take a published lesson out of circulation (its author or a coordinator); nothing is deleted."""
    lesson = get_lesson(actor, lesson_id)
    if not (actor.can_review_lessons or lesson.author_id == actor.id):
        raise PermissionDenied("Only the author or a coordinator retires a lesson.")
    if lesson.status is not Status.PUBLISHED or lesson.is_revision:
        raise Conflict(f"This lesson is {lesson.status.label.lower()}, not published.")
    lesson.status = Status.RETIRED
    audit.record(actor, "lesson.retired", lesson)
    db.session.commit()
    return lesson


def revisions(actor: User, lesson_id) -> list[LessonRevision]:
    """Every released version of a lesson the person may read, newest first."""
    lesson = get_lesson(actor, lesson_id)
    stmt = select(LessonRevision).where(LessonRevision.lesson_id == lesson.id).order_by(LessonRevision.version.desc())
    return db.session.scalars(stmt).all()
