"""Spreadsheet import and other organizations' confidential sites; files built to break the reader.

A row matches an existing service by organization and service name, so a coordinator of ANOTHER organization
could name a confidential shelter and write `confidential=no` with only a city. Such a row is skipped and
listed (nothing of it written); the owning organization's own coordinator may make the change.
"""
import io

import pytest
from sqlalchemy import func, select

from taskforce.auth.models import Role
from taskforce.directory.exchange.models import DirectoryImportJob
from taskforce.directory.models import Location, Service
from taskforce.extensions import db
from tests.directory.conftest import CONFIDENTIAL_POSTAL, CONFIDENTIAL_STREET
from tests.directory.exchange.test_csv_import import wait_for

HEADER = "organization,name,categories,city,state,address_1,postal_code,confidential\n"


@pytest.fixture
def victim(make_service, make_organization):
    owner = make_organization("Casa Segura")
    return make_service(owner, name="Casa Segura Night Shelter", confidential=True, address=CONFIDENTIAL_STREET,
                        postal_code=CONFIDENTIAL_POSTAL, city="Port Alder")


def run_import(client, text: str) -> dict:
    response = client.post("/directory/exchange/csv", data={"file": (io.BytesIO(text.encode()), "services.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    job_id = int(response.headers["Location"].split("/jobs/")[1].split("/")[0])
    assert client.post(f"/directory/exchange/jobs/{job_id}/start", data={},
                       headers={"Accept": "application/json"}).status_code == 202
    status = wait_for(client, job_id)
    status["page"] = client.get(f"/directory/exchange/jobs/{job_id}/view").get_data(as_text=True)
    return status


def location_of(victim) -> Location:
    db.session.expire_all()
    return db.session.get(Location, victim.location_id)


def test_an_outsiders_row_does_not_unhide_or_wipe_a_confidential_address(client, login, make_user,
                                                                          make_organization, victim):
    login(make_user(Role.COORDINATOR, organization=make_organization("Northside Outreach")))
    status = run_import(client, HEADER + "Casa Segura,Casa Segura Night Shelter,emergency_shelter,Port Alder,CA,,,no\n"
                                         "Casa Segura,Casa Segura Hotline,hotline,Port Alder,CA,,,no\n")
    assert status["status"] == "done" and status["skipped"] == 1 and status["created"] == 1
    assert "only its own members can make its address public" in status["page"]
    assert "1 skipped" in status["page"]
    location = location_of(victim)
    assert location.is_confidential and location.address_1 == CONFIDENTIAL_STREET
    assert location.postal_code == CONFIDENTIAL_POSTAL and location.latitude == 34.05
    body = client.get(f"/directory/services/{victim.id}").get_data(as_text=True)
    assert CONFIDENTIAL_STREET not in body and CONFIDENTIAL_POSTAL not in body


def test_an_outsiders_row_cannot_change_the_hidden_street_either(client, login, make_user, victim):
    login(make_user(Role.COORDINATOR))
    status = run_import(client, HEADER + "Casa Segura,Casa Segura Night Shelter,emergency_shelter,Port Alder,CA,"
                                         "1 Decoy Road,90001,yes\n")
    assert status["skipped"] == 1 and status["updated"] == 0
    assert location_of(victim).address_1 == CONFIDENTIAL_STREET


def test_an_outsiders_row_that_leaves_the_hidden_fields_blank_still_updates_the_rest(client, login, make_user,
                                                                                      victim):
    login(make_user(Role.COORDINATOR))
    status = run_import(client, HEADER + "Casa Segura,Casa Segura Night Shelter,emergency_shelter;hotline,"
                                         "Port Alder,CA,,,yes\n")
    assert status["skipped"] == 0 and status["updated"] == 1
    db.session.expire_all()
    assert db.session.get(Service, victim.id).category_slugs == ["emergency_shelter", "hotline"]
    assert location_of(victim).address_1 == CONFIDENTIAL_STREET


def test_the_owning_organizations_coordinator_may_make_the_site_public(client, login, make_user, victim):
    login(make_user(Role.COORDINATOR, organization=victim.organization))
    status = run_import(client, HEADER + "Casa Segura,Casa Segura Night Shelter,emergency_shelter,Port Alder,CA,"
                                         "2 Public Square,94601,no\n")
    assert status["skipped"] == 0 and status["updated"] == 1
    location = location_of(victim)
    assert not location.is_confidential and location.address_1 == "2 Public Square"
    assert location.latitude is None  # the old coordinates pointed at the old (hidden) address


@pytest.mark.parametrize("content, words", [
    (b"organization,name,categories\nHarbor,Hot\x00line,hotline\n", "binary data"),
    (b"organization,name,categories\nHarbor,Hotline," + b"x" * 1_100_000 + b"\n", "could not be read"),
])
def test_unreadable_spreadsheets_are_refused_whole(client, login, coordinator, content, words):
    login(coordinator)
    response = client.post("/directory/exchange/csv", data={"file": (io.BytesIO(content), "s.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 400 and words in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(DirectoryImportJob)) == 0


def test_control_characters_nan_and_huge_cells_are_row_errors(client, login, coordinator):
    login(coordinator)
    rows = ["Harbor,Good line,hotline,,",
            "Harbor,Bad\x07line,hotline,,",
            "Harbor\x1b,Other line,hotline,,",
            "Harbor,Ages,hotline,NaN,",
            "Harbor,Beds,hotline,,1e400",
            "Harbor,Long," + "x" * 900_000 + ",,"]
    response = client.post("/directory/exchange/csv", data={
        "file": (io.BytesIO(("organization,name,categories,min_age,capacity_total\n" + "\n".join(rows)).encode()),
                 "s.csv")}, content_type="multipart/form-data")
    assert response.status_code == 302
    job = db.session.scalars(select(DirectoryImportJob)).one()
    assert job.total == 1
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    for column in ("name", "organization", "min_age", "capacity_total", "categories"):
        assert f'data-label="Column">{column}<' in page, column


def test_a_binary_upload_comes_back_to_the_exchange_page_with_the_reason_beside_the_field(client, login, coordinator):
    login(coordinator)
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    response = client.post("/directory/exchange/csv", data={"file": (io.BytesIO(png), "beds.csv")},
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Back to the start page" not in page
    assert '<h1>Directory exchange</h1>' in page and 'aria-describedby="csv-file-error"' in page
    assert 'id="csv-file-error" role="alert">' in page and "CSV UTF-8" in page
    hsds = client.post("/directory/exchange/hsds", data={"files": (io.BytesIO(png), "services.json")},
                       content_type="multipart/form-data")
    page = hsds.get_data(as_text=True)
    assert hsds.status_code == 400 and 'id="hsds-files-error" role="alert">Nothing was imported' in page
    assert db.session.scalar(select(func.count()).select_from(DirectoryImportJob)) == 0
