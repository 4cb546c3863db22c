"""Imports never hand another organization's service or confidential site to the importer (security review).

Any member can download the HSDS zip, which names every site by its id. A coordinator of ANOTHER organization
must not be able to upload a record with that id that makes the site public, rewrites its hidden address,
moves the service (or site) into their own organization, or seats their own service at it. The web refuses
such records (reported with file, path and reason; nothing of them written); the owning organization's own
members may change their own entries; the CLI runs as the operator and may (documented in `exchange.cli`).
"""
import io
import json
import uuid

import pytest
from sqlalchemy import func, select

from taskforce.auth.models import Role
from taskforce.directory.models import Location, Service
from taskforce.extensions import db
from tests.directory.conftest import CONFIDENTIAL_POSTAL, CONFIDENTIAL_STREET
from tests.directory.exchange.exchange_helpers import unzip

SECRETS = (CONFIDENTIAL_STREET, CONFIDENTIAL_POSTAL)


@pytest.fixture
def victim(make_service, make_organization):
    owner = make_organization("Casa Segura")
    return make_service(owner, name="Casa Segura Night Shelter", confidential=True, address=CONFIDENTIAL_STREET,
                        postal_code=CONFIDENTIAL_POSTAL, city="Port Alder")


@pytest.fixture
def outsider(make_user, make_organization):
    return make_user(Role.COORDINATOR, organization=make_organization("Northside Outreach"))


def upload(client, *files):
    response = client.post("/directory/exchange/hsds",
                           data={"files": [(io.BytesIO(json.dumps(content).encode()), name) for name, content in files]},
                           content_type="multipart/form-data", headers={"Accept": "application/json"})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_json()


def downloaded(client) -> dict:
    response = client.get("/directory/exchange/hsds.zip")
    assert response.status_code == 200
    return unzip(response.data)


def location_row(victim) -> Location:
    db.session.expire_all()
    return db.session.get(Location, victim.location_id)


def assert_address_still_hidden(client, victim):
    location = location_row(victim)
    assert location.is_confidential and location.address_1 == CONFIDENTIAL_STREET
    assert location.postal_code == CONFIDENTIAL_POSTAL and location.latitude == 34.05
    service = db.session.get(Service, victim.id)
    assert service.organization_id == victim.organization_id and service.location_id == victim.location_id
    for url in (f"/directory/services/{victim.id}", f"/api/directory/services/{victim.id}", "/directory/"):
        body = client.get(url).get_data(as_text=True)
        for secret in SECRETS:
            assert secret not in body, (url, secret)


def test_an_empty_attribute_list_does_not_make_another_organizations_site_public(client, login, outsider, victim):
    login(outsider)
    exported = downloaded(client)
    location_id = exported["service_at_location.json"][0]["location_id"]
    assert location_id == victim.location.uuid  # the export names the site: the attack needs nothing more

    report = upload(client, ("location.json", [{"id": location_id, "location_type": "physical", "attributes": []}]))
    assert report["problems"] == [{"file": "location.json", "path": "$[0]", "reason": report["problems"][0]["reason"]}]
    assert "confidential site of another organization" in report["problems"][0]["reason"]
    assert_address_still_hidden(client, victim)


def test_a_new_street_for_another_organizations_confidential_site_is_refused(client, login, outsider, victim):
    login(outsider)
    record = {"id": victim.location.uuid, "location_type": "physical",
              "addresses": [{"id": str(uuid.uuid4()), "address_1": "1 Decoy Road", "city": "Port Alder",
                             "state_province": "CA", "postal_code": "90001", "country": "US",
                             "address_type": "physical"}]}
    report = upload(client, ("location.json", [record]))
    assert "change its street address" in report["problems"][0]["reason"]
    assert_address_still_hidden(client, victim)


def test_a_nested_organization_does_not_move_the_service_into_the_importers_organization(
        client, login, outsider, victim):
    login(outsider)
    exported = downloaded(client)
    service = next(s for s in exported["service.json"] if s["id"] == victim.uuid)
    own = {"id": str(uuid.uuid4()), "name": "Northside Outreach", "description": "Outreach"}
    service.update(organization=own, organization_id=own["id"])
    for link in service["service_at_locations"]:
        link["location"]["organization_id"] = own["id"]

    report = upload(client, ("service.json", [service]))
    reasons = " | ".join(p["reason"] for p in report["problems"])
    assert "only its own members can move it" in reasons
    assert all(p["file"] == "service.json" and p["path"].startswith("$[0]") for p in report["problems"])
    assert report["services"] == {"created": 0, "updated": 0, "unchanged": 0}
    assert_address_still_hidden(client, victim)


def test_the_importers_own_service_cannot_be_seated_at_another_organizations_site(client, login, outsider, victim):
    login(outsider)
    own = {"id": str(uuid.uuid4()), "name": "Northside Outreach", "description": "Outreach"}
    record = {"id": str(uuid.uuid4()), "name": "Our shelter", "status": "active", "organization": own,
              "service_at_locations": [{"id": str(uuid.uuid4()), "location_id": victim.location.uuid}]}
    report = upload(client, ("service.json", [record]))
    assert "a site of another organization" in report["problems"][0]["reason"]
    assert db.session.scalar(select(func.count()).select_from(Service)) == 1
    assert_address_still_hidden(client, victim)


def test_an_outsider_reimporting_the_download_changes_nothing_and_is_not_refused(client, login, outsider, victim):
    login(outsider)
    exported = downloaded(client)
    report = upload(client, *exported.items())
    assert report["problems"] == []
    assert report["services"] == {"created": 0, "updated": 0, "unchanged": 1}
    assert_address_still_hidden(client, victim)


def test_the_owning_organizations_coordinator_may_make_its_own_site_public(client, login, make_user, victim):
    login(make_user(Role.COORDINATOR, organization=victim.organization))
    report = upload(client, ("location.json", [{"id": victim.location.uuid, "location_type": "physical",
                                                "attributes": []}]))
    assert report["problems"] == [] and report["locations"]["updated"] == 1
    assert not location_row(victim).is_confidential


def test_the_cli_runs_as_the_operator_and_may_change_a_confidential_site(app, victim, tmp_path):
    (tmp_path / "location.json").write_text(json.dumps(
        [{"id": victim.location.uuid, "location_type": "physical", "attributes": []}]))
    result = app.test_cli_runner().invoke(args=["directory", "import-hsds", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert not location_row(victim).is_confidential


def test_a_service_seated_at_another_organizations_site_does_not_show_that_sites_address(
        client, login, make_user, make_organization, make_service, victim):
    """Defence in depth: even if a link across organizations exists, the address stays with the site's owner."""
    other = make_organization("Northside Outreach")
    borrowed = make_service(other, name="Borrowed site")
    borrowed.location_id = victim.location_id
    db.session.commit()
    login(make_user(Role.MEMBER, organization=other))
    body = client.get(f"/directory/services/{borrowed.id}").get_data(as_text=True)
    assert "Port Alder" in body and CONFIDENTIAL_STREET not in body
