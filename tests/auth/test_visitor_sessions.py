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
