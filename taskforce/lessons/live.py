"""Lessons listeners (DESIGN §2 `live.py`): review steps become notifications — to the author when a
lesson is sent back or released, to the coordinators when one waits for review. Texts never quote a
lesson (not even its title, which may still be under review): only what happened and a link.
"""
from taskforce import notifications
from taskforce.lessons import review
from taskforce.lessons.models import Visibility
from taskforce.notifications import rules

LESSON_REVIEWED = notifications.register_kind("lesson_reviewed", "Your lessons sent back or released")
LESSON_TO_REVIEW = notifications.register_kind("lesson_to_review", "Lessons waiting for your review")


@notifications.listener
def notify_author_of_release(lesson, **_extra) -> None:
    """Receiver of `lessons.signals.lesson_published`: the author hears their lesson went out."""
    audience = "your sector" if lesson.visibility is Visibility.SECTOR else "the task force"
    notifications.notify(rules.others(lesson.reviewer_id, [lesson.author_id]), LESSON_REVIEWED,
                         f"Your lesson was released to {audience}", f"/lessons/{lesson.id}",
                         object_type="lesson", object_id=lesson.id)


@notifications.listener
def notify_author_of_send_back(lesson, **_extra) -> None:
    """Receiver of `lessons.signals.lesson_sent_back`: the author reads the reviewer's comments."""
    notifications.notify(rules.others(lesson.reviewer_id, [lesson.author_id]), LESSON_REVIEWED,
                         "Your lesson was sent back with comments to address", f"/lessons/{lesson.id}",
                         object_type="lesson", object_id=lesson.id)


@notifications.listener
def notify_reviewers_of_submission(lesson, **_extra) -> None:
    """Receiver of `lessons.signals.lesson_submitted`: coordinators (never the author) see it waits."""
    notifications.notify(rules.others(lesson.author_id, review.reviewer_ids(lesson)), LESSON_TO_REVIEW,
                         "A lesson is waiting for review", f"/lessons/{lesson.id}",
                         object_type="lesson", object_id=lesson.id)
