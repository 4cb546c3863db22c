"""Spreadsheet import: pure row checks, then upload → preview → confirm → progress → services, idempotent."""
import io
import time

import pytest
from sqlalchemy import func, select

from taskforce.auth.models import Organization, Role
from taskforce.directory.exchange import csv_import
from taskforce.directory.exchange.models import DirectoryImportJob
from taskforce.directory.models import Service
from taskforce.errors import ValidationError
from taskforce.extensions import db
from tests.conftest import CsrfClient

HEADER = ("organization,name,description,categories,languages,phone,email,website,address_1,city,state,"
          "postal_code,confidential,min_age,max_age,genders,open_24_7,hours,capacity_total\n")
GOOD = ('Harbor Shelter Network,Emergency beds,Beds tonight,Emergency shelter;case_management,en;Spanish,'
        '+1 213 555 0142,intake@example.org,example.org,12 Hidden Lane,Harbor City,CA,94601,yes,18,,female,no,'
        '"mon-fri 09:00-17:00; sat 10:00-14:00",12\n')


def parse(text: str, **limits):
    return csv_import.parse(text.encode("utf-8"), **limits)


def test_a_good_row_becomes_a_directory_record():
    result = parse(HEADER + GOOD)
    assert result.errors == []
    _number, record = result.records[0]
    assert record["organization_name"] == "Harbor Shelter Network"
    assert record["categories"] == ["emergency_shelter", "case_management"]
    assert record["languages"] == ["en", "es"] and record["phone"] == "+12135550142"
    assert record["website"] == "https://example.org" and record["capacity_total"] == 12
    assert record["hours"] == [(d, "09:00", "17:00") for d in range(5)] + [(5, "10:00", "14:00")]
    assert record["location"]["is_confidential"] is True and record["location"]["address_1"] == "12 Hidden Lane"


def test_hours_forms():
    assert csv_import.parse_hours("24/7") == ([], True)
    assert csv_import.parse_hours("sat-sun 22:00-06:00")[0] == [(5, "22:00", "06:00"), (6, "22:00", "06:00")]
    assert csv_import.parse_hours("weekdays 08:00-12:00, 13:00-17:00")[0][:2] == [(0, "08:00", "12:00"), (0, "13:00", "17:00")]
    with pytest.raises(ValidationError, match="should start with days"):
        csv_import.parse_hours("someday 9-5")


def test_each_bad_row_is_reported_with_its_row_and_column():
    rows = [GOOD,
            "Harbor Shelter Network,,x,hotline,,,,,,,,,,,,,,,\n",
            "Harbor Shelter Network,Hotline,x,teleportation,,,,,,,,,,,,,,,\n",
            "Harbor Shelter Network,Clinic,x,medical_care,,not a phone,,,,,,,,,,,,,\n",
            "Harbor Shelter Network,Youth,x,youth_shelter,,,,,,,,,,30,12,,,,\n",
            "Harbor Shelter Network,Late,x,hotline,,,,,,,,,,,,,,whenever,\n",
            "Harbor Shelter Network,Emergency beds,x,hotline,,,,,,,,,,,,,,,\n"]
    result = parse(HEADER + "".join(rows))
    found = {(e["row"], e["column"]) for e in result.errors}
    assert found == {(3, "name"), (4, "categories"), (5, "phone"), (6, "min_age"), (7, "hours"), (8, "name")}
    assert "row 2" in next(e["reason"] for e in result.errors if e["row"] == 8)
    assert [n for n, _r in result.records] == [2]


def test_unusable_files_are_refused_whole():
    for content, words in ((b"", "empty"), ("organization,name\nCaf\u00e9,x\n".encode("cp1252"), "CSV UTF-8"),
                           (b"name,city\nx,y\n", "organization"), (b"organization,name\n" + b"a,b\n" * 11, "more than 10")):
        with pytest.raises(csv_import.CsvRejected, match=words):
            csv_import.parse(content, max_rows=10)
    with pytest.raises(csv_import.CsvRejected, match="the limit is 1 MB"):
        csv_import.parse(HEADER.encode() + b"x" * (2 * 1024 * 1024), max_bytes=1024 * 1024)


def test_semicolon_separated_files_from_european_spreadsheets():
    result = parse("organization;name;categories\nHarbor;Hotline;hotline\n")
    assert result.errors == [] and result.records[0][1]["name"] == "Hotline"


def wait_for(client, job_id, seconds=90):  # generous: the CI machine is shared
    deadline = time.time() + seconds
    while time.time() < deadline:
        status = client.get(f"/directory/exchange/jobs/{job_id}").get_json()
        if status["status"] in ("done", "failed"):
            return status
        time.sleep(0.1)
    raise AssertionError(f"the import did not finish: {status}")


def upload(client, text: str):
    return client.post("/directory/exchange/csv", data={"file": (io.BytesIO(text.encode()), "services.csv")},
                       content_type="multipart/form-data")


def test_coordinator_previews_confirms_and_watches_the_progress(app, client, login, coordinator):
    many = "".join(f"Harbor Shelter Network,Service {i},x,hotline,,,,,,Harbor City,CA,,,,,,,,\n" for i in range(450))
    login(coordinator)
    response = upload(client, HEADER + GOOD + "Harbor Shelter Network,,x,hotline,,,,,,,,,,,,,,,\n" + many)
    assert response.status_code == 302
    job_id = int(response.headers["Location"].split("/jobs/")[1].split("/")[0])
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "451" in page and "Row" in page and "Name is required." in page
    assert db.session.scalar(select(func.count()).select_from(Service)) == 0  # nothing before the confirmation

    started = client.post(f"/directory/exchange/jobs/{job_id}/start", data={}, headers={"Accept": "application/json"})
    assert started.status_code == 202
    status = wait_for(client, job_id)
    assert status == {**status, "status": "done", "total": 451, "done": 451, "created": 451, "percent": 100}
    beds = db.session.scalar(select(Service).where(Service.name == "Emergency beds"))
    assert beds.location.is_confidential and beds.capacity_total == 12 and len(beds.hours) == 6
    assert db.session.scalar(select(Organization).where(Organization.name == "Harbor Shelter Network")).vetted_at is None

    again = client.post(f"/directory/exchange/jobs/{job_id}/start", data={}, headers={"Accept": "application/json"})
    assert again.status_code == 400  # a job runs once

    second = upload(client, HEADER + GOOD + many)
    second_id = int(second.headers["Location"].split("/jobs/")[1].split("/")[0])
    client.post(f"/directory/exchange/jobs/{second_id}/start", data={}, headers={"Accept": "application/json"})
    status = wait_for(client, second_id)
    assert (status["created"], status["updated"]) == (0, 0)
    assert db.session.scalar(select(func.count()).select_from(Service)) == 451


def test_members_cannot_upload_and_others_cannot_see_a_job(app, client, login, coordinator, make_user):
    login(make_user(Role.MEMBER))
    assert upload(client, HEADER + GOOD).status_code == 403
    job = DirectoryImportJob(kind="csv", status="previewed", created_by_id=coordinator.id, total=0)
    db.session.add(job)
    db.session.commit()
    assert client.get(f"/directory/exchange/jobs/{job.id}").status_code == 404
    other = CsrfClient(app.test_client())
    login(make_user(Role.COORDINATOR), the_client=other)
    assert other.get(f"/directory/exchange/jobs/{job.id}").status_code == 404
    assert other.post(f"/directory/exchange/jobs/{job.id}/start", data={}).status_code == 404
    db.session.refresh(job)
    assert job.status == "previewed"


def test_a_non_utf8_upload_gets_a_clear_page_and_writes_nothing(app, client, login, coordinator):
    login(coordinator)
    response = client.post("/directory/exchange/csv",
                           data={"file": (io.BytesIO("organization,name\nCaf\u00e9,x\n".encode("cp1252")), "s.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert "CSV UTF-8" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(DirectoryImportJob)) == 0
