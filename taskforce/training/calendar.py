"""What the calendar views and GET /api/trainings list: the sessions in a time range a member may see,
filtered, with seats left and the member's own state.

One query for the trainings overlapping the range (by first start and last end), one for the seats held
per training, one for the member's registrations; each series is expanded in Python (timing.py), bounded
by MAX_OCCURRENCES per series.
"""
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import func, select

from taskforce import ids
from taskforce.auth.models import Sector, User
from taskforce.dbtypes import utcnow
from taskforce.errors import ValidationError
from taskforce.extensions import db
from taskforce.training import cache, offers, seats, services, timing, topics
from taskforce.training.models import (HELD_STATES, Format, Registration, RegistrationState, SeatReservation,
                                       Training, TrainingCoHost, TrainingStatus, TrainingTopic, WaitlistEntry)

MAX_RANGE = timedelta(days=400)


@dataclass(frozen=True)
class Filters:
    topic: str = ""
    sector: str = ""
    format: str = ""
    host: int | None = None
    has_seats: bool = False

    @property
    def active(self) -> dict:
        out = {k: v for k, v in (("topic", self.topic), ("sector", self.sector), ("format", self.format)) if v}
        if self.host:
            out["host"] = self.host
        if self.has_seats:
            out["has_seats"] = "1"
        return out


def clean_filters(args) -> Filters:
    """Filters from a query string; an unknown value is ignored rather than answered with an error page
    (a stale bookmark still opens the calendar)."""
    topic = args.get("topic") or ""
    sector = args.get("sector") or ""
    fmt = args.get("format") or ""
    return Filters(topic=topic if not topics.unknown([topic]) else "",
                   sector=sector if sector in {s.value for s in Sector} else "",
                   format=fmt if fmt in {f.value for f in Format} else "",
                   host=ids.record_id(args.get("host")), has_seats=args.get("has_seats") in ("1", "on", "true"))


@dataclass(frozen=True)
class Listed:
    """What a calendar shows of a training (read as columns: no ORM object, no datetime per row)."""
    id: int
    uid: str
    title: str
    tz: str
    format: Format
    status: TrainingStatus
    capacity: int
    sequence: int

    @property
    def is_cancelled(self) -> bool:
        return self.status is TrainingStatus.CANCELLED


@dataclass(frozen=True)
class Entry:
    """One session on a calendar."""
    training: Listed
    session: timing.Occurrence
    seats_left: int
    my_state: str | None
    position: int | None = None


def parse_range(start, end) -> tuple[datetime, datetime]:
    """An ISO 8601 range from a query string (a date or a date-time; naive means UTC)."""
    try:
        low = datetime.fromisoformat(str(start).replace("Z", "+00:00"))
        high = datetime.fromisoformat(str(end).replace("Z", "+00:00"))
    except (TypeError, ValueError):
        raise ValidationError("start and end must be ISO 8601 dates, e.g. 2026-12-01 and 2027-01-01.") from None
    low = low if low.tzinfo else low.replace(tzinfo=timing.timezone.utc)
    high = high if high.tzinfo else high.replace(tzinfo=timing.timezone.utc)
    if high <= low:
        raise ValidationError("end must be after start.")
    if high - low > MAX_RANGE:
        raise ValidationError("Ask for at most 400 days at once.")
    return low, high


def _statement(actor: User, low: datetime, high: datetime, filters: Filters):
    stmt = select(Training.id, Training.uid, Training.title, Training.tz, Training.format, Training.status,
                  Training.capacity, Training.sequence).where(services.visible_condition(actor), Training.starts_at < high,
                                  Training.series_ends_at > low)
    if filters.topic:
        stmt = stmt.where(Training.id.in_(select(TrainingTopic.training_id).where(TrainingTopic.topic == filters.topic)))
    if filters.format:
        stmt = stmt.where(Training.format == Format(filters.format))
    if filters.host:
        co = select(TrainingCoHost.training_id).where(TrainingCoHost.organization_id == filters.host)
        stmt = stmt.where((Training.host_organization_id == filters.host) | Training.id.in_(co))
    if filters.sector:
        reserved = select(SeatReservation.training_id).where(SeatReservation.sector == filters.sector)
        stmt = stmt.where((Training.audience_sector == filters.sector) | Training.id.in_(reserved)
                          | Training.audience_sector.is_(None))
    return stmt.order_by(Training.starts_at, Training.id)


def held_counts(training_ids) -> dict[int, dict[str, int]]:
    held: dict[int, dict[str, int]] = defaultdict(dict)
    if training_ids:
        rows = db.session.execute(select(Registration.training_id, Registration.sector, func.count()).where(
            Registration.training_id.in_(sorted(training_ids)), Registration.state.in_(HELD_STATES))
            .group_by(Registration.training_id, Registration.sector))
        for training_id, sector, count in rows:
            held[training_id][sector] = count
    return held


def my_states(actor: User, training_ids) -> dict[int, Registration]:
    if not training_ids:
        return {}
    rows = db.session.scalars(select(Registration).where(Registration.user_id == actor.id,
                                                         Registration.training_id.in_(sorted(training_ids))))
    return {r.training_id: r for r in rows}


def entries(actor: User, low: datetime, high: datetime, filters: Filters = Filters()) -> list[Entry]:
    """Every session between `low` and `high` the member may see, in time order, with their own state."""
    shared = shared_entries(actor, low, high, filters)
    mine = my_states(actor, {e.training.id for e in shared})
    return with_states(shared, {tid: r.state.value for tid, r in mine.items() if r.state is not RegistrationState.CANCELLED})


def shared_entries(actor: User, low: datetime, high: datetime, filters: Filters = Filters()) -> list[Entry]:
    """The sessions between `low` and `high` everyone of `services.audience_key(actor)` sees alike: no
    member's own state (what the month cache may keep for the whole audience)."""
    trainings = [Listed(*row) for row in db.session.execute(_statement(actor, low, high, filters))]
    sessions = _sessions(trainings)
    held = held_counts([t.id for t in trainings])
    result = []
    for training in trainings:
        left = 0 if training.is_cancelled else seats.seats_left(
            seats.SeatPlan(training.capacity, {}, True), held.get(training.id, {}))
        if filters.has_seats and left == 0:
            continue
        for session in sessions[training.id]:
            if session.starts_at < high and session.ends_at > low:
                result.append(Entry(training, session, left, None))
    return sorted(result, key=lambda e: (e.session.starts_at, e.training.id))


def with_states(shared, states: dict[int, str]) -> list[Entry]:
    """The shared entries with the member's own registration state (training id → state value) on theirs
    (new objects: the shared ones may sit in a cache other members read)."""
    return [replace(e, my_state=states[e.training.id]) if e.training.id in states else e for e in shared]


def _sessions(trainings: list[Listed]) -> dict[int, tuple]:
    """Each training's sessions from the cache; the misses are loaded (with their changes) in one query."""
    out, missing = {}, []
    for training in trainings:
        hit = cache.sessions.get((training.uid, training.sequence))
        if hit is None:
            missing.append(training.id)
        else:
            out[training.id] = hit
    for start in range(0, len(missing), 500):
        chunk = missing[start:start + 500]
        for training in db.session.scalars(select(Training).where(Training.id.in_(chunk))).unique():
            out[training.id] = services.occurrences_of(training)
    return out


def my_trainings(actor: User) -> list[tuple[Training, Registration, int | None]]:
    """The member's registrations (not cancelled), upcoming first, with waitlist positions."""
    rows = db.session.scalars(select(Registration).where(
        Registration.user_id == actor.id, Registration.state != RegistrationState.CANCELLED)).all()
    now = utcnow()
    out = [(r.training, r, offers.waitlist_position(r)) for r in rows]
    return sorted(out, key=lambda item: (item[0].series_ends_at < now, item[0].starts_at))


def waitlist_size(training_id: int) -> int:
    return db.session.scalar(select(func.count(func.distinct(Registration.waitlist_entry_id))).where(
        Registration.training_id == training_id, Registration.state == RegistrationState.WAITLISTED)) or 0


__all__ = ["Entry", "Filters", "WaitlistEntry"]
