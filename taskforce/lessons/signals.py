"""Blinker signals the lessons domain sends; listeners are connected in `taskforce/wiring.py` (DESIGN §2).

`lesson_published(lesson)` — after commit, when a lesson (or a new version of it) is released: the live
layer pushes a toast to the readers the lesson's visibility allows.
"""
from blinker import Namespace

_signals = Namespace()
lesson_published = _signals.signal("lesson-published")
