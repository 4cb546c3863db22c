"""Visitors who have not signed in get no server-side row: their CSRF token and flash messages travel in a
signed, expiring cookie of their own, and sign-in replaces it with a server-side session."""
from datetime import timedelta

from sqlalchemy import func, select

from taskforce.auth.models import UserSession
from taskforce.auth.session_store import MAX_VISITOR_COOKIE, VISITOR_COOKIE
from taskforce.extensions import db
from tests.conftest import TEST_PASSWORD, session_cookie


def session_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(UserSession))


def visitor_cookie(client):
    cookie = client.raw().get_cookie(VISITOR_COOKIE)
    return cookie.value if cookie else None


def test_a_flood_of_cookie_less_visitors_writes_no_rows(app):
    for _ in range(50):
        fresh = app.test_client()
        assert fresh.get("/auth/login").status_code == 200
        assert fresh.get("/api/session").get_json()["csrf_token"]
    assert session_rows() == 0


def test_the_visitor_cookie_carries_the_sign_in_forms_token(client, member):
    assert client.get("/auth/login").status_code == 200
    assert visitor_cookie(client) and session_cookie(client) is None
    headers = client.raw().get("/auth/login").headers.getlist("Set-Cookie")
    assert not headers  # nothing changed, nothing re-sent
    response = client.post("/auth/login", data={"email": member.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert session_cookie(client) and visitor_cookie(client) is None  # the server-side session takes over
    assert session_rows() == 1


def test_a_forged_or_oversized_visitor_cookie_is_ignored(client, member, app):
    client.get("/auth/login")
    token = client.raw().get("/api/session").get_json()["csrf_token"]
    genuine = visitor_cookie(client)
    form = {"email": member.email, "password": TEST_PASSWORD, "csrf_token": token}
    for value in (genuine[:-3] + "xyz", genuine + "a" * MAX_VISITOR_COOKIE, "not-signed-at-all"):
        client.raw().set_cookie(VISITOR_COOKIE, value)
        assert client.raw().post("/auth/login", data=form).status_code == 400
        assert session_rows() == 0
    client.raw().set_cookie(VISITOR_COOKIE, genuine)
    assert client.raw().post("/auth/login", data=form).status_code == 302


def test_a_visitor_cookie_cannot_claim_a_user(client, member, app):
    from taskforce.auth.session_store import _visitor_serializer
    with app.test_request_context("/"):
        forged = _visitor_serializer(app).dumps({"_user_id": str(member.id), "_fresh": True})
    client.raw().set_cookie(VISITOR_COOKIE, forged)
    assert client.get("/").status_code == 302  # sent to sign-in: only a server-side row signs anyone in


def test_a_visitor_who_keeps_coming_back_keeps_the_token(client, member, app, monkeypatch):
    """The idle timeout counts from the last visit, not from the first: an older cookie is re-signed."""
    import time

    from itsdangerous import TimestampSigner
    real_time = time.time
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(real_time()) - 25 * 60)
    client.get("/auth/login")  # first visit, 25 minutes "ago"
    token = client.raw().get("/api/session").get_json()["csrf_token"]
    monkeypatch.undo()
    reload = client.raw().get("/auth/login")
    assert any(h.startswith(VISITOR_COOKIE + "=") for h in reload.headers.getlist("Set-Cookie"))  # re-signed now
    app.config["SESSION_IDLE_TIMEOUT"] = timedelta(minutes=10)  # the first signature alone would be too old
    response = client.raw().post("/auth/login", data={"email": member.email, "password": TEST_PASSWORD,
                                                      "csrf_token": token})
    assert response.status_code == 302


def test_only_the_visitor_keys_ever_reach_the_cookie(client, member, app):
    from taskforce.auth.session_store import _visitor_serializer
    client.post("/auth/login", data={"email": member.email, "password": TEST_PASSWORD})
    row = db.session.scalar(select(UserSession))
    with app.test_request_context("/"):
        from flask import session as flask_session
        from flask_login import logout_user
        flask_session.update({"pending_totp_secret": "JBSWY3DPEHPK3PXP", "csrf_token": "t"})
        flask_session.row_id, flask_session.token = row.id, "token-of-the-row"
        logout_user()  # a sign-out path that forgot session.end()
        response = app.response_class()
        app.session_interface.save_session(app, flask_session, response)
        cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(VISITOR_COOKIE + "="))
        value = cookie.split(";")[0].split("=", 1)[1]
        assert _visitor_serializer(app).loads(value) == {"csrf_token": "t"}
    assert db.session.get(UserSession, row.id).revoked_at is not None  # and the server session ended


def test_an_idle_visitor_cookie_expires(client, member, app):
    app.config["SESSION_IDLE_TIMEOUT"] = timedelta(seconds=-1)
    client.get("/auth/login")
    token = client.raw().get("/api/session").get_json()["csrf_token"]
    response = client.raw().post("/auth/login", data={"email": member.email, "password": TEST_PASSWORD,
                                                      "csrf_token": token})
    assert response.status_code == 400  # the token's cookie is too old: "reload the page"


def test_sign_out_leaves_only_a_visitor_cookie_with_the_message(client, member):
    client.post("/auth/login", data={"email": member.email, "password": TEST_PASSWORD})
    response = client.post("/auth/logout", follow_redirects=True)
    assert "You are signed out." in response.get_data(as_text=True)
    assert session_cookie(client) is None and visitor_cookie(client)  # the sign-in form's token, no server row
    assert db.session.scalar(select(UserSession.revoked_at)) is not None
    assert session_rows() == 1
