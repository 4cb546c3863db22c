"""Blinker signals the directory sends; listeners are connected in `taskforce/wiring.py` (DESIGN §2).

`capacity_changed(service, actor_id)` — after commit, when a service's available/total changed: the live
layer pushes the numbers and the service's followers are notified (not the person who changed it).
`entries_went_stale(organization_id, service_ids, recipient_ids)` — after commit, when `remind-stale`
recorded a reminder for an organization's unverified entries: the people it tells are notified in the app.
"""
from blinker import Namespace

_signals = Namespace()
capacity_changed = _signals.signal("capacity-changed")
entries_went_stale = _signals.signal("entries-went-stale")
