"""Blinker signals the training domain sends after its commits; listeners live in `training/live.py`
(pushes and notifications) and `taskforce/wiring.py` (the training channel, kept by the channels domain).

- `training_changed(training, kind, user_ids)` — scheduled, edited, moved, cancelled (whole or one session);
  `user_ids` are the registrants to tell ("cancelled", "moved", "updated", "created").
- `registration_changed(training, user_ids, members)` — who holds or waits for a seat changed: the training
  channel is brought in line with `members` (seat holders and the scheduling trainer), calendars refresh.
- `seat_offered(registration)` — a freed seat is offered to the first in line, until its deadline.
- `registration_confirmed(registration)` / `offer_lapsed(registration)` / `registration_cancelled(registration)`.
- `evaluation_reminder(training, user_ids)` — organizers remind who has not answered (never who has).
"""
from blinker import Namespace

_signals = Namespace()
training_changed = _signals.signal("training-changed")
registration_changed = _signals.signal("training-registration-changed")
seat_offered = _signals.signal("training-seat-offered")
registration_confirmed = _signals.signal("training-registration-confirmed")
offer_lapsed = _signals.signal("training-offer-lapsed")
registration_cancelled = _signals.signal("training-registration-cancelled")
evaluation_reminder = _signals.signal("training-evaluation-reminder")
