"""The lessons' blocks on Home (taskforce/home.py): new lessons since the last visit (my sector's first) and,
for coordinators, the lessons waiting for their review."""
from flask import url_for

from taskforce import home
from taskforce.lessons import reading, review


def new_lessons_block(user) -> dict:
    pairs = reading.new_since(user, home.previous_visit(user))
    return {"items": [{"text": lesson.title, "url": url_for("lessons.show", lesson_id=lesson.id),
                       "meta": "involves your sector" if for_my_sector else ""} for lesson, for_my_sector in pairs],
            "empty": "No new lessons since your last visit. Share what you learned from a case: it is checked for "
                     "identifying details before anyone reads it.",
            "more": {"url": url_for("lessons.index"), "label": "All lessons"}}


def review_block(user) -> dict | None:
    if not user.can_review_lessons:
        return None
    waiting = [lesson for lesson in review.review_queue(user) if lesson.author_id != user.id]
    return {"items": [{"text": lesson.title, "url": url_for("lessons.show", lesson_id=lesson.id),
                       "meta": "revision" if lesson.is_revision else ""} for lesson in waiting[:8]],
            "empty": "No lesson waits for your review. Members' lessons appear here when they send them.",
            "more": {"url": url_for("lessons.review_queue"), "label": f"Review queue ({len(waiting)})"}}


def register(app) -> None:
    home.register_block("new_lessons", 30, new_lessons_block, title="New lessons since your last visit",
                        live_events=("notification",))
    home.register_block("lessons_to_review", 40, review_block, title="Lessons waiting for your review",
                        live_events=("notifications_unread",))
