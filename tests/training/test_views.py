"""Scheduling, calendars and seats through served requests: the form, the JSON contract, bad input."""
import pytest
from sqlalchemy import func, select

from taskforce.auth.models import Role, Sector
from taskforce.extensions import db
from taskforce.training import registration, seat_ledger
from taskforce.training.models import Registration, RegistrationState as R, Training
from tests.conftest import CsrfClient, flashed_text
from tests.training.conftest import local, training_form


def count_trainings() -> int:
    return db.session.scalar(select(func.count()).select_from(Training))


def test_schedule_form_creates_a_training(client, login, trainer):
    login(trainer)
    response = client.post("/training/new", data=training_form(topics=["indicators", "minors"], reserved_healthcare="5"))
    assert response.status_code == 302
    training = db.session.scalar(select(Training))
    assert training.location if False else training.reserved == {"healthcare": 5}
    assert training.topics == ["indicators", "minors"] and training.host_organization_id == trainer.organization_id
    assert response.headers["Location"].endswith(f"/training/{training.id}")


def test_form_shows_every_error_at_once_and_keeps_the_input(client, login, trainer):
    login(trainer)
    bad = training_form(title="Keep this title", tz="Mars/Olympus", capacity="-3", starts_at="2026-13-40T09:00",
                        rrule="FREQ=WEEKLY", topics=["nonsense"], reserved_healthcare="x")
    response = client.post("/training/new", data=bad)
    assert response.status_code == 400
    page = flashed_text(response)
    for message in ("Mars/Olympus", "Capacity must be between 1", "Start must be a date", "Choose topics",
                    "Reserved seats must be a whole number"):
        assert message in page, message
    assert 'value="Keep this title"' in page
    assert count_trainings() == 0


@pytest.mark.parametrize("overrides,field,text", [
    ({"ends_at": local(30, 8)}, "ends_at", "end must be after the start"),
    ({"tz": "Europe/Atlantis"}, "tz", "not a time zone"),
    ({"starts_at": "2026-03-08T02:30", "ends_at": "2026-03-08T04:00"}, "starts_at", "does not exist"),
    ({"capacity": "-1"}, "capacity", "between 1 and 2000"),
    ({"capacity": "999999"}, "capacity", "between 1 and 2000"),
    ({"capacity": "10", "reserved_healthcare": "8", "reserved_law_enforcement": "5"}, "reserved", "13 seats are reserved"),
    ({"rrule": "FREQ=WEEKLY;INTERVAL=1"}, "rrule", "needs an end"),
    ({"rrule": "DROP TABLE"}, "rrule", "not an RRULE"),
    ({"title": "bad\x07title"}, "title", "control characters"),
    ({"link": "javascript:alert(1)", "format": "virtual"}, "link", "https://"),
])
def test_api_refuses_bad_schedules_with_the_field_named(client, login, trainer, overrides, field, text):
    login(trainer)
    response = client.post("/api/trainings", json=training_form(**overrides))
    assert response.status_code == 400
    body = response.get_json()
    assert text.lower() in body["details"]["fields"][field].lower()
    assert count_trainings() == 0


@pytest.mark.parametrize("body", [[1, 2], {"title": {"nested": 1}}, {"title": ["a", "b"]}, "text", {"capacity": True}])
def test_api_refuses_wrong_types_without_a_500(client, login, trainer, body):
    login(trainer)
    response = client.post("/api/trainings", json=body)
    assert response.status_code == 400 and "error" in response.get_json()
    assert count_trainings() == 0


def test_members_cannot_schedule(client, login, member):
    login(member)
    assert client.post("/api/trainings", json=training_form()).status_code == 403


def test_json_writes_need_the_csrf_token(client, login, trainer):
    login(trainer)
    response = client.post("/api/trainings", json=training_form(), csrf=False)
    assert response.status_code == 400 and count_trainings() == 0


def test_api_contract_create_list_register_cancel(app, client, login, trainer, make_user):
    login(trainer)
    created = client.post("/api/trainings", json=training_form(capacity="1", repeat="weekly", repeat_count="3"))
    assert created.status_code == 201
    training_id = created.get_json()["id"]
    first, second = make_user(Role.MEMBER), make_user(Role.MEMBER)
    client = CsrfClient(app.test_client())
    login(first, the_client=client)
    reply = client.post(f"/api/trainings/{training_id}/registration", json={})
    assert reply.status_code == 201 and reply.get_json()["state"] == "confirmed"
    client = CsrfClient(app.test_client())
    login(second, the_client=client)
    reply = client.post(f"/api/trainings/{training_id}/registration", json={})
    assert reply.status_code == 201 and reply.get_json() == {"state": "waitlisted", "position": 1, "warnings": []}
    assert client.post(f"/api/trainings/{training_id}/registration", json={}).status_code == 409
    listed = client.get(f"/api/trainings?start={local(-1)[:10]}&end={local(60)[:10]}").get_json()["trainings"]
    assert len(listed) == 3 and {e["id"] for e in listed} == {training_id}
    one = listed[0]
    assert one["starts_at"].endswith("Z") and one["tz"] == "America/New_York"
    assert one["seats_left"] == 0 and one["state"] == "waitlisted"
    deleted = client.raw().delete(f"/api/trainings/{training_id}/registration",
                                  headers={"X-CSRFToken": client.csrf_token()})
    assert deleted.status_code == 200 and deleted.get_json()["state"] == "cancelled"
    assert client.raw().delete(f"/api/trainings/{training_id}/registration",
                               headers={"X-CSRFToken": client.csrf_token()}).status_code == 404


@pytest.mark.parametrize("query", ["start=yesterday&end=x", "start=2026-02-01&end=2026-01-01",
                                   "start=2020-01-01&end=2026-01-01", ""])
def test_api_range_must_be_sane(client, login, member, query):
    login(member)
    assert client.get(f"/api/trainings?{query}").status_code == 400


def test_registration_outside_window_is_409_and_writes_nothing(client, login, make_training, member):
    training = make_training(registration_opens=local(5), registration_closes=local(10))
    login(member)
    response = client.post(f"/api/trainings/{training.id}/registration", json={})
    assert response.status_code == 409 and "opens" in response.get_json()["error"]
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0


def test_another_organizations_trainer_cannot_edit(client, login, make_training, make_user):
    training = make_training()
    outsider = make_user(Role.TRAINER)
    login(outsider)
    assert client.get(f"/training/{training.id}/edit").status_code == 403
    response = client.post(f"/training/{training.id}/edit", data=training_form(title="Hijacked"))
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Training, training.id).title != "Hijacked"


def test_a_co_host_trainer_can_edit(client, login, make_training, make_user, make_organization):
    """Co-host trainers edit; the co-host list is kept when the form sends it again."""
    partner = make_organization(sector=Sector.HEALTHCARE)
    training = make_training(co_hosts=[str(partner.id)])
    login(make_user(Role.TRAINER, organization=partner))
    response = client.post(f"/training/{training.id}/edit", data=training_form(title="Co-hosted edit",
                                                                              co_hosts=[str(partner.id)]))
    assert response.status_code == 302
    db.session.expire_all()
    edited = db.session.get(Training, training.id)
    assert edited.title == "Co-hosted edit" and edited.sequence == 1


def test_sector_only_training_is_404_for_others_and_ids_cannot_be_probed(client, login, make_training, make_user,
                                                                         make_organization):
    training = make_training(audience="healthcare")
    login(make_user(Role.MEMBER, organization=make_organization(sector=Sector.LAW_ENFORCEMENT)))
    assert client.get(f"/training/{training.id}").status_code == 404
    assert client.get("/training/999999").status_code == 404
    assert client.post(f"/api/trainings/{training.id}/registration", json={}).status_code == 404
    assert client.get("/training/99999999999999").status_code == 404


def test_the_link_is_shown_only_to_seat_holders(client, login, make_training, member):
    training = make_training(format="hybrid", link="https://meet.example.org/secret-room",
                             description="Bring **your questions** <script>alert(1)</script>")
    login(member)
    page = client.get(f"/training/{training.id}").get_data(as_text=True)
    assert "secret-room" not in page
    assert "<strong>your questions</strong>" in page and "<script>alert(1)" not in page
    registration.register(member, training.id)
    assert "secret-room" in client.get(f"/training/{training.id}").get_data(as_text=True)


def test_calendar_views_show_the_session_and_filter(client, login, make_training, member):
    make_training(title="Interviewing minors safely", topics=["minors"], starts_at=local(3, 10), ends_at=local(3, 12))
    make_training(title="Evidence for prosecutors", topics=["evidence-prosecution"], starts_at=local(3, 13),
                  ends_at=local(3, 15))
    login(member)
    page = client.get("/training/?topic=minors").get_data(as_text=True)
    assert "Interviewing minors safely" in page and "Evidence for prosecutors" not in page
    month = local(3)[:7]
    assert "Evidence for prosecutors" in client.get(f"/training/month?month={month}").get_data(as_text=True)
    assert "Interviewing minors" in client.get(f"/training/week?start={local(3)[:10]}").get_data(as_text=True)
    assert client.get("/training/month?month=garbage").status_code == 200
    assert client.get("/training/?host=abc&has_seats=1&format=zzz").status_code == 200


def test_register_page_flow_waitlist_offer_accept(client, login, make_training, make_user):
    training = make_training(capacity="1")
    first, nurse = make_user(Role.MEMBER), make_user(Role.MEMBER)
    registration.register(first, training.id)
    login(nurse)
    response = client.post(f"/training/{training.id}/register")
    assert response.status_code == 302
    assert "number 1 on the waitlist" in flashed_text(client.get(f"/training/{training.id}"))
    registration.cancel(first, training.id)
    assert "A seat is offered to you" in flashed_text(client.get(f"/training/{training.id}"))
    client.post(f"/training/{training.id}/accept")
    db.session.expire_all()
    assert seat_ledger.my_registration(nurse, training.id).state is R.CONFIRMED
    page = flashed_text(client.get(f"/training/{training.id}"))
    assert "Create my calendar link" in page


def test_my_trainings_lists_registrations_and_empty_state(client, login, make_training, member):
    login(member)
    assert "You have not registered" in flashed_text(client.get("/training/mine"))
    training = make_training(title="Trauma-informed interviewing")
    registration.register(member, training.id)
    assert "Trauma-informed interviewing" in flashed_text(client.get("/training/mine"))


def test_organizer_cancels_a_session_and_sequence_grows(client, login, trainer, make_training):
    training = make_training(repeat="weekly", repeat_count="4")
    from taskforce.training import services
    second = services.occurrences_of(training)[1]
    login(trainer)
    response = client.post(f"/training/{training.id}/sessions",
                           data={"recurrence_id": second.recurrence_id.isoformat(), "kind": "cancelled"})
    assert response.status_code == 302
    db.session.expire_all()
    training = db.session.get(Training, training.id)
    assert training.sequence == 1 and [o.cancelled for o in services.occurrences_of(training)] == [False, True, False, False]
    bad = client.post(f"/training/{training.id}/sessions", data={"recurrence_id": "2001-01-01T00:00:00+00:00",
                                                                 "kind": "cancelled"})
    assert bad.status_code == 400


WEIRD = [None, 0, -1, 10**12, 3.5, True, "", "\x00", "x" * 20_000, [], ["a"], [{"a": 1}], {"a": [1]}, "2026-03-08T02:30"]
FIELDS = ["title", "description", "format", "place", "link", "tz", "starts_at", "ends_at", "rrule", "repeat",
          "repeat_count", "repeat_until", "capacity", "reserved_healthcare", "reservation_release_days", "offer_hours",
          "audience", "registration_opens", "registration_closes", "materials", "topics", "co_hosts", "is_exercise"]


def test_no_value_of_any_type_in_any_field_is_a_500(app, client, login, trainer):
    """Every field, every JSON type: a 201 or a 400 naming the problem, never a crash."""
    login(trainer)
    import json
    token = client.csrf_token()
    raw = client.raw()
    for field in FIELDS:
        for value in WEIRD:
            body = training_form(**{field: value})
            response = raw.post("/api/trainings", data=json.dumps(body), content_type="application/json",
                                headers={"X-CSRFToken": token})
            assert response.status_code in (201, 400), (field, value, response.status_code)
            if response.status_code == 400:
                assert response.get_json()["error"]
