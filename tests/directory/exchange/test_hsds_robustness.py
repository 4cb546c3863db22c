"""HSDS uploads that once made a 500 or slipped past the limits: damaged zips, many zips, NaN/Infinity,
control characters (PostgreSQL refuses NUL), odd time zones. Each is a clear 400 or a located problem, and
nothing of the refused part is written."""
import io
import json
import uuid
import zipfile

import pytest
from sqlalchemy import func, select

from taskforce.directory.exchange import hsds_read
from taskforce.directory.models import Service
from taskforce.extensions import db

MB = 1024 * 1024


def service(**overrides) -> dict:
    obj = {"id": str(uuid.uuid4()), "name": "Crisis line", "status": "active",
           "organization": {"id": "0f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a", "name": "Bridge Advocates",
                            "description": "Advocacy"}}
    obj.update(overrides)
    return obj


def post(client, files):
    return client.post("/directory/exchange/hsds",
                       data={"files": [(io.BytesIO(content), name) for name, content in files]},
                       content_type="multipart/form-data", headers={"Accept": "application/json"})


def zipped(members: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def services_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Service))


@pytest.fixture
def signed_in(client, login, coordinator):
    login(coordinator)
    return client


def test_a_zip_with_a_bad_checksum_is_a_clear_400(signed_in):
    content = json.dumps([service()]).encode()
    archive = bytearray(zipped({"service.json": content}, zipfile.ZIP_STORED))
    at = archive.index(b"Crisis line")
    archive[at] = ord("K")  # the stored bytes no longer match the CRC in the header
    response = post(signed_in, [("hsds.zip", bytes(archive))])
    assert response.status_code == 400
    assert "cannot be unpacked" in response.get_json()["error"]
    assert services_count() == 0


def test_many_zips_cannot_add_up_past_the_batch_limit(signed_in):
    filler = b"[" + b" " * (16 * MB) + b"]"  # 16 MB unpacked, a few KB packed: four of them pass each per-file check
    zips = [(f"part{i}.zip", zipped({f"service{i}.json": filler})) for i in range(4)]
    assert sum(len(z) for _, z in zips) < MB
    response = post(signed_in, zips + [("service.json", json.dumps([service()]).encode())])
    assert response.status_code == 400
    assert f"the limit is {hsds_read.MAX_BATCH_BYTES // MB} MB per import" in response.get_json()["error"]
    assert services_count() == 0


def test_many_zips_cannot_add_up_past_the_file_count(signed_in):
    zips = [(f"part{i}.zip", zipped({f"service{i}-{j}.json": b"[]" for j in range(hsds_read.MAX_FILES_IN_ZIP)}))
            for i in range(3)]
    response = post(signed_in, zips)
    assert response.status_code == 400
    assert f"at most {hsds_read.MAX_FILES_IN_BATCH} JSON files" in response.get_json()["error"]


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_nan_and_infinity_are_not_json_numbers(signed_in, number):
    text = json.dumps([service(minimum_age=1)]).replace('"minimum_age": 1', f'"minimum_age": {number}')
    response = post(signed_in, [("service.json", text.encode())])
    assert response.status_code == 400
    assert "is not valid JSON" in response.get_json()["error"]
    assert services_count() == 0


@pytest.mark.parametrize("field, value", [
    ("name", "Crisis\x00line"), ("description", "Beds\x07tonight"), ("description", "broken \ud800 text"),
    ("eligibility_description", "\x1b[31m"),
])
def test_control_characters_in_text_are_a_located_problem(signed_in, field, value):
    good = service(name="Good line")
    bad = service(**{field: value})
    response = post(signed_in, [("service.json", json.dumps([good, bad]).encode())])
    assert response.status_code == 200
    problems = response.get_json()["problems"]
    assert [(p["path"], "control characters" in p["reason"]) for p in problems] == [(f"$[1].{field}", True)]
    db.session.expire_all()
    assert db.session.scalars(select(Service.name)).all() == ["Good line"]


def test_control_characters_in_an_organization_name_are_a_located_problem(signed_in):
    bad = service(organization={"id": str(uuid.uuid4()), "name": "Bridge\x00Advocates", "description": "x"})
    response = post(signed_in, [("service.json", json.dumps([bad]).encode())])
    assert [p["path"] for p in response.get_json()["problems"]] == ["$[0].organization.name"]
    assert services_count() == 0


def test_control_characters_in_a_phone_or_an_address_are_a_located_problem(signed_in):
    phone = service(phones=[{"id": str(uuid.uuid4()), "number": "555\x000100"}])
    location = {"id": str(uuid.uuid4()), "location_type": "physical",
                "addresses": [{"id": str(uuid.uuid4()), "address_1": "1 Main\x00St", "city": "Harbor City",
                               "state_province": "CA", "postal_code": "94601", "country": "US",
                               "address_type": "physical"}]}
    sited = service(service_at_locations=[{"id": str(uuid.uuid4()), "location": location}])
    response = post(signed_in, [("service.json", json.dumps([phone, sited]).encode())])
    paths = sorted(p["path"] for p in response.get_json()["problems"])
    assert paths == ["$[0].phones[0].number", "$[1].service_at_locations[0].location.addresses[0].address_1"]
    assert services_count() == 0


@pytest.mark.parametrize("zone", ["x" * 5000, "Europe/\x00Paris", 42, ["UTC"]])
def test_an_odd_time_zone_is_a_located_problem(signed_in, zone):
    response = post(signed_in, [("service.json", json.dumps([service(taskforce_timezone=zone)]).encode())])
    assert response.status_code == 200
    assert [p["path"] for p in response.get_json()["problems"]] == ["$[0].taskforce_timezone"]
    assert services_count() == 0


def test_the_cli_refuses_a_batch_over_the_limit_before_reading_it(app, tmp_path, monkeypatch):
    monkeypatch.setattr(hsds_read, "MAX_BATCH_BYTES", 1024)
    for i in range(3):
        (tmp_path / f"service{i}.json").write_text(json.dumps([service(description="x" * 500)]))
    result = app.test_cli_runner().invoke(args=["directory", "import-hsds", str(tmp_path)])
    assert result.exit_code == 1 and "nothing was imported" in result.output and "per import" in result.output
    assert services_count() == 0
