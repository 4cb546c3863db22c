"""The member's own account: change the password, turn two-factor off (members only)."""
import pyotp
import pytest
from sqlalchemy import func, select

from taskforce.audit import AuditEvent
from taskforce.auth.models import Role, User, UserSession
from taskforce.extensions import db
from tests.conftest import TEST_PASSWORD, CsrfClient

NEW_PASSWORD = "marigold-quarry-vesper-81"


@pytest.fixture
def other_client(app):
    """The same person's other browser (the phone left at work)."""
    return CsrfClient(app.test_client())


def signed_in(the_client) -> bool:
    return the_client.get("/api/session").get_json()["user"] is not None


def password_hash(user):
    return db.session.scalar(select(User.password_hash).where(User.id == user.id))


def audit_count(action):
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action))


def test_account_page_shows_the_person(client, login, member):
    login(member)
    html = client.get("/auth/account").get_data(as_text=True)
    assert member.email in html and 'name="current_password"' in html and 'name="new_password"' in html


def test_wrong_current_password_is_a_400_and_changes_nothing(client, login, member):
    login(member)
    before = password_hash(member)
    response = client.post("/auth/account", data={"current_password": "not-my-password-at-all",
                                                   "new_password": NEW_PASSWORD})
    assert response.status_code == 400
    assert "current password is not right" in response.get_data(as_text=True)
    assert password_hash(member) == before and audit_count("auth.password_changed") == 0


@pytest.mark.parametrize("new", ["short", "password1234", "aaaaaaaaaaaaaaaa", "x" * 257, ""])
def test_weak_or_bad_new_password_is_a_400(client, login, member, new):
    login(member)
    before = password_hash(member)
    response = client.post("/auth/account", data={"current_password": TEST_PASSWORD, "new_password": new})
    assert response.status_code == 400
    assert password_hash(member) == before and audit_count("auth.password_changed") == 0


def test_password_containing_own_email_is_refused(client, login, make_user):
    person = make_user(email="rosalind.okafor@example.org", display_name="Rosalind Okafor")
    login(person)
    response = client.post("/auth/account", data={"current_password": TEST_PASSWORD,
                                                   "new_password": "rosalind.okafor@example.org"})
    assert response.status_code == 400


def test_password_change_keeps_this_session_and_ends_the_others(client, other_client, login, member):
    login(member)
    login(member, the_client=other_client)
    response = client.post("/auth/account", data={"current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].endswith("/auth/account")
    assert signed_in(client) and client.get("/").status_code == 200
    assert not signed_in(other_client)
    live = db.session.scalar(select(func.count()).select_from(UserSession).where(
        UserSession.user_id == member.id, UserSession.revoked_at.is_(None)))
    assert live == 1
    assert audit_count("auth.password_changed") == 1
    old = other_client.post("/auth/login", data={"email": member.email, "password": TEST_PASSWORD})
    assert old.status_code == 401
    login(member, password=NEW_PASSWORD, the_client=other_client)


def test_member_turns_two_factor_off_with_the_password(client, login, make_user):
    person = make_user(Role.MEMBER, totp=True)
    login(person)
    page = client.get("/auth/account").get_data(as_text=True)
    assert "Turn off two-factor sign-in" in page
    wrong = client.post("/auth/mfa/disable", data={"password": "not-my-password-at-all"})
    assert wrong.status_code == 400 and db.session.get(User, person.id).totp_secret is not None
    assert client.post("/auth/mfa/disable", data={"password": TEST_PASSWORD}).status_code == 302
    assert db.session.get(User, person.id).totp_secret is None
    assert audit_count("auth.totp_disabled") == 1
    client.post("/auth/logout")
    # signs in with the password alone now
    assert client.post("/auth/login", data={"email": person.email, "password": TEST_PASSWORD}).status_code == 302


def test_turning_off_two_factor_that_is_not_on_is_a_400(client, login, member):
    login(member)
    assert client.post("/auth/mfa/disable", data={"password": TEST_PASSWORD}).status_code == 400


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMIN])
def test_coordinators_and_admins_cannot_turn_two_factor_off(client, login, make_user, role):
    person = make_user(role)
    login(person)
    assert "stays on" in client.get("/auth/account").get_data(as_text=True)
    response = client.post("/auth/mfa/disable", data={"password": TEST_PASSWORD})
    assert response.status_code == 403
    assert db.session.get(User, person.id).totp_secret is not None
    assert audit_count("auth.totp_disabled") == 0


def test_member_turns_two_factor_on(client, login, member):
    login(member)
    page = client.get("/auth/mfa").get_data(as_text=True)
    secret = page.split('data-testid="totp-secret">')[1].split("<")[0]
    assert client.post("/auth/mfa", data={"code": "12345x"}).status_code == 400
    assert client.post("/auth/mfa", data={"code": pyotp.TOTP(secret).now()}).status_code == 302
    assert db.session.get(User, member.id).totp_secret == secret
    assert "is on" in client.get("/auth/mfa").get_data(as_text=True)
