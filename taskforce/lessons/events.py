"""Live updates from the lessons domain: the toast readers see when a lesson is released.

Connected to `signals.lesson_published` in `taskforce/wiring.py`; emitted on the shared `/channels`
namespace (Real-time contract) to exactly the readers the lesson's visibility allows.
"""
from taskforce.extensions import socketio
from taskforce.lessons.models import Visibility

NAMESPACE = "/channels"


def room_for(lesson) -> str:
    """Whole task force, or only the author's sector for a sector-only lesson."""
    if lesson.visibility is Visibility.SECTOR:
        return f"sector:{lesson.sector}"
    return "task_force"


def announce_published_lesson(lesson, **_extra) -> None:
    """Push `notification {kind, text, url}`; the title passed the anonymizer like every lesson text."""
    payload = {"kind": "lesson", "text": f"New lesson: {lesson.title}", "url": f"/lessons/{lesson.id}"}
    socketio.emit("notification", payload, namespace=NAMESPACE, to=room_for(lesson))
