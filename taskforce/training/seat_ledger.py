"""The seats of one training as its writers see them: the training's lock, the seat plan, the seats held
per sector, who is registered, and the signals sent after a seat change.

Every change to a training's seats runs under the training's lock: `SELECT … FOR UPDATE` on PostgreSQL;
on SQLite (one writer) a no-op UPDATE of the row takes the database's write lock before anything is read.
So two requests never both see the last seat free, and waitlist entries are created in the order requests
got the lock — their ids are their places in line. Registering lives in `registration.py`, the waitlist's
offers in `offers.py`; both start from here.
"""
from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from taskforce.auth.models import User
from taskforce.dbtypes import utcnow
from taskforce.errors import NotFound
from taskforce.extensions import db
from taskforce.training import seats, services, signals
from taskforce.training.models import HELD_STATES, Registration, RegistrationState, Training

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


def registration_for(training_id: int, user_id: int) -> Registration | None:
    return db.session.scalar(select(Registration).where(Registration.training_id == training_id,
                                                        Registration.user_id == user_id))


def my_registration(actor: User, training_id: int) -> Registration | None:
    return registration_for(training_id, actor.id)


def announce(training, offered=(), lapsed=(), confirmed=(), cancelled=()) -> None:
    """After a seat change's commit: tell each member what happened to them, then everyone concerned."""
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
