"""Live capacity, verification and stale reminders, through HTTP, the Socket.IO namespace and the CLI."""
import contextvars
from datetime import timedelta

import pytest
from sqlalchemy import select

from taskforce.audit import AuditEvent
from taskforce.auth.models import Role
from taskforce.dbtypes import utcnow
from taskforce.directory.models import Service
from taskforce.extensions import db, socketio
from tests.conftest import CsrfClient


def reload(service) -> Service:
    db.session.expire_all()
    return db.session.get(Service, service.id)


@pytest.fixture
def shelter(make_service):
    return make_service(name="Harbor Shelter", capacity=(2, 10),
                        last_verified_at=utcnow() - timedelta(days=120))


@pytest.fixture
def provider(make_user, shelter):
    return make_user(Role.MEMBER, organization=shelter.organization)


@pytest.fixture
def officer(app, login, make_user):
    """A member of another organization with a directory page open: signed in over HTTP, socket connected,
    earlier events drained. `officer.http` is the browser's HTTP side."""
    officer_http = CsrfClient(app.test_client())
    login(make_user(Role.MEMBER), the_client=officer_http)
    db.session.commit()
    socket = contextvars.Context().run(socketio.test_client, app, namespace="/live",
                                       flask_test_client=officer_http.raw())
    assert socket.is_connected("/live")
    socket.get_received("/live")
    socket.http = officer_http
    yield socket
    contextvars.Context().run(socket.disconnect, namespace="/live")


def capacity_events(officer) -> list[dict]:
    return [p["args"][0] for p in officer.get_received("/live") if p["name"] == "capacity_updated"]


def test_provider_updates_capacity_in_one_click_and_it_counts_as_verifying(client, login, provider, shelter):
    login(provider)
    response = client.post(f"/directory/services/{shelter.id}/capacity", data={"available": 3, "total": 10})
    assert response.status_code == 302
    fresh = reload(shelter)
    assert (fresh.capacity_available, fresh.capacity_total) == (3, 10)
    assert fresh.capacity_updated_at is not None and utcnow() - fresh.last_verified_at < timedelta(minutes=1)
    assert fresh.version == 1  # capacity never turns a colleague's open edit form into a conflict
    assert "directory.capacity_updated" in db.session.scalars(select(AuditEvent.action)).all()
    page = client.get(f"/directory/services/{shelter.id}").get_data(as_text=True)
    assert "just now" in page and "Not verified for 90" not in page


def test_capacity_json_answers_with_the_event_payload(client, login, provider, shelter):
    login(provider)
    body = client.post(f"/directory/services/{shelter.id}/capacity", json={"available": 0, "total": 4}).get_json()
    assert body["service_id"] == shelter.id and body["available"] == 0 and body["total"] == 4 and body["updated_at"]


@pytest.mark.parametrize("data", [
    {"available": 11, "total": 10}, {"available": -1, "total": 10}, {"available": 1, "total": 10_001},
    {"available": "many", "total": 10}, {"available": 1}, {}, {"available": "1" * 5000, "total": 10},
    {"available": 1.5, "total": 3},
])
def test_bad_capacity_is_a_clear_400_and_nothing_changes(client, login, provider, shelter, data):
    login(provider)
    assert client.post(f"/directory/services/{shelter.id}/capacity", json=data).status_code == 400
    assert client.post(f"/directory/services/{shelter.id}/capacity", data=data).status_code == 400
    fresh = reload(shelter)
    assert (fresh.capacity_available, fresh.capacity_total) == (2, 10)


def test_json_body_that_is_not_an_object_is_refused(client, login, provider, shelter):
    login(provider)
    assert client.post(f"/directory/services/{shelter.id}/capacity", json=[1, 2]).status_code == 400


def test_capacity_update_is_pushed_live_to_signed_in_sockets(client, login, provider, shelter, officer):
    login(provider)
    client.post(f"/directory/services/{shelter.id}/capacity", data={"available": 5, "total": 10})
    events = capacity_events(officer)
    assert len(events) == 1
    payload = events[0]
    assert payload["service_id"] == shelter.id and payload["available"] == 5 and payload["total"] == 10
    assert set(payload) == {"service_id", "available", "total", "updated_at"}


def test_refused_capacity_update_pushes_nothing(shelter, officer):
    assert officer.http.post(f"/directory/services/{shelter.id}/capacity",
                             data={"available": 5, "total": 10}).status_code == 403
    assert not capacity_events(officer)


def test_stale_banner_and_mark_as_verified(client, login, make_user, shelter):
    coordinator = make_user(Role.COORDINATOR, organization=shelter.organization)
    login(coordinator)
    page = client.get("/directory/").get_data(as_text=True)
    assert "not verified for 90 days" in page and "Harbor Shelter" in page.split("stale-banner")[1]
    assert "stale-banner" not in client.get("/directory/?q=shelter").get_data(as_text=True)  # front page only
    response = client.post(f"/directory/services/{shelter.id}/verify", data={"next": "/directory/"})
    assert response.status_code == 302 and response.headers["Location"] == "/directory/"
    assert utcnow() - reload(shelter).last_verified_at < timedelta(minutes=1)
    assert reload(shelter).version == 1
    assert "stale-banner" not in client.get("/directory/").get_data(as_text=True)


def test_other_organizations_do_not_see_the_banner(client, login, member, shelter):
    login(member)
    assert "stale-banner" not in client.get("/directory/").get_data(as_text=True)


def test_remind_stale_records_once_and_tells_the_coordinators(app, make_user, make_service, shelter):
    coordinator = make_user(Role.COORDINATOR, organization=shelter.organization)
    make_user(Role.MEMBER, organization=shelter.organization)
    make_service(shelter.organization, name="Fresh Service")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["directory", "remind-stale"])
    assert result.exit_code == 0, result.output
    assert f"{shelter.organization.name}: 1 stale entries, reminder recorded (no SMTP configured)" in result.output
    assert reload(shelter).stale_reminded_at is not None
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "directory.stale_reminded")).all()
    assert [(e.target_type, e.target_id) for e in events] == [("Organization", str(shelter.organization_id))]
    again = runner.invoke(args=["directory", "remind-stale"])
    assert "No stale directory entries need a reminder" in again.output  # not every night: again after 30 days

    from taskforce.directory import capacity
    with app.app_context():
        later = capacity.remind_stale(utcnow() + timedelta(days=31))
    assert later and later[0]["recipients"] == [coordinator.email]


# --- − / + send a change, added in SQL (security review: two presses at once must both count) -------------

def test_minus_and_plus_buttons_post_a_change_not_a_number(client, login, provider, shelter):
    login(provider)
    page = client.get(f"/directory/services/{shelter.id}").get_data(as_text=True)
    assert 'name="delta" value="-1"' in page and 'name="delta" value="1"' in page
    assert client.post(f"/directory/services/{shelter.id}/capacity", data={"delta": "-1"}).status_code == 302
    assert reload(shelter).capacity_available == 1
    body = client.post(f"/directory/services/{shelter.id}/capacity", json={"delta": 3}).get_json()
    assert (body["available"], body["total"]) == (4, 10)
    fresh = reload(shelter)
    assert (fresh.capacity_available, fresh.capacity_total, fresh.version) == (4, 10, 1)
    assert utcnow() - fresh.last_verified_at < timedelta(minutes=1)


@pytest.mark.parametrize("delta, words", [(-3, "cannot go below 0"), (9, "raise the total")])
def test_a_change_past_zero_or_the_total_is_a_clear_400(client, login, provider, shelter, delta, words):
    login(provider)
    response = client.post(f"/directory/services/{shelter.id}/capacity", json={"delta": delta})
    assert response.status_code == 400 and words in response.get_json()["error"]
    assert reload(shelter).capacity_available == 2


@pytest.mark.parametrize("delta", [0, "x", 1.5, True, None, "9" * 40, 20_000, [1]])
def test_bad_changes_are_refused(client, login, provider, shelter, delta):
    login(provider)
    assert client.post(f"/directory/services/{shelter.id}/capacity", json={"delta": delta}).status_code == 400
    assert reload(shelter).capacity_available == 2


def test_a_change_without_a_known_capacity_asks_for_set(client, login, make_service, make_user):
    service = make_service(name="No beds yet")
    login(make_user(Role.MEMBER, organization=service.organization))
    response = client.post(f"/directory/services/{service.id}/capacity", json={"delta": 1})
    assert response.status_code == 400 and "Set" in response.get_json()["error"]


def test_outsiders_cannot_change_capacity(client, login, member, shelter):
    login(member)
    assert client.post(f"/directory/services/{shelter.id}/capacity", json={"delta": -1}).status_code == 403
    assert reload(shelter).capacity_available == 2


def test_a_change_is_pushed_live_with_the_new_numbers(client, login, provider, shelter, officer):
    login(provider)
    client.post(f"/directory/services/{shelter.id}/capacity", data={"delta": "1"})
    assert [(e["service_id"], e["available"], e["total"]) for e in capacity_events(officer)] == [(shelter.id, 3, 10)]


def test_simultaneous_presses_from_two_staff_all_count(live_server, make_user, make_service):
    """Two colleagues, two browsers, pressing − at the same moment over real HTTP: every press counts."""
    import threading

    import requests

    from tests.conftest import TEST_PASSWORD

    shelter = make_service(name="Busy Shelter", capacity=(30, 30))
    staff = [make_user(Role.MEMBER, organization=shelter.organization) for _ in range(2)]
    db.session.commit()
    url = f"{live_server.url}/directory/services/{shelter.id}/capacity"  # read here: threads have no app context
    sessions = []
    for person in staff:
        http = requests.Session()
        token = http.get(f"{live_server.url}/api/session", timeout=10).json()["csrf_token"]
        signed = http.post(f"{live_server.url}/auth/login", timeout=10, allow_redirects=False,
                           data={"email": person.email, "password": TEST_PASSWORD, "csrf_token": token})
        assert signed.status_code == 302
        token = http.get(f"{live_server.url}/api/session", timeout=10).json()["csrf_token"]
        sessions.append((http, token))
    presses, start, answers = 10, threading.Barrier(2), []

    def press(http, token):
        start.wait()
        for _ in range(presses):
            answers.append(http.post(url, json={"delta": -1}, headers={"X-CSRFToken": token}, timeout=30).status_code)

    threads = [threading.Thread(target=press, args=session) for session in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert answers == [200] * (2 * presses)
    assert reload(shelter).capacity_available == 30 - 2 * presses


def test_available_above_total_re_renders_the_service_page_with_the_numbers_typed(client, login, provider, shelter):
    login(provider)
    response = client.post(f"/directory/services/{shelter.id}/capacity", data={"available": "14", "total": "12"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Harbor Shelter" in page and "Back to the start page" not in page
    assert 'name="available" min="0" max="10000" value="14"' in page and 'value="12"' in page
    assert '<p class="field-error" id="capacity-available-error" role="alert">Available must be between 0 and the total.' in page
    assert (reload(shelter).capacity_available, reload(shelter).capacity_total) == (2, 10)
