"""Lessons listeners (DESIGN §2 `live.py`): a released lesson is a live toast to its readers, and review
steps become notifications — to the author when a lesson is sent back or released, to the coordinators when
one waits for review. Notification texts never quote a lesson (not even its title, which may still be under
review): only what happened and a link. Connected in `taskforce/wiring.py`.
"""
from taskforce import live, notifications
from taskforce.lessons import review
from taskforce.lessons.models import Visibility
from taskforce.notifications import rules

LESSON_REVIEWED = notifications.register_kind("lesson_reviewed", "Your lessons sent back or released")
LESSON_TO_REVIEW = notifications.register_kind("lesson_to_review", "Lessons waiting for your review")


def room_for(lesson) -> str:
    """Whole task force, or only the author's sector for a sector-only lesson."""
    if lesson.visibility is Visibility.SECTOR:
        return live.sector_room(lesson.sector)
    return live.TASK_FORCE


def published_payload(lesson) -> dict:
    """`notification {kind, text, url}`; the title passed the anonymizer like every lesson text."""
    return {"kind": "lesson", "text": f"New lesson: {lesson.title}", "url": f"/lessons/{lesson.id}"}


def announce_published_lesson(lesson, **_extra) -> None:
    """Receiver of `lesson_published`: the toast, to the lesson's readers."""
    live.push(room_for(lesson), "notification", published_payload(lesson))


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
