"""Seats, the waitlist and offers: the rules, then the same rules under 50 parallel requests."""
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from taskforce.auth.models import Role, Sector
from taskforce.dbtypes import utcnow
from taskforce.errors import Conflict, NotFound, PermissionDenied
from taskforce.extensions import db
from taskforce.training import offers, registration, seat_ledger, signals
from taskforce.training.models import Registration, RegistrationState as R, Training
from tests.training.conftest import local


def _people(make_user, make_organization, count, sector, role=Role.MEMBER):
    org = make_organization(sector=sector)
    return [make_user(role, organization=org) for _ in range(count)]


def state_of(training, user):
    db.session.expire_all()
    return db.session.scalar(select(Registration.state).where(Registration.training_id == training.id,
                                                              Registration.user_id == user.id))


def test_register_until_full_then_waitlist_with_positions(make_training, make_user, make_organization):
    training = make_training(capacity="2")
    a, b, c, d = _people(make_user, make_organization, 4, Sector.LAW_ENFORCEMENT)
    assert registration.register(a, training.id)[0].state is R.CONFIRMED
    assert registration.register(b, training.id)[0].state is R.CONFIRMED
    rc, _ = registration.register(c, training.id)
    rd, _ = registration.register(d, training.id)
    assert (rc.state, rd.state) == (R.WAITLISTED, R.WAITLISTED)
    assert offers.waitlist_position(rc) == 1 and offers.waitlist_position(rd) == 2
    with pytest.raises(Conflict, match="already"):
        registration.register(a, training.id)


def test_a_freed_seat_is_offered_to_the_first_in_line_only(make_training, make_user, make_organization):
    training = make_training(capacity="1")
    a, b, c = _people(make_user, make_organization, 3, Sector.HEALTHCARE)
    offered = []
    signals.seat_offered.connect(lambda r, **_: offered.append(r.user_id), weak=False)
    registration.register(a, training.id)
    registration.register(b, training.id)
    registration.register(c, training.id)
    registration.cancel(a, training.id)
    assert offered == [b.id]
    assert (state_of(training, b), state_of(training, c)) == (R.OFFERED, R.WAITLISTED)
    reg_c = seat_ledger.my_registration(c, training.id)
    assert offers.waitlist_position(reg_c) == 1
    with pytest.raises(Conflict):
        offers.accept_offer(c, training.id)
    assert offers.accept_offer(b, training.id).state is R.CONFIRMED
    signals.seat_offered.receivers.clear()


def test_a_lapsed_offer_passes_to_the_next(make_training, make_user, make_organization):
    training = make_training(capacity="1")
    a, b, c = _people(make_user, make_organization, 3, Sector.HEALTHCARE)
    for person in (a, b, c):
        registration.register(person, training.id)
    registration.cancel(a, training.id)
    reg_b = seat_ledger.my_registration(b, training.id)
    assert reg_b.offer_expires_at - utcnow() > timedelta(hours=47)
    assert offers.sweep_offers(now=utcnow() + timedelta(hours=49)) == 1
    assert state_of(training, b) is R.CANCELLED and state_of(training, c) is R.OFFERED
    with pytest.raises(Conflict):
        offers.accept_offer(b, training.id)


def test_reserved_seats_hold_for_their_sector_until_released(make_training, make_user, make_organization):
    training = make_training(capacity="3", reserved_healthcare="1")
    police = _people(make_user, make_organization, 3, Sector.LAW_ENFORCEMENT)
    nurse = _people(make_user, make_organization, 1, Sector.HEALTHCARE)[0]
    states = [registration.register(p, training.id)[0].state for p in police]
    assert states == [R.CONFIRMED, R.CONFIRMED, R.WAITLISTED]
    assert registration.register(nurse, training.id)[0].state is R.CONFIRMED  # the reserved seat


def test_reservations_release_n_days_before(make_training, make_user, make_organization):
    training = make_training(capacity="2", reserved_healthcare="1", starts_at=local(3, 9), ends_at=local(3, 11),
                             reservation_release_days="5")
    police = _people(make_user, make_organization, 2, Sector.LAW_ENFORCEMENT)
    assert [registration.register(p, training.id)[0].state for p in police] == [R.CONFIRMED, R.CONFIRMED]


def test_staff_registered_together_wait_as_one_entry_and_are_offered_in_part(make_training, make_user,
                                                                              make_organization):
    training = make_training(capacity="2")
    org = make_organization(sector=Sector.SOCIAL_SERVICES)
    lead = make_user(Role.TRAINER, organization=org)
    staff = [make_user(Role.MEMBER, organization=org) for _ in range(4)]
    loner = _people(make_user, make_organization, 1, Sector.HEALTHCARE)[0]
    regs = registration.register_staff(lead, training.id, [u.id for u in staff])
    assert [r.state for r in regs] == [R.CONFIRMED, R.CONFIRMED, R.WAITLISTED, R.WAITLISTED]
    late, _ = registration.register(loner, training.id)
    waiting = [r for r in regs if r.state is R.WAITLISTED]
    assert {offers.waitlist_position(r) for r in waiting} == {1}  # one entry, one place
    assert offers.waitlist_position(late) == 2
    registration.cancel(lead, training.id, user_id=staff[0].id)  # a lead cancels for their staff
    assert state_of(training, staff[2]) is R.OFFERED and state_of(training, staff[3]) is R.WAITLISTED
    assert state_of(training, loner) is R.WAITLISTED


def test_staff_from_another_organization_cannot_be_registered(make_training, make_user, make_organization):
    training = make_training()
    lead = make_user(Role.TRAINER)
    stranger = make_user(Role.MEMBER)
    with pytest.raises(PermissionDenied):
        registration.register_staff(lead, training.id, [stranger.id])
    assert state_of(training, stranger) is None


def test_registration_outside_its_window_is_refused(make_training, make_user):
    training = make_training(registration_opens=local(10, 9), registration_closes=local(20, 9))
    with pytest.raises(Conflict, match="opens"):
        registration.register(make_user(Role.MEMBER), training.id)


def test_sector_only_training_is_invisible_to_other_sectors(make_training, make_user, make_organization):
    training = make_training(audience="healthcare")
    outsider = _people(make_user, make_organization, 1, Sector.LAW_ENFORCEMENT)[0]
    with pytest.raises(NotFound):
        registration.register(outsider, training.id)


def test_overlapping_registration_is_warned(make_training, make_user):
    first = make_training(title="Morning A")
    second = make_training(title="Morning B", starts_at=local(30, 10), ends_at=local(30, 13))
    person = make_user(Role.MEMBER)
    assert registration.register(person, first.id)[1] == []
    _reg, warnings = registration.register(person, second.id)
    assert len(warnings) == 1 and "Morning A" in warnings[0]


def _parallel(app, calls):
    """Run each call in its own thread with its own app context (a request each), released together."""
    barrier = threading.Barrier(len(calls))
    # No more at once than the pool's 15 connections: the rest would wait for one, and on a loaded machine
    # past the pool's 30 s timeout. Twelve transactions still contend for the training's row lock together.
    in_flight = threading.BoundedSemaphore(12)
    results, errors = [None] * len(calls), []

    def run(index, fn):
        with app.app_context():
            barrier.wait()
            try:
                with in_flight:
                    results[index] = fn()
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                db.session.remove()
    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    return results


def test_fifty_parallel_registrations_for_twenty_seats_with_five_reserved(app, backend, make_training, make_user,
                                                                          make_organization):
    if backend != "postgresql":
        pytest.skip("the row lock is PostgreSQL's; SQLite has one writer")
    training = make_training(capacity="20", reserved_healthcare="5")
    nurses = _people(make_user, make_organization, 10, Sector.HEALTHCARE)
    others = _people(make_user, make_organization, 40, Sector.LAW_ENFORCEMENT)
    people = nurses + others
    ids = {p.id: p for p in people}
    training_id = training.id
    db.session.commit()

    def register_as(user_id):
        def call():
            from taskforce.auth.models import User
            reg, _ = registration.register(db.session.get(User, user_id), training_id)
            return reg.id, reg.state, offers.waitlist_position(reg) if reg.state is R.WAITLISTED else None
        return call
    results = _parallel(app, [register_as(uid) for uid in ids])
    db.session.expire_all()
    rows = db.session.scalars(select(Registration).where(Registration.training_id == training_id)).all()
    confirmed = [r for r in rows if r.state is R.CONFIRMED]
    waiting = sorted((r for r in rows if r.state is R.WAITLISTED), key=lambda r: r.waitlist_entry_id)
    assert len(confirmed) == 20 and len(waiting) == 30
    assert sum(r.sector == "healthcare" for r in confirmed) >= 5
    assert sum(r.sector != "healthcare" for r in confirmed) <= 15
    # arrival order: the position each request was told is its place, ids follow the lock order
    told = {reg_id: pos for reg_id, state, pos in results if state is R.WAITLISTED}
    assert sorted(told.values()) == list(range(1, 31))
    assert [told[r.id] for r in waiting] == list(range(1, 31))
    assert [r.id for r in waiting] == sorted(r.id for r in waiting)

    # cancellations in parallel: each freed (open) seat goes to the next in line, whatever their sector
    leavers = [r.user_id for r in confirmed if r.sector != "healthcare"][:5]
    first_eligible = [r.user_id for r in waiting][:5]

    def cancel_as(user_id):
        def call():
            from taskforce.auth.models import User
            return registration.cancel(db.session.get(User, user_id), training_id).state
        return call
    _parallel(app, [cancel_as(uid) for uid in leavers])
    db.session.expire_all()
    offered = db.session.scalars(select(Registration.user_id).where(Registration.training_id == training_id,
                                                                     Registration.state == R.OFFERED)).all()
    assert sorted(offered) == sorted(first_eligible)
    held = db.session.scalar(select(Training).where(Training.id == training_id))
    assert seat_ledger.held_count(held.id) == 20
