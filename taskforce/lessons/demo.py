"""Demo lessons: 40+ fictional, neutrally written lessons across every indicator group, mostly published,
some in review, a few drafts; both visibilities; reader comments and helpful marks.

Deterministic for the rng handed in. The stories (demo_stories*.py) are invented composites and pass the
anonymizer with no findings (a test checks it), so nothing here needed a not-identifying decision.
"""
from datetime import timedelta

from taskforce.auth.models import Role, Sector
from taskforce.dbtypes import utcnow
from taskforce.extensions import db
from taskforce.lessons.demo_stories import LABOR
from taskforce.lessons.demo_stories_more import SEX_AND_MIXED
from taskforce.lessons.models import (JurisdictionLevel, Lesson, LessonComment, LessonHelpfulMark, LessonIndicator,
                                      LessonReviewComment, LessonRevision, LessonSector, Status, TraffickingType,
                                      Visibility)

STORIES = LABOR + SEX_AND_MIXED
SECTOR_CODES = {"le": Sector.LAW_ENFORCEMENT.value, "pr": Sector.PROSECUTION.value, "hc": Sector.HEALTHCARE.value,
                "ngo": Sector.VICTIM_SERVICES_NGO.value, "ss": Sector.SOCIAL_SERVICES.value,
                "gov": Sector.GOVERNMENT.value, "oth": Sector.OTHER.value}
COMMENTS = [
    "We saw the same pattern last year; asking about documents early helped us too.",
    "Our clinic now sees every patient alone for part of the visit because of lessons like this one.",
    "Good point about interpreters. We keep a short list of remote interpreters for rare languages.",
    "Useful. We will share this with our night-shift staff.",
    "This matches what outreach workers tell us: practical help first, labels later.",
    "Could the task force add this to the next joint training?",
    "We tried the same approach and it worked well with youth, too.",
    "Thank you for writing this up so clearly.",
]
SEND_BACK = "Please say less about the route and the type of business; together they could point to the case."


def seed(rng, context: dict) -> dict:
    """Add the demo lessons to the session (the caller commits)."""
    users = context["users"]
    coordinators = [u for u in users if u.role in (Role.COORDINATOR, Role.ADMIN)]
    writers = [u for u in users if u.role in (Role.MEMBER, Role.TRAINER)] or users
    fixed_member = next((u for u in users if u.email == "member@taskforce.demo"), writers[0])
    now = utcnow()
    lessons = []
    for index, story in enumerate(STORIES):
        title, kind, slugs, sector_codes, level, summary, happened, worked, did_not, recommendation = story
        status = _status_for(index)
        author = fixed_member if index in (3, 41, 42) else rng.choice(writers)
        reviewer = rng.choice([c for c in coordinators if c.id != author.id] or coordinators)
        published_at = now - timedelta(days=rng.randint(2, 400), hours=rng.randint(0, 23))
        lesson = Lesson(
            title=title, summary=summary, what_happened=happened, what_worked=worked, what_did_not=did_not,
            recommendation=recommendation, trafficking_type=TraffickingType(kind),
            jurisdiction_level=JurisdictionLevel(level), case_year=rng.randint(2015, now.year - 1),
            status=status, visibility=Visibility.SECTOR if rng.random() < 0.22 else Visibility.TASK_FORCE,
            sector=author.sector.value, author_id=author.id, created_at=published_at - timedelta(days=3),
            updated_at=published_at, submitted_at=published_at - timedelta(days=1) if status is not Status.DRAFT else None,
            published_at=published_at if status in (Status.PUBLISHED, Status.RETIRED) else None,
            reviewer_id=reviewer.id if status in (Status.PUBLISHED, Status.RETIRED, Status.CHANGES_REQUESTED) else None)
        lesson.indicator_tags = [LessonIndicator(indicator=slug) for slug in slugs]
        lesson.sector_tags = [LessonSector(sector=SECTOR_CODES[code]) for code in sector_codes]
        if status is Status.CHANGES_REQUESTED:
            lesson.review_comments = [LessonReviewComment(author_id=reviewer.id, body=SEND_BACK)]
        db.session.add(lesson)
        lessons.append((lesson, reviewer))
    db.session.flush()
    for lesson, reviewer in lessons:
        if lesson.status in (Status.PUBLISHED, Status.RETIRED):
            db.session.add(LessonRevision(lesson_id=lesson.id, version=1, author_id=lesson.author_id,
                                          published_by_id=reviewer.id, published_at=lesson.published_at,
                                          **lesson.texts()))
        if lesson.status is Status.PUBLISHED:
            _reactions(rng, lesson, users)
    context["lessons"] = [lesson for lesson, _ in lessons]
    return context


def _status_for(index: int) -> Status:
    """Mostly published; a few in review, drafts, one sent back and one retired."""
    if index in (5, 17, 29, 36, 41):
        return Status.IN_REVIEW
    if index in (11, 42):
        return Status.DRAFT
    if index == 3:
        return Status.CHANGES_REQUESTED
    if index == 23:
        return Status.RETIRED
    return Status.PUBLISHED


def _reactions(rng, lesson: Lesson, users) -> None:
    readers = [u for u in users if u.id != lesson.author_id and (
        lesson.visibility is Visibility.TASK_FORCE or u.sector.value == lesson.sector or u.role in (Role.COORDINATOR, Role.ADMIN))]
    for reader in rng.sample(readers, k=min(len(readers), rng.randint(0, 9))):
        db.session.add(LessonHelpfulMark(lesson_id=lesson.id, user_id=reader.id))
    for offset, reader in enumerate(rng.sample(readers, k=min(len(readers), rng.choice((0, 0, 1, 1, 2, 3))))):
        db.session.add(LessonComment(lesson_id=lesson.id, author_id=reader.id, body=rng.choice(COMMENTS),
                                     created_at=lesson.published_at + timedelta(hours=6 + 20 * offset)))
