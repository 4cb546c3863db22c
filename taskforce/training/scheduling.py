"""Scheduling a training: created, edited, moved or cancelled, from the form's fields as
`schedule_form.clean_schedule` checked them (every wrong field at once; nothing is written unless all are
right). A change that matters to a calendar (time, place, link, cancellation) increments SEQUENCE, and the
registrants hear of it through `signals.training_changed`.
"""
import uuid
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from taskforce import audit
from taskforce.auth.models import Organization, User
from taskforce.dbtypes import utcnow
from taskforce.errors import Conflict, PermissionDenied, ValidationError
from taskforce.extensions import db
from taskforce.training import offers, schedule_form, seat_ledger, services, signals, timing
from taskforce.training.models import (ChangeKind, OccurrenceChange, SeatReservation, Training, TrainingCoHost,
                                       TrainingStatus, TrainingTopic)


def _apply(training: Training, clean: dict) -> None:
    for name in ("title", "description", "place", "link", "materials", "format", "is_exercise", "starts_at",
                 "ends_at", "tz", "rrule", "capacity", "reservation_release_days", "offer_hours",
                 "audience_sector", "registration_opens_at", "registration_closes_at"):
        setattr(training, name, clean[name])
    _sync(training.topic_tags, "topic", {slug: {} for slug in clean["topics"]}, TrainingTopic)
    _sync(training.co_hosts, "organization_id", {o: {} for o in clean["co_hosts"]
                                                 if o != training.host_organization_id}, TrainingCoHost)
    _sync(training.reservations, "sector", {s: {"seats": n} for s, n in clean["reserved"].items()}, SeatReservation)
    training.updated_at = utcnow()


def _sync(rows: list, key: str, wanted: dict, model) -> None:
    """Bring a child collection to `wanted` ({key value: other fields}) in place: rows are kept, changed,
    removed or added — never removed and re-inserted (the unique constraints would see both)."""
    for row in list(rows):
        if getattr(row, key) not in wanted:
            rows.remove(row)
    present = {getattr(row, key): row for row in rows}
    for value, fields in sorted(wanted.items()):
        row = present.get(value)
        if row is None:
            rows.append(model(**{key: value}, **fields))
        else:
            for name, field_value in fields.items():
                setattr(row, name, field_value)


def _series_end(training: Training) -> datetime:
    return max(o.ends_at for o in services.occurrences_of(training, cached=False))


def create_training(actor: User, data: dict) -> Training:
    """Trainers and coordinators schedule a training hosted by their own organization."""
    if not actor.can_schedule_trainings:
        raise PermissionDenied("Only trainers and coordinators schedule trainings.")
    clean = schedule_form.clean_schedule(data)
    training = Training(uid=f"{uuid.uuid4()}@taskforce", host_organization_id=actor.organization_id,
                        created_by_id=actor.id, status=TrainingStatus.SCHEDULED, sequence=0)
    _apply(training, clean)
    training.series_ends_at = _series_end(training)
    db.session.add(training)
    db.session.flush()
    audit.record(actor, "training.created", training)
    db.session.commit()
    signals.training_changed.send(training, kind="created", user_ids=[])
    return training


CALENDAR_FIELDS = ("starts_at", "ends_at", "tz", "rrule", "place", "link", "title", "format")


def update_training(actor: User, training_id, data: dict) -> Training:
    """Edit by a host or co-host trainer. The capacity never drops under the seats already held."""
    training = services.get_for_editing(actor, training_id)
    if training.is_cancelled:
        raise Conflict("This training was cancelled; schedule a new one instead.")
    clean = schedule_form.clean_schedule(data, existing=training)
    held = seat_ledger.held_count(training.id)
    if clean["capacity"] < held:
        raise ValidationError("Please correct the fields marked below.", details={"fields": {
            "capacity": f"{held} seats are already taken; the capacity cannot be lower."}})
    if clean["rrule"] != training.rrule or clean["starts_at"] != training.starts_at:
        training.changes = []  # old RECURRENCE-IDs would point at sessions that no longer exist
    before = {name: getattr(training, name) for name in CALENDAR_FIELDS}
    _apply(training, clean)
    training.series_ends_at = _series_end(training)
    moved = any(getattr(training, name) != before[name] for name in CALENDAR_FIELDS)
    training.sequence += 1
    offers.fill_free_seats(training)
    audit.record(actor, "training.updated", training)
    db.session.commit()
    signals.training_changed.send(training, kind="moved" if moved else "updated",
                                  user_ids=seat_ledger.registrant_ids(training.id))
    signals.registration_changed.send(training, user_ids=seat_ledger.registrant_ids(training.id),
                                      members=lambda: seat_ledger.channel_member_ids(training))
    return training


def cancel_training(actor: User, training_id) -> Training:
    """The whole training (every session) is called off; registrants are told, feeds say CANCELLED."""
    training = services.get_for_editing(actor, training_id)
    if training.is_cancelled:
        raise Conflict("This training is already cancelled.")
    training.status = TrainingStatus.CANCELLED
    training.sequence += 1
    training.updated_at = utcnow()
    audit.record(actor, "training.cancelled", training)
    db.session.commit()
    signals.training_changed.send(training, kind="cancelled", user_ids=seat_ledger.registrant_ids(training.id))
    return training


def change_occurrence(actor: User, training_id, recurrence_id, kind, starts_local=None, ends_local=None) -> Training:
    """Skip, cancel or move one session of a series (or the only one, for cancel/move)."""
    training = services.get_for_editing(actor, training_id)
    if training.is_cancelled:
        raise Conflict("This training was cancelled.")
    try:
        kind = ChangeKind(kind)
        when = datetime.fromisoformat(str(recurrence_id)).astimezone(timezone.utc)
    except (ValueError, TypeError):
        raise ValidationError("Choose a session of this training.", field="recurrence_id") from None
    sessions = {o.recurrence_id: o for o in services.occurrences_of(training, cached=False)}
    if when not in sessions:
        raise ValidationError("That is not a session of this training.", field="recurrence_id")
    change = next((c for c in training.changes if c.recurrence_id == when), None)
    if change is None:
        change = OccurrenceChange(recurrence_id=when, kind=kind)
        training.changes.append(change)
    change.kind = kind
    change.starts_at = change.ends_at = None
    if kind is ChangeKind.MOVED:
        tz = timing.zone(training.tz)
        start = timing.to_utc(timing.parse_local(starts_local, "starts_at", "New start"), tz, "starts_at", "New start")
        end = timing.to_utc(timing.parse_local(ends_local, "ends_at", "New end"), tz, "ends_at", "New end")
        timing.check_span(start, end)
        change.starts_at, change.ends_at = start, end
    training.sequence += 1
    change.sequence = training.sequence
    training.updated_at = utcnow()
    db.session.flush()
    training.series_ends_at = _series_end(training)
    audit.record(actor, f"training.session_{kind.value}", training)
    db.session.commit()
    signals.training_changed.send(training, kind="moved" if kind is ChangeKind.MOVED else "cancelled",
                                  user_ids=seat_ledger.registrant_ids(training.id))
    return training


def host_choices() -> list:
    """Partner organizations a training can be co-hosted with, or filtered by: rows of (id, name), read as
    columns by Core (every calendar page lists them; the ORM's layer cost more than the read)."""
    table = Organization.__table__
    return db.session.connection().execute(select(table.c.id, table.c.name).order_by(table.c.name)).all()


def default_registration_close(training: Training) -> datetime:
    return training.registration_closes_at or training.starts_at


def within_days(training: Training, days: int, now: datetime) -> bool:
    return training.starts_at - now <= timedelta(days=days)
