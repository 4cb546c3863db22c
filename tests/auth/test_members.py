"""Organizations and members as coordinators manage them, through the Partners pages."""
import pytest
from sqlalchemy import func, select

from taskforce.audit import AuditEvent
from taskforce.auth.models import Organization, Role, Sector, User, UserSession
from taskforce.dbtypes import utcnow
from taskforce.extensions import db
from tests.conftest import TEST_PASSWORD, CsrfClient


def count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def actions():
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def live_sessions(user):
    return count(UserSession, UserSession.user_id == user.id, UserSession.revoked_at.is_(None))


@pytest.fixture
def other_client(app):
    """A second browser: the person a coordinator acts upon."""
    return CsrfClient(app.test_client())


def signed_in(the_client) -> bool:
    return the_client.get("/api/session").get_json()["user"] is not None


# --- organizations ------------------------------------------------------------------------------------------


def test_coordinator_creates_an_organization(client, login, coordinator):
    login(coordinator)
    response = client.post("/partners/", data={"name": "  Lighthouse Clinic ", "sector": "healthcare",
                                               "jurisdiction": "Harbor City", "vetted": "y"})
    assert response.status_code == 302
    org = db.session.scalar(select(Organization).where(Organization.name == "Lighthouse Clinic"))
    assert org.sector is Sector.HEALTHCARE and org.jurisdiction == "Harbor City" and org.is_vetted
    assert response.headers["Location"].endswith(f"/partners/{org.id}")
    assert "org.created" in actions()
    page = client.get(f"/partners/{org.id}")
    assert page.status_code == 200 and "Lighthouse Clinic" in page.get_data(as_text=True)


def test_coordinator_edits_and_vets_an_organization(client, login, coordinator, make_organization):
    org = make_organization("Harbor Outreach")
    login(coordinator)
    response = client.post(f"/partners/{org.id}", data={"name": "Harbor Outreach Collective",
                                                        "sector": "social_services", "jurisdiction": "County"})
    assert response.status_code == 302
    db.session.refresh(org)
    assert org.name == "Harbor Outreach Collective" and org.sector is Sector.SOCIAL_SERVICES
    assert client.post(f"/partners/{org.id}/vet", data={"vetted": "1"}).status_code == 302
    assert db.session.get(Organization, org.id).vetted_at is not None
    assert client.post(f"/partners/{org.id}/vet", data={"vetted": "0"}).status_code == 302
    assert db.session.get(Organization, org.id).vetted_at is None
    assert actions()[-3:] == ["org.updated", "org.vetted", "org.unvetted"]


def test_vetting_needs_an_explicit_answer(client, login, coordinator, make_organization):
    org = make_organization(vetted_at=utcnow())
    login(coordinator)
    assert client.post(f"/partners/{org.id}/vet", data={}).status_code == 400
    assert client.post(f"/partners/{org.id}/vet", data={"vetted": "maybe"}).status_code == 400
    assert db.session.get(Organization, org.id).vetted_at is not None


def test_duplicate_organization_name_is_a_409(client, login, coordinator, make_organization):
    make_organization("Casa Esperanza")
    other = make_organization("Safe Passage")
    login(coordinator)
    organizations = count(Organization)
    response = client.post("/partners/", data={"name": "casa esperanza", "sector": "other"})
    assert response.status_code == 409 and "already exists" in response.get_data(as_text=True)
    renamed = client.post(f"/partners/{other.id}", data={"name": "CASA ESPERANZA", "sector": "other"})
    assert renamed.status_code == 409
    assert count(Organization) == organizations and db.session.get(Organization, other.id).name == "Safe Passage"
    # keeping one's own name is not a conflict
    assert client.post(f"/partners/{other.id}", data={"name": "Safe Passage", "sector": "other"}).status_code == 302


@pytest.mark.parametrize("role", [Role.MEMBER, Role.TRAINER])
def test_members_and_trainers_cannot_manage_organizations(client, login, make_user, make_organization, role):
    org = make_organization("Valle Verde Clinic", sector=Sector.HEALTHCARE)
    login(make_user(role, organization=org))
    before, organizations = actions(), count(Organization)
    create = client.post("/partners/", data={"name": "Rogue Org", "sector": "other"})
    edit = client.post(f"/partners/{org.id}", data={"name": "Renamed", "sector": "other"})
    vet = client.post(f"/partners/{org.id}/vet", data={"vetted": "1"})
    assert create.status_code == edit.status_code == vet.status_code == 403
    org = db.session.get(Organization, org.id)
    assert count(Organization) == organizations and org.name == "Valle Verde Clinic" and not org.is_vetted
    assert actions() == before


@pytest.mark.parametrize("data,message", [
    ({"name": "", "sector": "other"}, "required"),
    ({"name": "   ", "sector": "other"}, "required"),
    ({"name": "x" * 201, "sector": "other"}, "200"),
    ({"name": "x" * 100_000, "sector": "other"}, ""),
    ({"name": "Ok Name", "sector": "cartel"}, "sector"),
    ({"name": "Ok Name"}, "sector"),
    ({"name": "Ok Name", "sector": "other", "jurisdiction": "j" * 201}, "jurisdiction"),
    ({"name": "Bell\x07Org", "sector": "other"}, "control"),
    ({"name": ["", "b"], "sector": ["other", "healthcare"]}, "required"),  # the first value counts
    ({"name": "Ok Name", "sector": ["cartel", "other"]}, "sector"),
])
def test_bad_organization_input_is_a_clear_400(client, login, coordinator, data, message):
    login(coordinator)
    organizations = count(Organization)
    response = client.post("/partners/", data=data)
    assert response.status_code == 400
    assert message.lower() in response.get_data(as_text=True).lower()
    assert count(Organization) == organizations


@pytest.mark.parametrize("payload", [
    {"name": 123, "sector": "other"},
    {"name": None, "sector": "other"},
    {"name": {"a": 1}, "sector": "other"},
    {"name": "Ok", "sector": 7},
    {"name": "Ok", "sector": {"other": 1}},
    ["name", "sector"],
    "just a string",
    {"name": True, "sector": None, "jurisdiction": 5},
])
def test_wrong_types_in_json_are_a_400_not_a_crash(client, login, coordinator, payload):
    login(coordinator)
    organizations = count(Organization)
    response = client.post("/partners/", json=payload)
    assert response.status_code == 400
    assert count(Organization) == organizations


def test_unknown_organization_ids_are_404(client, login, coordinator):
    login(coordinator)
    assert client.get("/partners/999999").status_code == 404
    assert client.post("/partners/999999", data={"name": "X", "sector": "other"}).status_code == 404
    assert client.post("/partners/999999/vet", data={"vetted": "1"}).status_code == 404
    assert client.get("/partners/0").status_code == 404


def test_organizations_filter_by_sector(client, login, member, make_organization):
    make_organization("County Hospital", sector=Sector.HEALTHCARE)
    make_organization("Sheriff", sector=Sector.LAW_ENFORCEMENT)
    login(member)
    html = client.get("/partners/?sector=healthcare").get_data(as_text=True)
    assert "County Hospital" in html and "Sheriff" not in html
    assert client.get("/partners/?sector=cartel").status_code == 400


# --- members -------------------------------------------------------------------------------------------------


def test_member_lists_own_organization_but_not_anothers_people(client, login, make_user, make_organization):
    own, foreign = make_organization("Own Shelter"), make_organization("Foreign Clinic")
    me = make_user(organization=own)
    colleague = make_user(organization=own, email="colleague@own.test")
    stranger = make_user(organization=foreign, email="stranger@foreign.test")
    login(me)
    mine = client.get(f"/partners/{own.id}").get_data(as_text=True)
    assert colleague.email in mine and "Change role" not in mine
    theirs = client.get(f"/partners/{foreign.id}")
    assert theirs.status_code == 200
    assert stranger.email not in theirs.get_data(as_text=True)


def test_coordinator_changes_a_role_and_the_person_is_signed_out(client, other_client, login, coordinator, make_user):
    person = make_user(Role.MEMBER)
    login(person, the_client=other_client)
    assert signed_in(other_client)
    login(coordinator)
    response = client.post(f"/partners/members/{person.id}/role", data={"role": "trainer"})
    assert response.status_code == 302
    assert db.session.get(User, person.id).role is Role.TRAINER
    assert live_sessions(person) == 0
    assert not signed_in(other_client)
    assert other_client.get("/").status_code == 302
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event.action == "member.role_changed:trainer" and event.actor_id == coordinator.id
    assert event.target_type == "User" and event.target_id == str(person.id)
    # the same role again changes nothing and ends nothing
    login(person, the_client=other_client)
    assert client.post(f"/partners/members/{person.id}/role", data={"role": "trainer"}).status_code == 302
    assert signed_in(other_client)


def test_bad_role_is_a_400(client, login, coordinator, make_user):
    person = make_user(Role.MEMBER)
    login(coordinator)
    for data in ({}, {"role": "emperor"}, {"role": ""}):
        assert client.post(f"/partners/members/{person.id}/role", data=data).status_code == 400
    assert db.session.get(User, person.id).role is Role.MEMBER


def test_deactivated_person_is_signed_out_at_once_and_cannot_sign_in(client, other_client, login, coordinator,
                                                                       make_user):
    person = make_user(Role.MEMBER)
    login(person, the_client=other_client)
    login(coordinator)
    assert client.post(f"/partners/members/{person.id}/active", data={"active": "0"}).status_code == 302
    assert db.session.get(User, person.id).active is False
    assert not signed_in(other_client) and live_sessions(person) == 0
    refused = other_client.post("/auth/login", data={"email": person.email, "password": TEST_PASSWORD})
    assert refused.status_code == 401
    assert "member.deactivated" in actions()

    assert client.post(f"/partners/members/{person.id}/active", data={"active": "1"}).status_code == 302
    assert db.session.get(User, person.id).active is True and "member.reactivated" in actions()
    login(person, the_client=other_client)
    assert signed_in(other_client)


def test_activation_needs_an_explicit_answer(client, login, coordinator, make_user):
    person = make_user(Role.MEMBER)
    login(coordinator)
    for data in ({}, {"active": "nope"}):
        assert client.post(f"/partners/members/{person.id}/active", data=data).status_code == 400
    assert db.session.get(User, person.id).active is True


def test_coordinator_unlocks_a_locked_account(client, login, coordinator, make_user):
    from datetime import timedelta
    person = make_user(Role.MEMBER, failed_logins=5, locked_until=utcnow() + timedelta(minutes=10))
    login(coordinator)
    assert "Unlock" in client.get(f"/partners/{person.organization_id}").get_data(as_text=True)
    assert client.post(f"/partners/members/{person.id}/unlock").status_code == 302
    person = db.session.get(User, person.id)
    assert person.locked_until is None and person.failed_logins == 0
    assert "member.unlocked" in actions()


def test_coordinator_cannot_change_own_account_or_an_admins(client, login, coordinator, make_user):
    admin = make_user(Role.ADMIN)
    login(coordinator)
    before = actions()
    assert client.post(f"/partners/members/{coordinator.id}/role", data={"role": "member"}).status_code == 403
    assert client.post(f"/partners/members/{coordinator.id}/active", data={"active": "0"}).status_code == 403
    assert client.post(f"/partners/members/{admin.id}/role", data={"role": "member"}).status_code == 403
    assert client.post(f"/partners/members/{admin.id}/active", data={"active": "0"}).status_code == 403
    assert client.post(f"/partners/members/{admin.id}/unlock").status_code == 403
    assert db.session.get(User, coordinator.id).role is Role.COORDINATOR
    admin = db.session.get(User, admin.id)
    assert admin.role is Role.ADMIN and admin.active
    assert actions() == before
    assert signed_in(client)


def test_only_an_admin_grants_admin(client, login, coordinator, make_user):
    person = make_user(Role.MEMBER)
    login(coordinator)
    assert client.post(f"/partners/members/{person.id}/role", data={"role": "admin"}).status_code == 403
    assert db.session.get(User, person.id).role is Role.MEMBER
    client.post("/auth/logout")
    login(make_user(Role.ADMIN))
    assert client.post(f"/partners/members/{person.id}/role", data={"role": "admin"}).status_code == 302
    assert db.session.get(User, person.id).role is Role.ADMIN


@pytest.mark.parametrize("role", [Role.MEMBER, Role.TRAINER])
def test_members_and_trainers_cannot_manage_people(client, login, make_user, make_organization, role):
    org = make_organization()
    actor = make_user(role, organization=org)
    colleague = make_user(Role.MEMBER, organization=org, failed_logins=5)
    stranger = make_user(Role.MEMBER)
    login(actor)
    before = actions()
    assert client.post(f"/partners/members/{colleague.id}/role", data={"role": "coordinator"}).status_code == 403
    assert client.post(f"/partners/members/{colleague.id}/active", data={"active": "0"}).status_code == 403
    assert client.post(f"/partners/members/{colleague.id}/unlock").status_code == 403
    assert client.post(f"/partners/members/{actor.id}/role", data={"role": "admin"}).status_code == 403
    # another organization's people: the member is not told they exist
    assert client.post(f"/partners/members/{stranger.id}/role", data={"role": "admin"}).status_code == 404
    assert client.post(f"/partners/members/{stranger.id}/active", data={"active": "0"}).status_code == 404
    colleague = db.session.get(User, colleague.id)
    assert colleague.role is Role.MEMBER and colleague.active and colleague.failed_logins == 5
    assert db.session.get(User, actor.id).role is role and db.session.get(User, stranger.id).active
    assert actions() == before


@pytest.mark.parametrize("user_id", [999999, 0, 2**31, 2**63, 10**30])
def test_forged_member_ids_are_404(client, login, coordinator, user_id):
    login(coordinator)
    before = actions()
    assert client.post(f"/partners/members/{user_id}/role", data={"role": "member"}).status_code == 404
    assert client.post(f"/partners/members/{user_id}/active", data={"active": "0"}).status_code == 404
    assert client.post(f"/partners/members/{user_id}/unlock").status_code == 404
    assert actions() == before


@pytest.mark.parametrize("number", [2**31, 2**63, 10**30])
def test_ids_too_large_for_the_database_are_refused_not_a_crash(client, login, coordinator, number):
    login(coordinator)
    assert client.get(f"/partners/{number}").status_code == 404
    assert client.post(f"/partners/{number}/vet", data={"vetted": "1"}).status_code == 404
    response = client.post("/partners/invitations", data={"email": "big@example.org", "organization_id": number})
    assert response.status_code == 400 and "Choose an organization" in response.get_data(as_text=True)


def test_changing_an_organizations_sector_signs_its_people_in_afresh(client, other_client, login, coordinator,
                                                                    make_user, make_organization):
    """Sector channels and sector-only lessons follow the sector: old sessions (and sockets) must not keep them."""
    clinic = make_organization("Clinic X", sector=Sector.HEALTHCARE)
    nurse = make_user(Role.MEMBER, organization=clinic)
    login(nurse, the_client=other_client)
    login(coordinator)
    data = {"name": "Clinic X", "sector": "healthcare", "jurisdiction": "County"}
    assert client.post(f"/partners/{clinic.id}", data=data).status_code == 302
    assert signed_in(other_client)  # jurisdiction only: nothing ends
    assert client.post(f"/partners/{clinic.id}", data={**data, "sector": "social_services"}).status_code == 302
    assert db.session.get(Organization, clinic.id).sector is Sector.SOCIAL_SERVICES
    assert not signed_in(other_client)


def test_the_role_list_offers_only_roles_the_coordinator_may_give(client, login, coordinator, make_user):
    admin = make_user(Role.ADMIN, organization=coordinator.organization, email="the.admin@example.test")
    person = make_user(Role.MEMBER, organization=coordinator.organization)
    login(coordinator)
    page = client.get(f"/partners/{coordinator.organization_id}").get_data(as_text=True)
    assert f'id="role-{person.id}"' in page and '<option value="admin"' not in page
    assert f'id="role-{admin.id}"' not in page  # an administrator's account is not theirs to manage
    client.post("/auth/logout")
    login(admin)
    page = client.get(f"/partners/{coordinator.organization_id}").get_data(as_text=True)
    assert f'id="role-{person.id}"' in page and '<option value="admin"' in page
