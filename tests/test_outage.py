"""A real database outage (the app's PostgreSQL connections go through a loopback proxy the test cuts, as a
server restart or a network cut would): members get a clear 503 they can act on, a form post is neither
half-applied nor lost, the health checks say what is down, and the first request after the database returns
succeeds."""
import re
from html import unescape

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.engine import make_url

from taskforce.audit import AuditEvent
from taskforce.channels.models import Channel, ChannelMembership
from taskforce.extensions import db
from tests.conftest import TEST_PASSWORD
from tests.tcp_proxy import TcpProxy

pytestmark = pytest.mark.parametrize("backend", ["postgresql"])  # SQLite is a file: it cannot go away
DOWN = "The database is unavailable; your work was not saved; try again in a minute."


@pytest.fixture
def database_proxy(postgres_url):
    url = make_url(postgres_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    yield proxy
    proxy.close()


@pytest.fixture
def database_url(backend, postgres_url, database_proxy):
    """The app (and the test's own session) reach PostgreSQL only through the proxy."""
    return make_url(postgres_url).set(host="127.0.0.1", port=database_proxy.port).render_as_string(
        hide_password=False)


def outage(proxy) -> None:
    db.session.close()  # the test's own session holds no connection through the outage
    proxy.cut()


def text_of(response) -> str:
    return re.sub(r"\s+", " ", unescape(response.get_data(as_text=True)))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_signed_in_page_is_a_clear_503_and_works_again_when_the_database_returns(client, member, login,
                                                                                   database_proxy):
    login(member)
    name = member.display_name
    outage(database_proxy)
    response = client.get("/")
    assert response.status_code == 503
    assert DOWN in text_of(response)
    assert response.headers["Retry-After"] == "60"
    assert "Internal Server Error" not in text_of(response)
    database_proxy.restore()
    response = client.get("/")  # still signed in: the cookie was kept, and the first request succeeds
    assert response.status_code == 200
    assert name in text_of(response)


def test_the_json_api_answers_a_json_503(client, member, login, database_proxy):
    login(member)
    outage(database_proxy)
    response = client.get("/api/channels")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "60"
    assert response.json == {"error": DOWN, "retry_after": 60}
    database_proxy.restore()
    assert client.get("/api/channels").status_code == 200


def test_a_form_post_in_an_outage_keeps_its_text_and_can_be_sent_again(client, member, login, database_proxy):
    login(member)
    csrf_token = client.csrf_token()
    channels_before = count(Channel)
    outage(database_proxy)
    sent = {"name": "Night shift handover", "kind": "private", "topic": "Who covers the\nhotline tonight",
            "csrf_token": csrf_token}
    response = client.post("/channels/new", data=sent, csrf=False)
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert DOWN in unescape(page)
    assert 'action="/channels/new"' in page  # a form that sends the same fields again, to the same address
    for name, value in sent.items():
        assert f'name="{name}"' in page and value in unescape(page)
    database_proxy.restore()
    assert count(Channel) == channels_before  # nothing was written
    again = client.post("/channels/new", data=sent, csrf=False)  # what "Send again" posts
    assert again.status_code == 302
    assert db.session.scalars(select(Channel.name)).all().count("Night shift handover") == 1


def test_a_password_is_never_written_back_into_the_page(client, member, database_proxy):
    token, email = client.csrf_token(), member.email
    outage(database_proxy)
    response = client.post("/auth/login", data={"email": email, "password": "violet-secret-41",
                                                "csrf_token": token}, csrf=False)
    assert response.status_code == 503
    assert "violet-secret-41" not in response.get_data(as_text=True)
    assert "Back" in text_of(response)  # the form the member came from still holds it


def test_a_post_cut_midway_is_not_half_applied(app, client, member, login, database_proxy):
    login(member)
    before = (count(Channel), count(ChannelMembership), count(AuditEvent))
    db.session.close()

    def cut_before_the_memberships(_conn, _cursor, statement, *_args):
        if "INSERT INTO channel_memberships" in statement:  # the channel's row is already sent
            database_proxy.cut()

    event.listen(db.engine, "before_cursor_execute", cut_before_the_memberships)
    try:
        response = client.post("/channels/new", data={"name": "Clinic liaison", "kind": "private"})
    finally:
        event.remove(db.engine, "before_cursor_execute", cut_before_the_memberships)
    assert response.status_code == 503
    assert "Clinic liaison" in unescape(response.get_data(as_text=True))
    database_proxy.restore()
    assert (count(Channel), count(ChannelMembership), count(AuditEvent)) == before


def test_health_reports_the_database_and_readiness_follows_it(app, client, database_proxy):
    up = client.get("/healthz")
    assert (up.status_code, up.json) == (200, {"status": "ok", "checks": {"database": "ok"}})
    assert client.get("/readyz").status_code == 200
    outage(database_proxy)
    down = client.get("/healthz")
    assert (down.status_code, down.json) == (503, {"status": "unavailable", "checks": {"database": "unavailable"}})
    assert client.get("/readyz").status_code == 503
    database_proxy.restore()
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").json == {"ready": True, "checks": {"database": "ok"}}
    from taskforce import health
    health.begin_draining(app)  # shutting down: the proxy must stop routing here, though all is reachable
    draining = client.get("/readyz")
    assert (draining.status_code, draining.json["ready"]) == (503, False)
    assert client.get("/healthz").status_code == 200


def test_a_socket_event_in_an_outage_is_refused_without_signing_out(app, client, member, login, database_proxy):
    from taskforce.extensions import socketio
    login(member)
    socket = socketio.test_client(app, namespace="/channels", flask_test_client=client.raw())
    assert socket.is_connected("/channels")
    outage(database_proxy)
    ack = socket.emit("send", {"channel_id": 1, "body": "Hotline covered", "client_id": "c-1"}, namespace="/channels",
                      callback=True)
    assert ack == {"error": DOWN}  # the page puts the text back in the box (channels_sync.js transmit)
    assert socket.is_connected("/channels")  # not "your session has ended"
    database_proxy.restore()
    socket.disconnect(namespace="/channels")


def test_an_outage_while_the_response_is_finished_is_a_503_too(app, client, member, database_proxy):
    """The session is saved after the view, outside the app's error handlers' reach; as served in production
    (exceptions not propagated to the test), an outage there is the same 503, not werkzeug's bare 500."""
    token, email = client.csrf_token(), member.email
    db.session.close()

    def cut_before_the_session_row(_conn, _cursor, statement, *_args):
        if "INSERT INTO user_sessions" in statement:
            database_proxy.cut()

    app.testing = False
    event.listen(db.engine, "before_cursor_execute", cut_before_the_session_row)
    try:
        response = client.post("/auth/login", data={"email": email, "password": TEST_PASSWORD, "csrf_token": token},
                               csrf=False)
    finally:
        event.remove(db.engine, "before_cursor_execute", cut_before_the_session_row)
        app.testing = True
    assert response.status_code == 503
    assert DOWN in text_of(response)
    assert response.headers["Retry-After"] == "60"
    database_proxy.restore()
    assert client.get("/api/session").json["user"] is None  # no half sign-in: no session row, no cookie
