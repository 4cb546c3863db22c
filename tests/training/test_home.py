"""Home's "Your next trainings" block (taskforce/training/home_views.py), through served requests: confirmed
seats with their start in the viewer's zone, open offers with their deadline and an Accept button that works,
waitlist places, the empty state, the live pushes it refreshes on — and nobody sees anyone else's
registrations."""
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from taskforce.auth.models import Sector
from taskforce.dbtypes import utcnow
from taskforce.extensions import db
from taskforce.live.rooms import NAMESPACE as NS
from taskforce.training import offers, registration, scheduling, seat_ledger
from taskforce.training.models import Registration, RegistrationState as R
from tests.notifications.test_home import block

TOKYO = ZoneInfo("Asia/Tokyo")


def _home(client, zone="Asia/Tokyo") -> str:
    client.raw().set_cookie("tz", zone)
    response = client.get("/")
    assert response.status_code == 200
    return block(response.get_data(as_text=True), "my_trainings")



def _people(make_user, make_organization, count):
    org = make_organization(sector=Sector.HEALTHCARE)
    return [make_user(organization=org) for _ in range(count)]


def test_a_confirmed_seat_shows_with_its_start_in_my_zone_and_a_link(client, login, make_training, make_user,
                                                                     make_organization):
    training = make_training(title="Interviewing with trauma in mind")
    nurse, = _people(make_user, make_organization, 1)
    registration.register(nurse, training.id)
    login(nurse)
    mine = _home(client)
    assert "Interviewing with trauma in mind" in mine
    assert f'href="/training/{training.id}"' in mine
    assert training.starts_at.astimezone(TOKYO).strftime("%a %d %b %Y, %H:%M") in mine
    assert "Accept" not in mine and "No trainings booked" not in mine
    assert 'href="/training/mine"' in mine


def test_an_open_offer_shows_its_deadline_and_accepting_it_from_home_takes_the_seat(client, login, make_training,
                                                                                    make_user, make_organization):
    training = make_training(title="Labor trafficking indicators", capacity="1")
    first, second, third = _people(make_user, make_organization, 3)
    for person in (first, second, third):
        registration.register(person, training.id)
    registration.cancel(first, training.id)  # the seat is offered to `second`; `third` is next in line
    offer = seat_ledger.my_registration(second, training.id)
    assert offer.state is R.OFFERED

    login(second)
    mine = _home(client)
    assert "Seat offered: Labor trafficking indicators" in mine
    assert "accept by " + offer.offer_expires_at.astimezone(TOKYO).strftime("%d %b %H:%M") in mine
    form = re.search(r'<form method="post" action="([^"]+)"[^>]*><input type="hidden" name="csrf_token" '
                     r'value="([^"]+)">', mine)
    assert form and form.group(1) == f"/training/{training.id}/accept"
    # the browser's post: exactly what the form carries, its CSRF token included (no helper adds one)
    response = client.raw().post(form.group(1), data={"csrf_token": form.group(2)})
    assert response.status_code == 302
    db.session.expire_all()
    assert seat_ledger.my_registration(second, training.id).state is R.CONFIRMED
    after = _home(client)
    assert "Seat offered" not in after and "Labor trafficking indicators" in after


def test_a_forged_accept_without_the_token_is_refused(client, login, make_training, make_user, make_organization):
    training = make_training(capacity="1")
    first, second = _people(make_user, make_organization, 2)
    registration.register(first, training.id)
    registration.register(second, training.id)
    registration.cancel(first, training.id)
    login(second)
    assert client.raw().post(f"/training/{training.id}/accept", data={}).status_code == 400
    db.session.expire_all()
    assert seat_ledger.my_registration(second, training.id).state is R.OFFERED


def test_waitlist_places_show_and_nobody_sees_anyone_elses_registrations(client, login, make_training, make_user,
                                                                         make_organization, member):
    training = make_training(title="Minors and online exploitation", capacity="1")
    holder, waiting = _people(make_user, make_organization, 2)
    registration.register(holder, training.id)
    registration.register(waiting, training.id)
    login(waiting)
    assert "waitlist, number 1" in _home(client)
    client.post("/auth/logout")
    login(member)
    theirs = _home(client)
    assert "Minors and online exploitation" not in theirs and "waitlist, number" not in theirs
    assert "No trainings booked" in theirs


def test_a_lapsed_offer_and_a_cancelled_training_are_not_shown(client, login, make_training, make_user,
                                                               make_organization, trainer):
    lapsing = make_training(title="Offer that lapsed", capacity="1")
    first, second = _people(make_user, make_organization, 2)
    registration.register(first, lapsing.id)
    registration.register(second, lapsing.id)
    registration.cancel(first, lapsing.id)
    row = db.session.scalar(select(Registration).where(Registration.user_id == second.id))
    row.offer_expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    called_off = make_training(title="Training called off")
    registration.register(second, called_off.id)
    login(second)
    assert "Training called off" in _home(client)
    scheduling.cancel_training(trainer, called_off.id)
    mine = _home(client)
    assert "Offer that lapsed" not in mine and "Training called off" not in mine
    assert "No trainings booked" in mine


def test_the_empty_state_says_what_to_do_and_the_block_refreshes_on_my_training_pushes(client, login, member):
    login(member)
    page = client.get("/").get_data(as_text=True)
    mine = block(page, "my_trainings")
    assert "No trainings booked — browse the calendar" in mine
    assert '<a href="/training/">Browse the calendar</a>' in mine
    assert 'data-live-events="training_offer notification"' in mine
    assert page.index('data-home-block="notifications"') < page.index('data-home-block="my_trainings"') \
        < page.index('data-home-block="new_lessons"')
    again = client.get("/home/blocks/my_trainings")
    assert again.status_code == 200 and "No trainings booked" in again.get_data(as_text=True)


def test_the_pushes_my_trainings_send_me_are_the_ones_the_block_refreshes_on(client, login, make_training,
                                                                             make_user, make_organization, socket_for):
    """The wiring home.js relies on: each push the member's own socket receives when their seat changes is
    named in the block's data-live-events, and the block fetched after it shows the change."""
    training = make_training(title="Evidence and prosecution", capacity="1")
    first, second = _people(make_user, make_organization, 2)
    registration.register(first, training.id)
    registration.register(second, training.id)
    login(second)
    listened = re.search(r'data-live-events="([^"]*)"', _home(client)).group(1).split()
    sio = socket_for(second)
    sio.get_received(NS)
    registration.cancel(first, training.id)  # the seat is offered to `second`
    offered = {p["name"] for p in sio.get_received(NS)}
    assert "training_offer" in offered and offered & set(listened)
    assert "Seat offered: Evidence and prosecution" in client.get("/home/blocks/my_trainings").get_data(as_text=True)
    offers.accept_offer(second, training.id)
    confirmed = {p["name"] for p in sio.get_received(NS)}
    assert confirmed & set(listened)
    fresh = client.get("/home/blocks/my_trainings").get_data(as_text=True)
    assert "Seat offered" not in fresh and "Evidence and prosecution" in fresh
