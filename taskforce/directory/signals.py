"""Blinker signals the directory domain sends; listeners are connected in `taskforce/wiring.py` (DESIGN §2).

`capacity_changed(service)` — after commit, when a service's available/total beds or slots changed (the
− / + buttons or the Set form): the live layer pushes the new numbers to every signed-in page.
"""
from blinker import Namespace

_signals = Namespace()
capacity_changed = _signals.signal("capacity-changed")
