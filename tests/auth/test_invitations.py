"""Invitations: the only way in. Single use, 72 h, coordinator-only, strong passwords."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from taskforce.audit import AuditEvent
from taskforce.auth.models import Invitation, Role, User
from taskforce.dbtypes import utcnow
from taskforce.extensions import db

STRONG = "orchid-tundra-kettle-9-parade"


def invite(client, organization, email="new.person@example.org", role="member"):
    response = client.post("/partners/invitations", data={"email": email, "display_name": "New Person",
                                                           "organization_id": organization.id, "role": role})
    html = response.get_data(as_text=True)
    link = html.split('id="invitation-link"')[0].rsplit('value="', 1)[-1].split('"')[0] if "invitation-link" in html else None
    return response, link


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_coordinator_invites_and_the_link_creates_an_account_once(client, login, coordinator, make_organization, app):
    shelter = make_organization("Harbor Shelter")
    login(coordinator)
    response, link = invite(client, shelter)
    assert response.status_code == 201 and "/auth/invite/" in link
    invitation = db.session.scalar(select(Invitation))
    assert invitation.email == "new.person@example.org" and link.rsplit("/", 1)[1] not in invitation.token_hash
    client.post("/auth/logout")

    path = "/auth/invite/" + link.rsplit("/", 1)[1]
    assert client.get(path).status_code == 200
    weak = client.post(path, data={"display_name": "New Person", "password": "password1234"})
    assert weak.status_code == 400 and count(User) == 1
    accepted = client.post(path, data={"display_name": "New Person", "password": STRONG})
    assert accepted.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "new.person@example.org"))
    assert user.organization_id == shelter.id and user.role is Role.MEMBER
    assert client.get("/").status_code == 200  # signed in
    other = app.test_client()
    assert other.get(path).status_code == 404  # single use
    actions = list(db.session.scalars(select(AuditEvent.action)))
    assert "auth.invitation_created" in actions and "auth.invitation_accepted" in actions


def test_expired_and_revoked_links_do_not_work(client, login, coordinator, make_organization):
    org = make_organization()
    login(coordinator)
    _, link = invite(client, org)
    invitation = db.session.scalar(select(Invitation))
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    path = "/auth/invite/" + link.rsplit("/", 1)[1]
    assert client.get(path).status_code == 404
    _, link2 = invite(client, org)  # a new invitation replaces the old
    second = db.session.scalars(select(Invitation).order_by(Invitation.id.desc())).first()
    assert client.post(f"/partners/invitations/{second.id}/revoke").status_code == 302
    assert client.get("/auth/invite/" + link2.rsplit("/", 1)[1]).status_code == 404
    assert client.post(f"/partners/invitations/{second.id}/revoke").status_code == 409


def test_members_and_trainers_cannot_invite(client, login, make_user, make_organization):
    for role in (Role.MEMBER, Role.TRAINER):
        user = make_user(role)
        login(user)
        response, _ = invite(client, make_organization())
        assert response.status_code == 403
        client.post("/auth/logout")
    assert count(Invitation) == 0


def test_only_admins_grant_admin(client, login, coordinator, make_user, make_organization):
    login(coordinator)
    offered = client.get("/partners/invitations").get_data(as_text=True)
    assert '<option value="coordinator">' in offered and '<option value="admin"' not in offered
    response, _ = invite(client, make_organization(), email="kept.address@example.org", role="admin")
    assert response.status_code == 400 and count(Invitation) == 0  # a forged choice: the form again, input kept
    page = response.get_data(as_text=True)
    assert 'value="kept.address@example.org"' in page and "Not a valid choice" in page
    assert "Back to the start page" not in page
    client.post("/auth/logout")
    login(make_user(Role.ADMIN))
    assert '<option value="admin"' in client.get("/partners/invitations").get_data(as_text=True)
    response, _ = invite(client, make_organization(), role="admin")
    assert response.status_code == 201


@pytest.mark.parametrize("data,message", [
    ({"email": "", "organization_id": 1}, "This field is required."),
    ({"email": "not-an-email", "organization_id": 1}, "That email address is not valid"),
    ({"email": "x@example.org", "organization_id": 99999}, "Choose an organization."),
    ({"email": "a" * 300 + "@example.org", "organization_id": 1}, "Field cannot be longer than 254 characters."),
    ({"email": "x@example.org", "organization_id": 1, "role": "emperor"}, "Not a valid choice."),
])
def test_bad_invitation_input_is_a_clear_400(client, login, coordinator, data, message):
    login(coordinator)
    response = client.post("/partners/invitations", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count(Invitation) == 0


def test_existing_account_cannot_be_invited_again(client, login, coordinator, make_user):
    member = make_user(email="taken@example.org")
    login(coordinator)
    response, _ = invite(client, member.organization, email=member.email)
    assert response.status_code == 400 and count(Invitation) == 0
    page = response.get_data(as_text=True)
    assert "Changed meanwhile" not in page and 'value="taken@example.org"' in page
    assert '<p class="field-error" role="alert">Someone with this email already has an account' in page
    assert 'value="New Person"' in page  # the rest of the input is kept too


def test_forged_or_garbage_tokens_are_404(client):
    for token in ("x", "a" * 43, "../../etc/passwd", "%00" * 30, "z" * 500):
        assert client.get(f"/auth/invite/{token}").status_code == 404
