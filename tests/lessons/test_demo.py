"""The demo lessons: 40+, every indicator group, mostly published, both visibilities, and every stored text
passes the anonymizer with no findings."""
import random

from sqlalchemy import select

from taskforce.cli import seed_demo_data
from taskforce.extensions import db
from taskforce.lessons import indicators
from taskforce.lessons.anonymizer import scan
from taskforce.lessons.models import (Lesson, LessonComment, LessonHelpfulMark, LessonReviewComment, Status,
                                      Visibility)


def test_demo_lessons_are_many_varied_and_identify_no_one(app):
    seed_demo_data(seed=7, password="demo-password-long-enough")
    lessons = db.session.scalars(select(Lesson)).all()
    assert len(lessons) >= 40
    statuses = [lesson.status for lesson in lessons]
    assert statuses.count(Status.PUBLISHED) >= 30
    assert {Status.IN_REVIEW, Status.DRAFT} <= set(statuses)
    assert {lesson.visibility for lesson in lessons} == set(Visibility)
    groups = {indicators.BY_SLUG[slug].group for lesson in lessons for slug in lesson.indicators}
    assert groups == set(indicators.GROUPS)
    assert db.session.scalars(select(LessonHelpfulMark)).first() is not None
    texts = [t for lesson in lessons for t in lesson.texts().values()]
    texts += [c.body for c in db.session.scalars(select(LessonComment))]
    texts += [c.body for c in db.session.scalars(select(LessonReviewComment))]
    assert [(t[:40], scan(t)) for t in texts if scan(t)] == []


