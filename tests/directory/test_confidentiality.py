"""A confidential site's street address, postal code and coordinates never reach anyone outside the
organization that runs it: not the list, the service page, the edit form, a conflict page or the JSON API."""
import pytest

from taskforce.auth.models import Role
from tests.directory.conftest import CONFIDENTIAL_POSTAL, CONFIDENTIAL_STREET

SECRETS = (CONFIDENTIAL_STREET, CONFIDENTIAL_POSTAL, "34.05", "-118.25", "Site 1<", "Site 1\n", ">Site 1")


@pytest.fixture
def shelter(make_service, make_organization):
    owner = make_organization("Casa Segura")
    return make_service(owner, name="Casa Segura Night Shelter", confidential=True, address=CONFIDENTIAL_STREET,
                        postal_code=CONFIDENTIAL_POSTAL, city="Port Alder", phone="+14155550123",
                        open_24_7=True, languages=["es"], capacity=(2, 9))


def pages_for(client, service):
    return [
        client.get("/directory/"),
        client.get("/directory/", query_string={"q": "casa"}),
        client.get("/directory/", query_string={"language": "es", "open_now": "1"}),
        client.get(f"/directory/services/{service.id}"),
        client.get("/api/directory/services"),
        client.get("/api/directory/services", query_string={"q": "night shelter"}),
        client.get(f"/api/directory/services/{service.id}"),
    ]


@pytest.mark.parametrize("role", [Role.MEMBER, Role.COORDINATOR, Role.ADMIN])
def test_outsiders_see_city_and_phone_never_the_address(client, login, make_user, shelter, role):
    login(make_user(role))
    for response in pages_for(client, shelter):
        body = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "Port Alder" in body and "5550123" in body
        for secret in SECRETS:
            assert secret not in body, (response.request.path, secret)


def test_api_leaves_the_hidden_fields_empty(client, login, member, shelter):
    login(member)
    location = client.get(f"/api/directory/services/{shelter.id}").get_json()["location"]
    assert location == {"name": "", "city": "Port Alder", "state_province": "CA", "country": "US",
                        "confidential": True, "address_1": None, "postal_code": None, "latitude": None,
                        "longitude": None}


def test_a_coordinator_of_another_organization_edits_without_seeing_or_erasing_the_address(
        client, login, make_user, shelter):
    login(make_user(Role.COORDINATOR))
    form = client.get(f"/directory/services/{shelter.id}/edit")
    assert form.status_code == 200
    for secret in SECRETS:
        assert secret not in form.get_data(as_text=True)
    response = client.post(f"/directory/services/{shelter.id}/edit", data={
        "version": shelter.version, "name": "Casa Segura Night Shelter", "categories": "emergency_shelter",
        "languages": "es", "open_24_7": "y", "phone": "+14155550123", "city": "Port Alder", "country": "US",
        "address_1": "", "postal_code": ""})
    assert response.status_code == 302
    from taskforce.extensions import db
    db.session.refresh(shelter)
    assert shelter.location.address_1 == CONFIDENTIAL_STREET and shelter.location.is_confidential
    # A conflict page for this outsider shows no address either.
    stale = client.post(f"/directory/services/{shelter.id}/edit", data={
        "version": 1, "name": "Another", "categories": "emergency_shelter", "city": "Port Alder"})
    assert stale.status_code == 409
    for secret in SECRETS:
        assert secret not in stale.get_data(as_text=True)


def test_the_owning_organizations_members_see_the_address(client, login, make_user, shelter):
    login(make_user(Role.MEMBER, organization=shelter.organization))
    assert CONFIDENTIAL_STREET in client.get(f"/directory/services/{shelter.id}").get_data(as_text=True)
    assert CONFIDENTIAL_STREET in client.get(f"/directory/services/{shelter.id}/edit").get_data(as_text=True)
    assert client.get(f"/api/directory/services/{shelter.id}").get_json()["location"]["address_1"] == CONFIDENTIAL_STREET


def test_live_capacity_event_carries_no_address(client, login, make_user, shelter):
    from taskforce.directory.capacity import capacity_event
    assert set(capacity_event(shelter)) == {"service_id", "available", "total", "updated_at"}


def test_open_sites_show_their_address_to_everyone(client, login, member, make_service):
    service = make_service(name="Open Clinic", address="77 Public Plaza")
    login(member)
    assert "77 Public Plaza" in client.get(f"/directory/services/{service.id}").get_data(as_text=True)


WARMED_PATHS = (
    ("/directory/", {"q": "casa"}),
    ("/directory/", {"q": "night shelter", "near": "94601", "sort": "nearest"}),
    ("/directory/", {"language": "es", "open_now": "1"}),
    ("/directory/", {"category": "emergency_shelter", "gender": "female", "serves": "adults", "open_now": "1"}),
    ("/api/directory/services", {"q": "casa"}),
    ("/api/directory/services", {"language": "es", "open_now": "1", "per_page": 5}),
)


def test_caches_an_insider_warmed_never_hand_the_address_to_an_outsider(app, client, login, make_user, shelter):
    """The search keeps statements, shown values and rendered cards across requests and members: after the
    shelter's own member ran each search (twice, so every cache holds it) and saw the address (the API) and
    the distance to the site (the card), an outsider running the same searches in the same process gets the
    city and phone only — no address, no distance to measure it by."""
    from tests.conftest import CsrfClient
    login(make_user(Role.MEMBER, organization=shelter.organization))
    for path, query in WARMED_PATHS * 2:
        response = client.get(path, query_string=query)
        body = response.get_data(as_text=True)
        assert response.status_code == 200 and "Port Alder" in body, (path, query)
        if path.startswith("/api/"):
            assert CONFIDENTIAL_STREET in body and CONFIDENTIAL_POSTAL in body, (path, query)
        if "near" in query:
            assert 'class="distance"' in body
    outsider = CsrfClient(app.test_client())
    login(make_user(Role.MEMBER), the_client=outsider)
    for path, query in WARMED_PATHS:
        response = outsider.get(path, query_string=query)
        body = response.get_data(as_text=True)
        assert response.status_code == 200 and "Port Alder" in body, (path, query)
        assert 'class="distance"' not in body, (path, query)
        for secret in SECRETS:
            assert secret not in body, (path, query, secret)
