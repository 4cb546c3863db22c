"""Registering: take a seat or a place in line, register staff together, cancel — safe under concurrent
requests (every change runs under the training's lock, `seat_ledger.lock_training`).

A seat still free after every waiting member who may take it was offered one goes to the newcomer (it
jumps no one); otherwise they join the end of the line. The waitlist's offers live in `offers.py`.
"""
from datetime import datetime

from sqlalchemy import select

from taskforce import audit, ids
from taskforce.auth.models import User
from taskforce.dbtypes import utcnow
from taskforce.errors import Conflict, NotFound, PermissionDenied, ValidationError
from taskforce.extensions import db
from taskforce.training import seats, services, timing
from taskforce.training.models import Registration, RegistrationState, Training, TrainingStatus, WaitlistEntry
from taskforce.training.offers import expire_offers, fill_free_seats
from taskforce.training.seat_ledger import (announce, held_by_sector, lock_training, my_registration, plan_for,
                                            registration_for)

MAX_STAFF = 50
R = RegistrationState


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


def _seat_or_wait(training, user: User, by: User, entry: WaitlistEntry | None, plan, held, now) -> Registration:
    registration = registration_for(training.id, user.id)
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
    lapsed = expire_offers(training, now)
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
    announce(training, offered=offered, lapsed=lapsed)
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
    lapsed = expire_offers(training, now)
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
    announce(training, offered=offered, lapsed=lapsed,
              confirmed=[r for r in registrations if r.state is R.CONFIRMED and r.user_id != actor.id])
    return registrations


def cancel(actor: User, training_id, user_id=None) -> Registration:
    """Give up a seat, a place in line or an offer; a freed seat is offered to the next in line. A trainer
    or coordinator may cancel for their own organization's staff."""
    training = services.get_training(actor, training_id)
    user_id = actor.id if user_id is None else ids.record_id(user_id)
    now = utcnow()
    training = lock_training(training.id)
    registration = registration_for(training.id, user_id) if user_id else None
    if registration is None or registration.state is R.CANCELLED:
        raise NotFound("There is no registration to cancel.")
    if registration.user_id != actor.id and not (actor.can_schedule_trainings and registration.user.organization_id
                                                  == actor.organization_id) and not services.can_edit(actor, training):
        raise PermissionDenied("You may cancel only your own registration or your staff's.")
    if registration.state in (R.ATTENDED, R.NO_SHOW):
        raise Conflict("Attendance was already taken; this registration can no longer be cancelled.")
    lapsed = expire_offers(training, now)
    registration.state, registration.offer_expires_at, registration.updated_at = R.CANCELLED, None, now
    registration.waitlist_entry_id = None
    offered = fill_free_seats(training, now)
    audit.record(actor, "training.registration_cancelled", training)
    db.session.commit()
    announce(training, offered=offered, lapsed=lapsed, cancelled=[registration])
    return registration


def decline_offer(actor: User, training_id) -> Registration:
    """Turn down an offer: the seat goes to the next in line at once."""
    registration = my_registration(actor, services.get_training(actor, training_id).id)
    if registration is None or registration.state is not R.OFFERED:
        raise Conflict("There is no open offer of a seat for you in this training.")
    return cancel(actor, training_id)


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
