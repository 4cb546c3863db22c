"""Blinker signals the lessons domain sends; listeners are connected in `taskforce/wiring.py` (DESIGN §2).

`lesson_published(lesson)` — after commit, when a lesson (or a new version of it) is released: the live
layer pushes a toast to the readers the lesson's visibility allows, and the author is notified.
`lesson_submitted(lesson)` — after commit, when an author sends a lesson (or a revision) to review: the
coordinators who may review it are notified.
`lesson_sent_back(lesson)` — after commit, when a reviewer returns a lesson with comments: its author is
notified.
"""
from blinker import Namespace

_signals = Namespace()
lesson_published = _signals.signal("lesson-published")
lesson_submitted = _signals.signal("lesson-submitted")
lesson_sent_back = _signals.signal("lesson-sent-back")
