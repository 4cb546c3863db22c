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


def test_capacity_update_is_pushed_live_to_signed_in_sockets(app, client, login, provider, shelter, make_user):
    officer_http = CsrfClient(app.test_client())
    login(make_user(Role.MEMBER), the_client=officer_http)
    db.session.commit()
    officer = contextvars.Context().run(socketio.test_client, app, namespace="/channels",
                                        flask_test_client=officer_http.raw())
    assert officer.is_connected("/channels")
    officer.get_received("/channels")
    login(provider)
    client.post(f"/directory/services/{shelter.id}/capacity", data={"available": 5, "total": 10})
    events = [p for p in officer.get_received("/channels") if p["name"] == "capacity_updated"]
    assert len(events) == 1
    payload = events[0]["args"][0]
    assert payload["service_id"] == shelter.id and payload["available"] == 5 and payload["total"] == 10
    assert set(payload) == {"service_id", "available", "total", "updated_at"}
    contextvars.Context().run(officer.disconnect, namespace="/channels")


def test_refused_capacity_update_pushes_nothing(app, client, login, shelter, make_user):
    officer_http = CsrfClient(app.test_client())
    login(make_user(Role.MEMBER), the_client=officer_http)
    db.session.commit()
    officer = contextvars.Context().run(socketio.test_client, app, namespace="/channels",
                                        flask_test_client=officer_http.raw())
    officer.get_received("/channels")
    assert officer_http.post(f"/directory/services/{shelter.id}/capacity", data={"available": 5, "total": 10}).status_code == 403
    assert not [p for p in officer.get_received("/channels") if p["name"] == "capacity_updated"]
    contextvars.Context().run(officer.disconnect, namespace="/channels")


def test_stale_banner_and_mark_as_verified(client, login, make_user, shelter):
    coordinator = make_user(Role.COORDINATOR, organization=shelter.organization)
    login(coordinator)
    page = client.get("/directory/").get_data(as_text=True)
    assert "not verified for 90 days" in page and "Harbor Shelter" in page.split("stale-banner")[1]
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
