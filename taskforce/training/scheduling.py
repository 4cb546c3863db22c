"""Scheduling a training: the form's fields checked all at once, then created, edited, moved or cancelled.

A user's mistake comes back as one ValidationError whose `details["fields"]` names every field that is
wrong (the form shows them all at once, with the input kept); nothing is written unless all are right.
A change that matters to a calendar (time, place, link, cancellation) increments SEQUENCE, and the
registrants hear of it through `signals.training_changed`.
"""
import uuid
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from taskforce import audit, ids
from taskforce.auth.models import Organization, Sector, User
from taskforce.auth.validation import clean_choice, clean_text
from taskforce.dbtypes import utcnow
from taskforce.errors import Conflict, PermissionDenied, ValidationError
from taskforce.extensions import db
from taskforce.training import registration, seats, services, signals, timing, topics
from taskforce.training.models import (ChangeKind, Format, OccurrenceChange, Registration, SeatReservation,
                                       Training, TrainingCoHost, TrainingStatus, TrainingTopic)

LIMITS = {"title": 200, "description": 10_000, "place": 300, "link": 500, "materials": 5_000}
MAX_RELEASE_DAYS = 90
MAX_OFFER_HOURS = 14 * 24
SECTOR_CHOICES = list(Sector)
SECTORS = [s.value for s in Sector]


def _url(value: str, field: str, label: str) -> str:
    if value and not value.lower().startswith(("https://", "http://")):
        raise ValidationError(f"{label} must be a web address starting with https://.", field=field)
    return value


def _whole(value, field: str, label: str, *, low: int, high: int, default=None) -> int:
    if value is None or (isinstance(value, str) and not value.strip()):
        if default is not None:
            return default
        raise ValidationError(f"{label} is required.", field=field)
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValidationError(f"{label} must be a whole number.", field=field)
    text = str(value).strip()
    if not (text.lstrip("-").isascii() and text.lstrip("-").isdigit()) or len(text) > 6:
        raise ValidationError(f"{label} must be a whole number between {low} and {high}.", field=field)
    number = int(text)
    if not low <= number <= high:
        raise ValidationError(f"{label} must be between {low} and {high}.", field=field)
    return number


def _list(data: dict, name: str) -> list:
    value = data.get(name)
    if value is None or value == "":
        return []
    return value if isinstance(value, list) else [value]


def series_rule(data: dict) -> str | None:
    """The RRULE the form asked for: the simple repeat fields, or an RRULE typed in directly."""
    if isinstance(data.get("rrule"), str) and data["rrule"].strip():
        return data["rrule"]
    repeat = data.get("repeat") or "none"
    if not isinstance(repeat, str):
        raise ValidationError("Repeat must be none, weekly or monthly.", field="repeat")
    if repeat == "none":
        return None
    if repeat not in ("weekly", "monthly"):
        raise ValidationError("Repeat must be none, weekly or monthly.", field="repeat")
    count, until = data.get("repeat_count"), data.get("repeat_until")
    count = str(count).strip() if isinstance(count, (str, int)) and not isinstance(count, bool) else ""
    until = until.strip() if isinstance(until, str) else ""
    if count and not (count.isascii() and count.isdigit()):
        raise ValidationError("The number of sessions must be a whole number.", field="repeat_count")
    if bool(count) == bool(until):
        raise ValidationError("Say how the series ends: a number of sessions or a last date (one of them).",
                              field="repeat_count")
    end = f"COUNT={count}" if count else f"UNTIL={until.replace('-', '')}"
    return f"FREQ={repeat.upper()};{end}"


def clean_schedule(data: dict, *, existing: Training | None = None) -> dict:
    """Every field of the form, checked; raises one ValidationError naming every wrong field."""
    errors: dict[str, str] = {}
    out: dict = {}

    def check(field, fn):
        try:
            out[field] = fn()
        except ValidationError as error:
            errors.setdefault(error.field or field, error.message)

    if not isinstance(data, dict):
        raise ValidationError("Send the training's fields.")
    for name, label, required in (("title", "Title", True), ("description", "Description", False),
                                  ("place", "Place", False), ("link", "Link", False),
                                  ("materials", "Materials", False)):
        check(name, lambda n=name, lb=label, r=required: clean_text(data.get(n), n, lb, max_length=LIMITS[n],
                                                                    required=r))
    if "link" in out:
        check("link", lambda: _url(out["link"], "link", "The link"))
    if "materials" in out:
        check("materials", lambda: "\n".join(_url(line.strip(), "materials", "Each material")
                                             for line in out["materials"].splitlines() if line.strip()))
    check("format", lambda: clean_choice(data.get("format") or "in_person", Format, "format", "Format"))
    if errors.get("format"):
        errors["format"] = "Format must be in person, virtual or hybrid."
    out["is_exercise"] = str(data.get("is_exercise", "")).lower() in ("1", "true", "on", "yes")
    if "format" in out and out["format"] is not Format.IN_PERSON and not out.get("link") and "link" not in errors:
        errors["link"] = "A virtual or hybrid training needs its link (shown to registrants only)."
    if "format" in out and out["format"] is not Format.VIRTUAL and not out.get("place") and "place" not in errors:
        errors["place"] = "Say where an in-person or hybrid training takes place."
    check("topics", lambda: _topics(_list(data, "topics")))
    check("tz", lambda: timing.zone(data.get("tz")))
    check("starts_local", lambda: timing.parse_local(data.get("starts_at"), "starts_at", "Start"))
    check("ends_local", lambda: timing.parse_local(data.get("ends_at"), "ends_at", "End"))
    if "tz" in out and "starts_local" in out:
        check("starts_at", lambda: timing.to_utc(out["starts_local"], out["tz"], "starts_at", "Start"))
    if "tz" in out and "ends_local" in out:
        check("ends_at", lambda: timing.to_utc(out["ends_local"], out["tz"], "ends_at", "End"))
    if "starts_at" in out and "ends_at" in out:
        check("span", lambda: timing.check_span(out["starts_at"], out["ends_at"]))
    if "starts_local" in out and "tz" in out:
        check("rrule", lambda: timing.clean_rrule(series_rule(data), out["starts_local"], out["tz"]))
    check("capacity", lambda: _whole(data.get("capacity"), "capacity", "Capacity", low=1, high=seats.MAX_CAPACITY))
    reserved = {}
    for sector in SECTORS:
        try:
            count = _whole(data.get(f"reserved_{sector}"), f"reserved_{sector}", "Reserved seats",
                           low=0, high=seats.MAX_CAPACITY, default=0)
            if count:
                reserved[sector] = count
        except ValidationError as error:
            errors[error.field] = error.message
    out["reserved"] = reserved
    if "capacity" in out:
        for problem in seats.reservation_problems(out["capacity"], reserved):
            errors.setdefault("reserved", problem)
    check("reservation_release_days", lambda: _whole(data.get("reservation_release_days"),
                                                     "reservation_release_days", "Release reserved seats",
                                                     low=0, high=MAX_RELEASE_DAYS, default=7))
    check("offer_hours", lambda: _whole(data.get("offer_hours"), "offer_hours", "Time to accept an offer",
                                        low=1, high=MAX_OFFER_HOURS, default=48))
    audience = data.get("audience") or "all"
    if not isinstance(audience, str) or (audience != "all" and audience not in SECTORS):
        errors["audience"] = "Audience must be all partners or one sector."
    out["audience_sector"] = None if audience == "all" else audience
    for name, label in (("registration_opens", "Registration opens"), ("registration_closes", "Registration closes")):
        raw = data.get(name)
        if raw and "tz" in out:
            check(f"{name}_at", lambda n=name, lb=label, v=raw: timing.to_utc(timing.parse_local(v, n, lb), out["tz"], n, lb))
        else:
            out[f"{name}_at"] = None
    opens, closes = out.get("registration_opens_at"), out.get("registration_closes_at")
    if opens and closes and closes <= opens:
        errors.setdefault("registration_closes", "Registration must close after it opens.")
    if closes and out.get("starts_at") and closes > out["ends_at"]:
        errors.setdefault("registration_closes", "Registration must close before the training ends.")
    check("co_hosts", lambda: _organizations(_list(data, "co_hosts")))
    if errors:
        raise ValidationError("Please correct the fields marked below.", details={"fields": errors})
    out["tz"] = out["tz"].key
    return out


def _topics(values) -> list[str]:
    if not all(isinstance(v, str) for v in values):
        raise ValidationError("Choose topics from the list.", field="topics")
    slugs = sorted(set(values))
    if topics.unknown(slugs):
        raise ValidationError("Choose topics from the list.", field="topics")
    if not slugs:
        raise ValidationError("Choose at least one topic.", field="topics")
    return slugs


def _organizations(values) -> list[int]:
    wanted = {ids.record_id(v) for v in values}
    if None in wanted:
        raise ValidationError("Choose co-hosts from the list of partners.", field="co_hosts")
    if not wanted:
        return []
    found = set(db.session.scalars(select(Organization.id).where(Organization.id.in_(sorted(wanted)))))
    if found != wanted:
        raise ValidationError("A co-host is not a partner organization.", field="co_hosts")
    return sorted(wanted)


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
    clean = clean_schedule(data)
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
    clean = clean_schedule(data, existing=training)
    held = registration.held_count(training.id)
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
    registration.fill_free_seats(training)
    audit.record(actor, "training.updated", training)
    db.session.commit()
    signals.training_changed.send(training, kind="moved" if moved else "updated",
                                  user_ids=registration.registrant_ids(training.id))
    signals.registration_changed.send(training, user_ids=registration.registrant_ids(training.id),
                                      members=lambda: registration.channel_member_ids(training))
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
    signals.training_changed.send(training, kind="cancelled", user_ids=registration.registrant_ids(training.id))
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
                                  user_ids=registration.registrant_ids(training.id))
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
