"""The waitlist's offers: a freed seat is never announced to everyone waiting.

It is OFFERED to the first in line who may take it (the sector rules of `seats.py`), held for them until
the offer's deadline (`offer_hours`, default 48 h), and passes to the next when it lapses. Lapsed offers
are swept whenever the training's seats are touched, on the training's page, and by
`flask training sweep-offers`. Every function that changes seats runs under the training's lock
(`seat_ledger.lock_training`).
"""
from datetime import datetime, timedelta

from sqlalchemy import func, select

from taskforce import audit
from taskforce.auth.models import User
from taskforce.dbtypes import utcnow
from taskforce.errors import Conflict
from taskforce.extensions import db
from taskforce.training import seats, services
from taskforce.training.models import Registration, RegistrationState, Training
from taskforce.training.seat_ledger import announce, held_by_sector, lock_training, plan_for, registration_for

R = RegistrationState


def waitlist_position(registration: Registration) -> int | None:
    """1 for the first entry in line; None when not waiting. A group entry is one place."""
    if registration.state is not R.WAITLISTED or registration.waitlist_entry_id is None:
        return None
    waiting = (select(Registration.waitlist_entry_id).where(
        Registration.training_id == registration.training_id, Registration.state == R.WAITLISTED,
        Registration.waitlist_entry_id <= registration.waitlist_entry_id).distinct())
    return db.session.scalar(select(func.count()).select_from(waiting.subquery()))


def expire_offers(training: Training, now: datetime) -> list[Registration]:
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


def accept_offer(actor: User, training_id) -> Registration:
    """Take the offered seat before its deadline."""
    training = services.get_training(actor, training_id)
    now = utcnow()
    training = lock_training(training.id)
    lapsed = expire_offers(training, now)
    registration = registration_for(training.id, actor.id)
    if registration is None or registration.state is not R.OFFERED:
        offered = fill_free_seats(training, now)
        db.session.commit()
        announce(training, offered=offered, lapsed=lapsed)
        if registration is not None and registration in lapsed:
            raise Conflict("This offer has lapsed; the seat passed to the next person in line.")
        raise Conflict("There is no open offer of a seat for you in this training.")
    registration.state, registration.offer_expires_at = R.CONFIRMED, None
    registration.waitlist_entry_id, registration.updated_at = None, now
    offered = fill_free_seats(training, now)
    audit.record(actor, "training.offer_accepted", training)
    db.session.commit()
    announce(training, offered=offered, lapsed=lapsed, confirmed=[registration])
    return registration


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
        lapsed = expire_offers(training, now)
        offered = fill_free_seats(training, now)
        db.session.commit()
        announce(training, offered=offered, lapsed=lapsed)
        count += len(lapsed)
    return count
