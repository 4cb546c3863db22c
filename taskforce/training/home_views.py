"""The training calendar's block on Home (taskforce/home.py): the member's open seat offers first — they lapse
at a deadline, so they lead with an Accept button — then their next confirmed sessions and their waitlist
places. Times are in the viewer's zone (the `tz` cookie the training pages set), as the training pages show
them. Only the member's own registrations are read (`calendar.my_trainings`)."""
from datetime import datetime, timezone

from flask import request, url_for

from taskforce import home
from taskforce.training import calendar, services
from taskforce.training.models import RegistrationState
from taskforce.training.presenting import viewer_zone

R = RegistrationState
SHOWN = 6  # per kind: a Home block is a glance; "My trainings" has the rest
WHEN = "%a %d %b %Y, %H:%M"  # as templates/training/mine.html shows a start
DEADLINE = "%d %b %H:%M"


def _next_session(training, now: datetime):
    """The training's next session not called off that has not ended yet (None: the training is over)."""
    if training.is_cancelled:
        return None
    return next((s for s in services.occurrences_of(training) if not s.cancelled and s.ends_at > now), None)


def trainings_block(user) -> dict:
    now, zone = datetime.now(timezone.utc), viewer_zone(request.cookies.get("tz"))
    offers, booked, waiting = [], [], []
    for training, registration, position in calendar.my_trainings(user):
        session = _next_session(training, now)
        if session is None:
            continue
        url = url_for("training.show", training_id=training.id)
        # the zone is named: it stays UTC until a training page has told the server the browser's zone
        starts = f"{session.starts_at.astimezone(zone).strftime(WHEN)} ({zone.key})"
        if registration.state is R.OFFERED:
            if registration.offer_expires_at is None or registration.offer_expires_at <= now:
                continue  # lapsed: the next page read of the training passes it on
            deadline = registration.offer_expires_at.astimezone(zone).strftime(DEADLINE)
            offers.append((registration.offer_expires_at, {
                "text": f"Seat offered: {training.title}", "url": url, "unread": True,
                "meta": f"accept by {deadline} · starts {starts}",
                "action": {"url": url_for("training.accept", training_id=training.id), "label": "Accept the seat"}}))
        elif registration.state in (R.CONFIRMED, R.ATTENDED):  # attended: a series with sessions to come
            booked.append((session.starts_at, {"text": training.title, "url": url, "meta": starts}))
        elif registration.state is R.WAITLISTED:
            waiting.append((session.starts_at, {"text": training.title, "url": url,
                                                "meta": f"waitlist, number {position} · starts {starts}"}))
    items = [item for group in (offers, booked, waiting)
             for _, item in sorted(group, key=lambda pair: pair[0])[:SHOWN]]
    return {"items": items,
            "empty": "No trainings booked — browse the calendar and register; when one is full, join its waitlist "
                     "and a freed seat is offered to you here.",
            "more": {"url": url_for("training.index"), "label": "Browse the calendar"} if not items
            else {"url": url_for("training.mine"), "label": "All my trainings"}}


def register(app) -> None:
    # training_offer reaches the member's room when a seat is offered; confirmations, lapsed offers and
    # changed or cancelled trainings reach them as notifications (taskforce/training/live.py).
    home.register_block("my_trainings", 25, trainings_block, title="Your next trainings",
                        live_events=("training_offer", "notification"))
