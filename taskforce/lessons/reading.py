"""Reading lessons: filtered lists and search, comments, helpful marks — always within what the reader may
see (sector-only lessons stay within their sector in lists, pages, search and JSON alike)."""
import math
from dataclasses import dataclass

from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError

from taskforce import audit, ids
from taskforce.auth.models import Sector, User
from taskforce.auth.validation import clean_choice
from taskforce.errors import Conflict, NotFound, ValidationError
from taskforce.extensions import db
from taskforce.lessons import indicators
from taskforce.lessons.models import (Lesson, LessonComment, LessonHelpfulMark, LessonIndicator, LessonSector,
                                      Status, TraffickingType)
from taskforce.lessons.review import checked_comment
from taskforce.lessons.services import clean_year, get_lesson, published_for

PAGE_SIZE = 20
MAX_QUERY = 200
MAX_PAGE = 10_000


@dataclass
class Page:
    items: list
    total: int
    page: int
    pages: int


def list_lessons(actor: User, *, indicator=None, sector=None, trafficking_type=None, year=None, q=None,
                 page=1) -> Page:
    """Released lessons this person may read, newest first, filtered and paged."""
    stmt = select(Lesson).where(published_for(actor))
    if indicator:
        if indicator not in indicators.BY_SLUG:
            raise ValidationError("Unknown indicator.", field="indicator")
        stmt = stmt.where(Lesson.id.in_(select(LessonIndicator.lesson_id).where(LessonIndicator.indicator == indicator)))
    if sector:
        sector = clean_choice(sector, Sector, "sector", "Sector")
        stmt = stmt.where(Lesson.id.in_(select(LessonSector.lesson_id).where(LessonSector.sector == sector.value)))
    if trafficking_type:
        stmt = stmt.where(Lesson.trafficking_type == clean_choice(trafficking_type, TraffickingType,
                                                                  "trafficking_type", "Trafficking type"))
    if year not in (None, ""):
        stmt = stmt.where(Lesson.case_year == clean_year(year))
    if q:
        if not isinstance(q, str) or len(q) > MAX_QUERY:
            raise ValidationError(f"Search for at most {MAX_QUERY} characters.", field="q")
        for word in q.split()[:8]:
            pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            stmt = stmt.where(or_(*(getattr(Lesson, f).ilike(pattern, escape="\\") for f in
                                    ("title", "summary", "what_happened", "what_worked", "what_did_not",
                                     "recommendation"))))
    page = ids.page_number(page, MAX_PAGE)
    if page is None:
        raise ValidationError(f"The page must be a whole number from 1 to {MAX_PAGE:,}.", field="page")
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    items = db.session.scalars(stmt.order_by(Lesson.published_at.desc(), Lesson.id.desc())
                               .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return Page(items, total, page, max(1, math.ceil(total / PAGE_SIZE)))


def my_lessons(actor: User) -> list[Lesson]:
    """Everything this person wrote, in any state, most recently changed first."""
    stmt = select(Lesson).where(Lesson.author_id == actor.id).order_by(Lesson.updated_at.desc(), Lesson.id.desc())
    return db.session.scalars(stmt).all()


def _published(actor: User, lesson_id) -> Lesson:
    lesson = get_lesson(actor, lesson_id)
    if lesson.status is not Status.PUBLISHED or lesson.is_revision:
        raise Conflict("Comments and marks are for published lessons.")
    return lesson


def comments(actor: User, lesson_id) -> list[LessonComment]:
    """Readers' comments on a lesson this person may read, oldest first."""
    lesson = get_lesson(actor, lesson_id)
    stmt = select(LessonComment).where(LessonComment.lesson_id == lesson.id).order_by(LessonComment.id)
    return db.session.scalars(stmt).all()


def add_comment(actor: User, lesson_id, body) -> LessonComment:
    """A reader's comment, refused with the findings if it could identify anyone (nothing stored then)."""
    lesson = _published(actor, lesson_id)
    comment = LessonComment(lesson_id=lesson.id, author_id=actor.id, body=checked_comment(body, "Your comment"))
    db.session.add(comment)
    db.session.flush()
    audit.record(actor, "lesson.commented", lesson)
    db.session.commit()
    return comment


def delete_comment(actor: User, comment_id) -> None:
    """A comment's author or a coordinator removes it."""
    comment_id = ids.record_id(comment_id)
    comment = db.session.get(LessonComment, comment_id) if comment_id is not None else None
    if comment is None:
        raise NotFound("No such comment.")
    get_lesson(actor, comment.lesson_id)
    if comment.author_id != actor.id and not actor.is_coordinator:
        raise NotFound("No such comment.")
    # One conditional DELETE: of two removals at once (two tabs, author and coordinator) one removes it and
    # the other hears it is gone, instead of both reporting success.
    removed = db.session.execute(delete(LessonComment).where(LessonComment.id == comment.id)
                                 .execution_options(synchronize_session=False)).rowcount
    if removed != 1:
        db.session.rollback()
        raise NotFound("This comment was already removed.")
    audit.record(actor, "lesson.comment_deleted", ("LessonComment", comment.id))
    db.session.commit()


def helpful_count(lesson_id: int) -> int:
    return db.session.scalar(select(func.count()).where(LessonHelpfulMark.lesson_id == lesson_id))


def has_marked(actor: User, lesson_id: int) -> bool:
    return db.session.scalar(select(LessonHelpfulMark.id).where(
        LessonHelpfulMark.lesson_id == lesson_id, LessonHelpfulMark.user_id == actor.id)) is not None


def toggle_helpful(actor: User, lesson_id) -> tuple[bool, int]:
    """Mark a lesson helpful, or take the mark back; one mark per person (a double click cannot count twice)."""
    lesson = _published(actor, lesson_id)
    removed = db.session.execute(delete(LessonHelpfulMark).where(
        LessonHelpfulMark.lesson_id == lesson.id, LessonHelpfulMark.user_id == actor.id)).rowcount
    marked = not removed
    if marked:
        db.session.add(LessonHelpfulMark(lesson_id=lesson.id, user_id=actor.id))
    try:
        db.session.commit()
    except IntegrityError:  # a concurrent click already marked it
        db.session.rollback()
        marked = True
    return marked, helpful_count(lesson.id)


def helpful_counts(lesson_ids) -> dict[int, int]:
    """Marks per lesson for a list page, in one query."""
    if not lesson_ids:
        return {}
    rows = db.session.execute(select(LessonHelpfulMark.lesson_id, func.count()).where(
        LessonHelpfulMark.lesson_id.in_(list(lesson_ids))).group_by(LessonHelpfulMark.lesson_id))
    return dict(rows.all())


def new_since(actor: User, since, limit: int = 6) -> list[tuple[Lesson, bool]]:
    """Lessons released since `since` (None: the newest) that the actor may read, those involving the actor's
    sector first (Home: "new since your last visit"). Returns (lesson, for my sector) pairs."""
    mine = select(LessonSector.lesson_id).where(LessonSector.sector == actor.sector.value)
    stmt = select(Lesson).where(published_for(actor))
    if since is not None:  # None: a first visit, the newest ones
        stmt = stmt.where(Lesson.published_at > since)
    rows = db.session.scalars(stmt.order_by(Lesson.published_at.desc()).limit(50 if since else limit)).all()
    sector_ids = set(db.session.scalars(mine.where(LessonSector.lesson_id.in_([r.id for r in rows])))) if rows else set()
    ordered = sorted(rows, key=lambda lesson: lesson.id not in sector_ids)
    return [(lesson, lesson.id in sector_ids) for lesson in ordered[:limit]]
