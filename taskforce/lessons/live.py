"""Live updates from the lessons domain: the toast readers see when a lesson is released.

`announce_published_lesson` listens to `signals.lesson_published` (connected in `taskforce/wiring.py`) and
pushes through the live layer to exactly the readers the lesson's visibility allows.
"""
from taskforce import live
from taskforce.lessons.models import Visibility


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
