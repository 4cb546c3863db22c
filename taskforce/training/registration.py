"""Seats: register, cancel, the waitlist and time-limited offers, safe under concurrent requests.

Every change to a training's seats runs under the training's lock: `SELECT … FOR UPDATE` on PostgreSQL;
on SQLite (one writer) a no-op UPDATE of the row takes the database's write lock before anything is read.
So two requests never both see the last seat free, and waitlist entries are created in the order requests
got the lock — their ids are their places in line.

A freed seat is never announced to everyone waiting: it is OFFERED to the first in line who may take it
(the sector rules of `seats.py`), held for them until the offer's deadline (`offer_hours`, default 48 h),
and passes to the next when it lapses. Lapsed offers are swept whenever the training's seats are touched,
on the training's page, and by `flask training sweep-offers`.
"""
from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from taskforce import audit, ids
from taskforce.auth.models import User
from taskforce.dbtypes import utcnow
from taskforce.errors import Conflict, NotFound, PermissionDenied, ValidationError
from taskforce.extensions import db
from taskforce.training import seats, services, signals, timing
from taskforce.training.models import (HELD_STATES, Registration, RegistrationState, Training, TrainingStatus,
                                       WaitlistEntry)

MAX_STAFF = 50
R = RegistrationState


def lock_training(training_id: int) -> Training:
    """The training, locked for this transaction (see the module docstring)."""
    bind = db.session.get_bind()
    if bind.dialect.name == "postgresql":
        training = db.session.scalar(select(Training).where(Training.id == training_id)
                                     .with_for_update(of=Training).execution_options(populate_existing=True))
    else:
        db.session.execute(update(Training).where(Training.id == training_id)
                           .values(sequence=Training.sequence).execution_options(synchronize_session=False))
        training = db.session.get(Training, training_id, populate_existing=True)
    if training is None:
        raise NotFound(services.NOT_FOUND)
    return training


def plan_for(training: Training, now: datetime) -> seats.SeatPlan:
    released = training.starts_at - now <= timedelta(days=training.reservation_release_days)
    return seats.SeatPlan(training.capacity, training.reserved, released)


def held_by_sector(training_id: int) -> Counter:
    rows = db.session.execute(select(Registration.sector, func.count()).where(
        Registration.training_id == training_id, Registration.state.in_(HELD_STATES)).group_by(Registration.sector))
    return Counter(dict(rows.all()))


def held_count(training_id: int) -> int:
    return sum(held_by_sector(training_id).values())


def seats_left(training: Training, now: datetime | None = None) -> int:
    return seats.seats_left(plan_for(training, now or utcnow()), held_by_sector(training.id))


def registrant_ids(training_id: int) -> list[int]:
    """Members who hold or wait for a seat (who hear about changes, who are in the training channel)."""
    return sorted(db.session.scalars(select(Registration.user_id).where(
        Registration.training_id == training_id, Registration.state != R.CANCELLED)))


def _registration(training_id: int, user_id: int) -> Registration | None:
    return db.session.scalar(select(Registration).where(Registration.training_id == training_id,
                                                        Registration.user_id == user_id))


def my_registration(actor: User, training_id: int) -> Registration | None:
    return _registration(training_id, actor.id)


def waitlist_position(registration: Registration) -> int | None:
    """1 for the first entry in line; None when not waiting. A group entry is one place."""
    if registration.state is not R.WAITLISTED or registration.waitlist_entry_id is None:
        return None
    waiting = (select(Registration.waitlist_entry_id).where(
        Registration.training_id == registration.training_id, Registration.state == R.WAITLISTED,
        Registration.waitlist_entry_id <= registration.waitlist_entry_id).distinct())
    return db.session.scalar(select(func.count()).select_from(waiting.subquery()))


def _check_open(actor: User, training: Training, now: datetime) -> None:
    if training.is_cancelled:
        raise Conflict("This training was cancelled.")
    if training.audience_sector and training.audience_sector != actor.sector.value and not actor.is_coordinator:
        raise PermissionDenied("This training is for one sector only.")
    if training.registration_opens_at and now < training.registration_opens_at:
        raise Conflict(f"Registration opens on {training.registration_opens_at:%Y-%m-%d %H:%M} UTC.")
    closes = training.registration_closes_at or training.starts_at
    if now >= closes:
        raise Conflict("Registration for this training has closed.")


def _expire_offers(training: Training, now: datetime) -> list[Registration]:
    lapsed = list(db.session.scalars(select(Registration).where(
        Registration.training_id == training.id, Registration.state == R.OFFERED,
        Registration.offer_expires_at <= now)))
    for registration in lapsed:
        registration.state, registration.offer_lapsed = R.CANCELLED, True
        registration.offer_expires_at, registration.updated_at = None, now
    return lapsed


def fill_free_seats(training: Training, now: datetime | None = None) -> list[Registration]:
    """Offer each free seat to the first in line who may take it (caller holds the lock and commits)."""
    now = now or utcnow()
    plan, held = plan_for(training, now), held_by_sector(training.id)
    if seats.seats_left(plan, held) == 0:
        return []
    waiting = db.session.scalars(select(Registration).where(
        Registration.training_id == training.id, Registration.state == R.WAITLISTED)
        .order_by(Registration.waitlist_entry_id, Registration.id)).all()
    offered = []
    for registration in waiting:
        if seats.seats_left(plan, held) == 0:
            break
        if seats.seats_for(plan, held, registration.sector) > 0:
            registration.state = R.OFFERED
            registration.offer_expires_at = min(now + timedelta(hours=training.offer_hours),
                                                training.registration_closes_at or training.starts_at)
            registration.updated_at = now
            held[registration.sector] += 1
            offered.append(registration)
    return offered


def _announce(training, offered=(), lapsed=(), confirmed=(), cancelled=()) -> None:
    for registration in lapsed:
        signals.offer_lapsed.send(registration)
    for registration in offered:
        signals.seat_offered.send(registration)
    for registration in confirmed:
        signals.registration_confirmed.send(registration)
    for registration in cancelled:
        signals.registration_cancelled.send(registration)
    signals.registration_changed.send(training, user_ids=registrant_ids(training.id),
                                      members=lambda: channel_member_ids(training))


def channel_member_ids(training: Training) -> list[int]:
    """Who is in the training's channel: the people holding a seat, and the trainer who scheduled it."""
    holders = set(db.session.scalars(select(Registration.user_id).where(
        Registration.training_id == training.id, Registration.state.in_(HELD_STATES))))
    return sorted(holders | {training.created_by_id})


def _seat_or_wait(training, user: User, by: User, entry: WaitlistEntry | None, plan, held, now) -> Registration:
    registration = _registration(training.id, user.id)
    if registration is not None and registration.state is not R.CANCELLED:
        raise Conflict(f"{'You are' if user.id == by.id else user.display_name + ' is'} already "
                       f"{registration.state.label.lower()} for this training.")
    if registration is None:
        registration = Registration(training_id=training.id, user_id=user.id, created_at=now)
        db.session.add(registration)
    registration.registered_by_id, registration.sector = by.id, user.sector.value
    registration.offer_expires_at, registration.offer_lapsed, registration.updated_at = None, False, now
    # The caller offered every seat a waiting member could take first, so a seat still free here is one
    # nobody in line may take: giving it to this newcomer jumps no one.
    if seats.seats_for(plan, held, registration.sector) > 0:
        registration.state, registration.waitlist_entry_id = R.CONFIRMED, None
        held[registration.sector] += 1
    else:
        registration.state, registration.waitlist_entry_id = R.WAITLISTED, entry.id
    return registration


def register(actor: User, training_id) -> tuple[Registration, list[str]]:
    """Take a seat, or join the end of the waitlist. Returns the registration and overlap warnings."""
    training = services.get_training(actor, training_id)
    now = utcnow()
    _check_open(actor, training, now)
    training = lock_training(training.id)
    lapsed = _expire_offers(training, now)
    offered = fill_free_seats(training, now)
    plan, held = plan_for(training, now), held_by_sector(training.id)
    entry = WaitlistEntry(training_id=training.id, requested_by_id=actor.id, seats=1, created_at=now)
    db.session.add(entry)
    db.session.flush()
    registration = _seat_or_wait(training, actor, actor, entry, plan, held, now)
    if registration.state is R.CONFIRMED:
        db.session.delete(entry)
    db.session.flush()
    warnings = overlap_warnings(actor, training)
    audit.record(actor, f"training.{registration.state.value}", training)
    db.session.commit()
    _announce(training, offered=offered, lapsed=lapsed)
    return registration, warnings


def register_staff(actor: User, training_id, user_ids) -> list[Registration]:
    """A trainer or coordinator registers several of their organization's staff at once: seats for as
    many as fit, and ONE waitlist entry for the rest (offered together or in part as seats free up)."""
    if not actor.can_schedule_trainings:
        raise PermissionDenied("Only trainers and coordinators register their staff.")
    wanted = sorted({ids.record_id(v) for v in (user_ids or [])} - {None})
    if not wanted:
        raise ValidationError("Choose the staff to register.", field="user_ids")
    if len(wanted) > MAX_STAFF:
        raise ValidationError(f"Register at most {MAX_STAFF} people at once.", field="user_ids")
    training = services.get_training(actor, training_id)
    now = utcnow()
    staff = list(db.session.scalars(select(User).where(User.id.in_(wanted), User.active.is_(True)).order_by(User.id)).unique())
    if len(staff) != len(wanted) or any(u.organization_id != actor.organization_id for u in staff):
        raise PermissionDenied("You can register only active members of your own organization.")
    for person in staff:
        _check_open(person, training, now)
    training = lock_training(training.id)
    lapsed = _expire_offers(training, now)
    offered = fill_free_seats(training, now)
    plan, held = plan_for(training, now), held_by_sector(training.id)
    entry = WaitlistEntry(training_id=training.id, requested_by_id=actor.id, seats=len(staff), created_at=now)
    db.session.add(entry)
    db.session.flush()
    registrations = [_seat_or_wait(training, person, actor, entry, plan, held, now) for person in staff]
    waiting = sum(r.state is R.WAITLISTED for r in registrations)
    if waiting:
        entry.seats = waiting
    else:
        db.session.delete(entry)
    audit.record(actor, "training.staff_registered", training, outcome=f"{len(staff)} people")
    db.session.commit()
    _announce(training, offered=offered, lapsed=lapsed,
              confirmed=[r for r in registrations if r.state is R.CONFIRMED and r.user_id != actor.id])
    return registrations


def cancel(actor: User, training_id, user_id=None) -> Registration:
    """Give up a seat, a place in line or an offer; a freed seat is offered to the next in line. A trainer
    or coordinator may cancel for their own organization's staff."""
    training = services.get_training(actor, training_id)
    user_id = actor.id if user_id is None else ids.record_id(user_id)
    now = utcnow()
    training = lock_training(training.id)
    registration = _registration(training.id, user_id) if user_id else None
    if registration is None or registration.state is R.CANCELLED:
        raise NotFound("There is no registration to cancel.")
    if registration.user_id != actor.id and not (actor.can_schedule_trainings and registration.user.organization_id
                                                  == actor.organization_id) and not services.can_edit(actor, training):
        raise PermissionDenied("You may cancel only your own registration or your staff's.")
    if registration.state in (R.ATTENDED, R.NO_SHOW):
        raise Conflict("Attendance was already taken; this registration can no longer be cancelled.")
    lapsed = _expire_offers(training, now)
    registration.state, registration.offer_expires_at, registration.updated_at = R.CANCELLED, None, now
    registration.waitlist_entry_id = None
    offered = fill_free_seats(training, now)
    audit.record(actor, "training.registration_cancelled", training)
    db.session.commit()
    _announce(training, offered=offered, lapsed=lapsed, cancelled=[registration])
    return registration


def accept_offer(actor: User, training_id) -> Registration:
    """Take the offered seat before its deadline."""
    training = services.get_training(actor, training_id)
    now = utcnow()
    training = lock_training(training.id)
    lapsed = _expire_offers(training, now)
    registration = _registration(training.id, actor.id)
    if registration is None or registration.state is not R.OFFERED:
        offered = fill_free_seats(training, now)
        db.session.commit()
        _announce(training, offered=offered, lapsed=lapsed)
        if registration is not None and registration in lapsed:
            raise Conflict("This offer has lapsed; the seat passed to the next person in line.")
        raise Conflict("There is no open offer of a seat for you in this training.")
    registration.state, registration.offer_expires_at = R.CONFIRMED, None
    registration.waitlist_entry_id, registration.updated_at = None, now
    offered = fill_free_seats(training, now)
    audit.record(actor, "training.offer_accepted", training)
    db.session.commit()
    _announce(training, offered=offered, lapsed=lapsed, confirmed=[registration])
    return registration


def decline_offer(actor: User, training_id) -> Registration:
    """Turn down an offer: the seat goes to the next in line at once."""
    registration = my_registration(actor, services.get_training(actor, training_id).id)
    if registration is None or registration.state is not R.OFFERED:
        raise Conflict("There is no open offer of a seat for you in this training.")
    return cancel(actor, training_id)


def sweep_offers(now: datetime | None = None, training_id: int | None = None) -> int:
    """Pass lapsed offers to the next in line, for one training or all (the CLI and page reads)."""
    now = now or utcnow()
    stmt = select(Registration.training_id).where(Registration.state == R.OFFERED,
                                                  Registration.offer_expires_at <= now).distinct()
    if training_id is not None:
        stmt = stmt.where(Registration.training_id == training_id)
    count = 0
    for tid in sorted(db.session.scalars(stmt)):
        training = lock_training(tid)
        lapsed = _expire_offers(training, now)
        offered = fill_free_seats(training, now)
        db.session.commit()
        _announce(training, offered=offered, lapsed=lapsed)
        count += len(lapsed)
    return count


def overlap_warnings(actor: User, training: Training) -> list[str]:
    """Other trainings of the member's (held or waiting) whose sessions overlap this one's."""
    mine = [o for o in services.occurrences_of(training) if not o.cancelled]
    if not mine:
        return []
    first, last = mine[0].starts_at, max(o.ends_at for o in mine)
    others = db.session.scalars(select(Training).join(Registration, Registration.training_id == Training.id).where(
        Registration.user_id == actor.id, Registration.state != R.CANCELLED, Training.id != training.id,
        Training.status != TrainingStatus.CANCELLED, Training.starts_at < last, Training.series_ends_at > first)).unique().all()
    warnings = []
    for other in others:
        theirs = [o for o in services.occurrences_of(other) if not o.cancelled]
        clash = next(((a, b) for a in mine for b in theirs if a.starts_at < b.ends_at and b.starts_at < a.ends_at), None)
        if clash:
            local = timing.to_local(clash[1].starts_at, timing.zone(other.tz))
            warnings.append(f"You are also registered for “{other.title}” on {local:%Y-%m-%d %H:%M} ({other.tz}), "
                            "which overlaps.")
    return warnings


def staff_choices(actor: User, training: Training) -> list[User]:
    """Active members of the actor's organization not yet holding or waiting for a seat (the staff form)."""
    taken = select(Registration.user_id).where(Registration.training_id == training.id,
                                               Registration.state != R.CANCELLED)
    return list(db.session.scalars(select(User).where(
        User.organization_id == actor.organization_id, User.active.is_(True), User.id.not_in(taken))
        .order_by(User.display_name)).unique())


def roster(actor: User, training: Training) -> list[Registration]:
    """Who holds, is offered or waits for a seat — for the training's hosts only."""
    if not services.can_edit(actor, training):
        raise PermissionDenied("Only the training's hosts see its roster.")
    order = {R.CONFIRMED: 0, R.ATTENDED: 0, R.NO_SHOW: 0, R.OFFERED: 1, R.WAITLISTED: 2}
    rows = db.session.scalars(select(Registration).where(Registration.training_id == training.id,
                                                         Registration.state != R.CANCELLED)).all()
    return sorted(rows, key=lambda r: (order[r.state], r.waitlist_entry_id or 0, r.id))
