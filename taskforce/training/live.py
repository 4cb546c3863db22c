"""Live listeners: the training domain's signals become pushes (`taskforce.live`) and notifications.

Connected once at import (views.register imports this module). The payloads are built by the pure
functions in `payloads.py`; nothing here reads the request.
"""
from taskforce import live, notifications
from taskforce.training import payloads, signals

SEAT_OFFERED = notifications.register_kind("training_offer", "A seat is offered to you in a training")
CONFIRMED = notifications.register_kind("training_confirmed", "Your seat in a training is confirmed")
OFFER_LAPSED = notifications.register_kind("training_offer_lapsed", "A seat offer passed to the next in line")
CHANGED = notifications.register_kind("training_changed", "A training you registered for changed")
EVALUATION = notifications.register_kind("training_evaluation", "A training asks for your evaluation")


def _url(training_id: int) -> str:
    return f"/training/{training_id}"


@signals.seat_offered.connect
@notifications.listener
def _tell_offered_member(registration, **_):
    """The first in line hears at once that a seat waits for them, and until when."""
    payload = payloads.offer_payload(registration)
    live.push(live.user_room(registration.user_id), "training_offer", payload)
    notifications.notify([registration.user_id], SEAT_OFFERED, payload["text"], _url(registration.training_id),
                         object_type="training", object_id=registration.training_id)


@signals.registration_confirmed.connect
@notifications.listener
def _tell_confirmed_member(registration, **_):
    notifications.notify([registration.user_id], CONFIRMED, payloads.confirmed_text(registration),
                         _url(registration.training_id), object_type="training", object_id=registration.training_id)


@signals.offer_lapsed.connect
@notifications.listener
def _tell_lapsed_member(registration, **_):
    notifications.notify([registration.user_id], OFFER_LAPSED, payloads.lapsed_text(registration),
                         _url(registration.training_id), object_type="training", object_id=registration.training_id)


@signals.training_changed.connect
@notifications.listener
def _tell_registrants(training, kind="updated", user_ids=(), **_):
    """Registrants hear of a cancellation or a move; every open calendar view refreshes its seats."""
    if user_ids and kind in ("cancelled", "moved", "updated"):
        notifications.notify(user_ids, CHANGED, payloads.change_text(training, kind), _url(training.id),
                             object_type="training", object_id=training.id)
    live.push(live.object_room("training", training.id), "training_changed", payloads.seats_payload(training))


@signals.registration_changed.connect
@notifications.listener
def _refresh_seats(training, **_):
    live.push(live.object_room("training", training.id), "training_changed", payloads.seats_payload(training))


@signals.evaluation_reminder.connect
@notifications.listener
def _remind(training, user_ids=(), **_):
    notifications.notify(user_ids, EVALUATION, f"Please evaluate “{training.title}” (anonymous).",
                         f"/training/{training.id}/evaluate", object_type="training", object_id=training.id)
