"""Sign-in, lockout, two-factor and server-side sessions, through the real form."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from taskforce.audit import AuditEvent
from taskforce.auth.models import Role, User, UserSession
from taskforce.dbtypes import utcnow
from taskforce.extensions import db
from tests.conftest import TEST_PASSWORD, session_cookie, totp_code


def audit_actions(outcome=None):
    stmt = select(AuditEvent.action, AuditEvent.outcome).order_by(AuditEvent.id)
    return [(a, o) for a, o in db.session.execute(stmt) if outcome is None or o == outcome]


def test_login_page_shows_form_and_use_banner(client):
    response = client.get("/auth/login")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'name="email"' in html and 'name="password"' in html and 'name="csrf_token"' in html
    assert "Authorized task-force partners only" in html


def test_member_signs_in_and_sees_home(client, member):
    response = client.post("/auth/login", data={"email": member.email.upper(), "password": TEST_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200 and member.display_name in home.get_data(as_text=True)
    assert ("auth.sign_in", "ok") in audit_actions()
    assert db.session.get(User, member.id).last_login_at is not None


def test_unknown_email_and_wrong_password_get_the_same_answer(client, member):
    unknown = client.post("/auth/login", data={"email": "nobody@example.test", "password": TEST_PASSWORD})
    wrong = client.post("/auth/login", data={"email": member.email, "password": "wrong-password-123"})
    assert unknown.status_code == wrong.status_code == 401
    strip = lambda r: r.get_data(as_text=True).replace(member.email, "").replace("nobody@example.test", "")
    assert "Sign-in failed" in strip(unknown)
    assert strip(unknown).split("<main")[1].count("Sign-in failed") == strip(wrong).split("<main")[1].count("Sign-in failed")


def test_login_without_csrf_token_is_refused(client, member):
    response = client.post("/auth/login", data={"email": member.email, "password": TEST_PASSWORD}, csrf=False)
    assert response.status_code == 400
    assert session_cookie(client) is None or client.get("/").status_code == 302


@pytest.mark.parametrize("data", [
    {}, {"email": ""}, {"email": "x" * 5000, "password": "y" * 5000}, {"email": ["a", "b"], "password": 3},
])
def test_bad_login_input_is_a_clear_400(client, member, data):
    response = client.post("/auth/login", data=data)
    assert response.status_code in (400, 401)
    assert db.session.scalar(select(func.count()).select_from(UserSession).where(UserSession.user_id.is_not(None))) == 0


def test_five_failures_lock_the_account_and_a_coordinator_can_unlock(client, member, coordinator, login, app):
    for _ in range(5):
        client.post("/auth/login", data={"email": member.email, "password": "not-the-password-1"})
    locked = client.post("/auth/login", data={"email": member.email, "password": TEST_PASSWORD})
    assert locked.status_code == 401
    assert ("auth.lockout", "locked") in audit_actions()
    login(coordinator)
    assert client.post(f"/partners/members/{member.id}/unlock").status_code == 302
    client.post("/auth/logout")
    assert client.post("/auth/login", data={"email": member.email, "password": TEST_PASSWORD}).status_code == 302


def test_lock_expires_after_the_window(client, member):
    member.locked_until = utcnow() - timedelta(seconds=1)
    member.failed_logins = 5
    db.session.commit()
    assert client.post("/auth/login", data={"email": member.email, "password": TEST_PASSWORD}).status_code == 302


def test_totp_required_when_enabled_and_code_cannot_be_replayed(client, coordinator, app):
    base = {"email": coordinator.email, "password": TEST_PASSWORD}
    assert client.post("/auth/login", data=base).status_code == 401
    code = totp_code(coordinator)
    assert client.post("/auth/login", data={**base, "totp": code}).status_code == 302
    client.post("/auth/logout")
    assert client.post("/auth/login", data={**base, "totp": code}).status_code == 401
    assert ("auth.sign_in", "bad_totp") in audit_actions()


def test_coordinator_without_totp_must_set_it_up_first(client, make_user):
    coordinator = make_user(Role.COORDINATOR, totp=False)
    client.post("/auth/login", data={"email": coordinator.email, "password": TEST_PASSWORD})
    response = client.get("/partners/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/auth/mfa")
    page = client.get("/auth/mfa").get_data(as_text=True)
    secret = page.split('data-testid="totp-secret">')[1].split("<")[0]
    import pyotp
    assert client.post("/auth/mfa", data={"code": "000000"}).status_code == 400
    assert client.post("/auth/mfa", data={"code": pyotp.TOTP(secret).now()}).status_code == 302
    assert db.session.get(User, coordinator.id).totp_secret == secret
    assert client.get("/partners/").status_code == 200


def test_logout_kills_a_copied_cookie(client, member, app):
    client.post("/auth/login", data={"email": member.email, "password": TEST_PASSWORD})
    stolen = session_cookie(client)
    assert stolen
    thief = app.test_client()
    thief.set_cookie("taskforce_session", stolen)
    assert thief.get("/").status_code == 200
    assert client.post("/auth/logout").status_code == 302
    assert thief.get("/").status_code == 302  # sent to sign-in
    assert ("auth.sign_out", "ok") in audit_actions()


def test_sign_in_rotates_the_session_token(client, member, coordinator, login, app):
    from tests.auth.test_invitations import STRONG, invite
    login(coordinator)
    _, link = invite(client, member.organization)
    before = session_cookie(client)
    before_row = db.session.scalar(select(UserSession).where(UserSession.user_id == coordinator.id))
    response = client.post("/auth/invite/" + link.rsplit("/", 1)[1],
                           data={"display_name": "New Person", "password": STRONG})  # signs the new person in
    assert response.status_code == 302
    after = session_cookie(client)
    assert after and after != before
    assert db.session.get(UserSession, before_row.id).revoked_at is not None  # the old row is dead...
    replay = app.test_client()
    replay.set_cookie("taskforce_session", before)
    assert replay.get("/").status_code == 302  # ...so a copy of the old cookie signs no one in


def test_a_planted_session_cookie_is_never_adopted(client, member):
    client.raw().set_cookie("taskforce_session", "planted-by-someone-else")  # session fixation attempt
    client.get("/auth/login")
    client.post("/auth/login", data={"email": member.email, "password": TEST_PASSWORD})
    assert session_cookie(client) not in (None, "planted-by-someone-else")


def test_idle_and_absolute_timeouts(client, member, app):
    client.post("/auth/login", data={"email": member.email, "password": TEST_PASSWORD})
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == member.id, UserSession.revoked_at.is_(None)))
    row.last_seen_at = utcnow() - timedelta(minutes=31)
    db.session.commit()
    assert client.get("/").status_code == 302
    client.post("/auth/login", data={"email": member.email, "password": TEST_PASSWORD})
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == member.id).order_by(UserSession.id.desc()))
    row.created_at = utcnow() - timedelta(hours=12, minutes=1)
    db.session.commit()
    assert client.get("/").status_code == 302


def test_activity_keeps_a_session_alive(client, member):
    """The idle timeout counts from the last request: a visit 29 minutes in moves it (at most once a minute),
    so the session outlives 30 minutes from its previous visit."""
    client.post("/auth/login", data={"email": member.email, "password": TEST_PASSWORD})
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == member.id, UserSession.revoked_at.is_(None)))
    row.last_seen_at = utcnow() - timedelta(minutes=29)
    db.session.commit()
    assert client.get("/").status_code == 200
    db.session.expire_all()
    seen = db.session.get(UserSession, row.id).last_seen_at
    assert utcnow() - seen < timedelta(minutes=1)
    db.session.get(UserSession, row.id).last_seen_at = seen - timedelta(seconds=59)  # seen just now: not written
    db.session.commit()
    assert client.get("/").status_code == 200
    db.session.expire_all()
    assert db.session.get(UserSession, row.id).last_seen_at == seen - timedelta(seconds=59)


def test_open_redirect_is_refused(client, member):
    response = client.post("/auth/login?next=//evil.example/x", data={"email": member.email, "password": TEST_PASSWORD})
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", ["/%09/evil.example", "/\\evil.example", "//evil.example", "https://evil.example",
                                    "/%0a/evil.example", "javascript:alert(1)"])
def test_next_never_leaves_the_site(client, member, target):
    response = client.post(f"/auth/login?next={target}", data={"email": member.email, "password": TEST_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_parallel_guesses_cannot_outrun_the_lockout(live_server, member, backend):
    """Twelve wrong passwords at once: at most five are checked, then the account is locked."""
    import threading

    import requests

    email = member.email
    db.session.commit()  # the server's threads must not wait on this test's transaction

    def guess():
        session = requests.Session()
        token = session.get(f"{live_server.url}/api/session").json()["csrf_token"]
        session.post(f"{live_server.url}/auth/login", allow_redirects=False,
                     data={"email": email, "password": "wrong-password-xyz", "csrf_token": token})

    threads = [threading.Thread(target=guess) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    db.session.expire_all()
    outcomes = [o for a, o in audit_actions() if a == "auth.sign_in"]
    assert len(outcomes) == 12
    assert outcomes.count("bad_password") <= 5
    assert db.session.get(User, member.id).locked_until is not None
    assert audit_actions().count(("auth.lockout", "locked")) == 1


def test_access_log_hides_invitation_tokens_and_queries(caplog, client):
    import logging

    from taskforce.web import AccessLogRedaction
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, '%s - - [%s] "%s" %s -',
                               ("127.0.0.1", "now", "GET /auth/invite/SECRETTOKEN123?x=1 HTTP/1.1", "200"), None)
    AccessLogRedaction().filter(record)
    message = record.getMessage()
    assert "SECRETTOKEN123" not in message and "/auth/invite/…" in message
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, "%s", ("GET /lessons/?q=Maria+Gonzalez HTTP/1.1",), None)
    AccessLogRedaction().filter(record)
    assert "Maria" not in record.getMessage()
