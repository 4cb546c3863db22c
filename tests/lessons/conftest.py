"""Factories for lesson tests: `make_lesson` stores a lesson directly (test data, already neutral text)."""
import pytest
from sqlalchemy import inspect, select, text

from taskforce.auth.models import Role, Sector
from taskforce.dbtypes import utcnow
from taskforce.extensions import db
from taskforce.lessons.models import (Lesson, LessonIndicator, LessonSector, Status, TraffickingType,
                                      Visibility)

NEUTRAL = {
    "title": "Ask about who holds the documents",
    "summary": "The victim's passport was kept by the employer; asking early changed the interview.",
    "what_happened": "An outreach worker met the victim at a clinic in the county.",
    "what_worked": "A quiet room and an interpreter from outside the community.",
    "what_did_not": "The first interview happened in front of the supervisor.",
    "recommendation": "Interview alone, with an independent interpreter.",
}


@pytest.fixture
def make_lesson(app, make_user):
    def make(author=None, status=Status.PUBLISHED, visibility=Visibility.TASK_FORCE, indicators=("documents-held",),
             sectors=(Sector.HEALTHCARE,), trafficking_type=TraffickingType.LABOR, case_year=2022, **texts):
        author = author or make_user(Role.MEMBER)
        fields = dict(NEUTRAL, **texts)
        lesson = Lesson(author_id=author.id, sector=author.sector.value, status=status, visibility=visibility,
                        trafficking_type=trafficking_type, case_year=case_year,
                        published_at=utcnow() if status in (Status.PUBLISHED, Status.RETIRED) else None,
                        submitted_at=utcnow() if status is not Status.DRAFT else None, **fields)
        lesson.indicator_tags = [LessonIndicator(indicator=slug) for slug in indicators]
        lesson.sector_tags = [LessonSector(sector=s.value) for s in sectors]
        db.session.add(lesson)
        db.session.commit()
        return lesson
    return make


def lesson_form(**overrides) -> dict:
    """What the editor posts: texts, tags, decisions and the button pressed."""
    data = dict(NEUTRAL, trafficking_type="labor", jurisdiction_level="local", case_year="2022",
                indicators=["documents-held", "debt-bondage"], sectors=["healthcare"], decisions="[]",
                action="draft")
    data.update(overrides)
    return data


def edit_version(lesson_id) -> str:
    """The edit version an editor page opened now would carry (what the browser sends back with a save)."""
    db.session.expire_all()
    return str(db.session.scalar(select(Lesson.edit_version).where(Lesson.id == lesson_id)))


def everything_stored() -> str:
    """Every text value of every column of every table, joined: to prove what is NOT in the database."""
    chunks = []
    engine = db.engine
    for table in db.metadata.sorted_tables:
        if table.name not in inspect(engine).get_table_names():
            continue
        for row in db.session.execute(select(table)).all():
            chunks.extend(str(value) for value in row if value is not None)
    if engine.dialect.name == "sqlite":
        db.session.execute(text("PRAGMA wal_checkpoint"))
    return "\n".join(chunks)


def status_of(lesson_id):
    db.session.expire_all()
    return db.session.scalar(select(Lesson.status).where(Lesson.id == lesson_id))


def lessons_count() -> int:
    return db.session.query(Lesson).count()
