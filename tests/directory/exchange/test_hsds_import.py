"""HSDS 3.0 import: our own export and the official examples, record-level errors, idempotence, limits."""
import json
import resource
import time

from sqlalchemy import func, select

from taskforce.auth.models import Organization, Role, Sector
from taskforce.cli import seed_demo_data
from taskforce.directory.exchange import hsds_exchange
from taskforce.directory.models import Location, Service
from taskforce.extensions import db
from tests.directory.conftest import CONFIDENTIAL_STREET
from tests.directory.exchange.exchange_helpers import EXAMPLES, example_files, needs_shared_hsds

EXAMPLE_SERVICE = "ac148810-d857-441c-9679-408f346de14b"
EXAMPLE_ORGANIZATION = "Example Organization Inc."


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def service_json(**overrides) -> dict:
    obj = {"id": "5b0e4a8e-6d3c-4e0f-9a1b-2c3d4e5f6a7b", "name": "Crisis line", "status": "active",
           "organization": {"id": "0f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a", "name": "Bridge Advocates",
                            "description": "Advocacy"},
           "phones": [{"id": "1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d", "number": "+1 213 555 0199"}]}
    obj.update(overrides)
    return obj


@needs_shared_hsds
def test_cli_imports_the_official_examples_once(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["directory", "import-hsds", str(EXAMPLES)])
    assert result.exit_code == 0, result.output
    service = db.session.scalar(select(Service).where(Service.uuid == EXAMPLE_SERVICE))
    assert service.name == "Community Counselling" and service.min_age == 12 and service.language_codes == ["ur"]
    assert [(h.weekday, h.opens_at, h.closes_at) for h in service.hours] == [(3, "10:00", "18:00"), (4, "10:00", "18:00")]
    assert service.location.city == "MyCity" and service.location.latitude is None  # 100/101 is off the globe
    organization = service.organization
    assert organization.name == EXAMPLE_ORGANIZATION and organization.sector is Sector.OTHER
    assert organization.vetted_at is None
    version = service.version

    again = runner.invoke(args=["directory", "import-hsds", str(EXAMPLES)])
    assert again.exit_code == 0, again.output
    assert "services: 0 created, 0 updated, 1 unchanged" in again.output
    db.session.expire_all()
    assert (count(Service), count(Location), count(Organization)) == (1, 1, 1)
    assert db.session.scalar(select(Service.version).where(Service.uuid == EXAMPLE_SERVICE)) == version


@needs_shared_hsds
def test_each_official_example_file_is_accepted_alone(app, coordinator):
    for name, content in example_files():
        report = hsds_exchange.import_hsds(coordinator, [(name, content)])
        assert report["problems"] == [], name


def test_our_export_reimports_without_changes_and_keeps_the_hidden_street(app, make_service, tmp_path):
    shelter = make_service(name="Safe house beds", confidential=True, address=CONFIDENTIAL_STREET,
                           open_24_7=True, genders="female,transgender", trafficking_types="sex")
    make_service(name="Legal clinic", hours=[(0, "09:00", "17:00")], languages=("es", "vi"))
    hsds_exchange.export_hsds(None, tmp_path)
    versions = dict(db.session.execute(select(Service.uuid, Service.version)).all())
    files = [(p.name, p.read_bytes()) for p in sorted(tmp_path.glob("*.json"))]
    report = hsds_exchange.import_hsds(None, files)
    assert report["problems"] == []
    assert report["services"] == {"created": 0, "updated": 0, "unchanged": 2}
    db.session.expire_all()
    assert dict(db.session.execute(select(Service.uuid, Service.version)).all()) == versions
    location = db.session.get(Location, shelter.location_id)
    assert location.address_1 == CONFIDENTIAL_STREET and location.is_confidential and location.name == "Site 1"


def test_our_export_fills_an_empty_directory_identically(app, make_service, tmp_path):
    make_service(name="Night shelter", open_24_7=True, min_age=18, genders="female", service_area="Harbor County",
                 email="intake@example.org", website="https://example.org", description="Beds tonight.")
    hsds_exchange.export_hsds(None, tmp_path)
    before = _snapshot()
    for model in (Service, Location):
        for row in db.session.scalars(select(model)).all():
            db.session.delete(row)
    db.session.commit()
    hsds_exchange.import_hsds(None, [(p.name, p.read_bytes()) for p in tmp_path.glob("*.json")])
    db.session.expire_all()
    assert _snapshot() == before


def _snapshot():
    service = db.session.scalars(select(Service)).one()
    return (service.uuid, service.name, service.description, service.open_24_7, service.min_age, service.genders,
            service.service_area, service.email, service.website, service.phone, service.category_slugs,
            service.language_codes, service.location.uuid, service.location.city, service.organization_id)


def test_invalid_records_are_reported_with_path_and_reason_and_valid_ones_imported(app, coordinator):
    records = [
        service_json(),
        service_json(id="not-a-uuid"),
        service_json(id="6b0e4a8e-6d3c-4e0f-9a1b-2c3d4e5f6a7b", name=5),
        {"id": "7b0e4a8e-6d3c-4e0f-9a1b-2c3d4e5f6a7b", "name": "No status"},
        service_json(id="8b0e4a8e-6d3c-4e0f-9a1b-2c3d4e5f6a7b", minimum_age=40, maximum_age=20),
        service_json(id="9b0e4a8e-6d3c-4e0f-9a1b-2c3d4e5f6a7b", phones=[{"id": "1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6e"}]),
        "just text",
    ]
    report = hsds_exchange.import_hsds(coordinator, [("service.json", json.dumps(records).encode())])
    where = {(p["path"], p["reason"]) for p in report["problems"]}
    assert ("$[1].id", '"not-a-uuid" is not a valid uuid') in where
    assert ("$[2].name", "5 should be of type string") in where
    assert ("$[3]", "'status' is required") in where
    assert ("$[4].minimum_age", "is above maximum_age") in where
    assert ("$[5].phones[0]", "'number' is required") in where
    assert ("$[6]", "each record must be a JSON object") in where
    assert all(p["file"] == "service.json" for p in report["problems"])
    assert db.session.scalars(select(Service.name)).all() == ["Crisis line"]
    assert report["services"]["created"] == 1


def test_a_record_with_one_bad_nested_part_is_not_imported_at_all(app, coordinator):
    bad_location = {"id": "e94c9f38-1e8f-4564-91d4-d53501ab1765", "location": {"id": "3a19ff88-4620-4d17-9830-ac1d859eb5d5"}}
    record = service_json(service_at_locations=[bad_location])
    report = hsds_exchange.import_hsds(coordinator, [("service.json", json.dumps([record]).encode())])
    assert report["problems"][0]["path"] == "$[0].service_at_locations[0].location"
    assert "location_type" in report["problems"][0]["reason"]
    assert (count(Service), count(Location), count(Organization)) == (0, 0, 1)  # the coordinator's own


def test_unknown_organization_reference_is_reported(app, coordinator):
    record = service_json(organization_id="0a8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a")
    del record["organization"]
    report = hsds_exchange.import_hsds(coordinator, [("service.json", json.dumps(record).encode())])
    assert report["problems"][0]["path"] == "$"
    assert "organization" in report["problems"][0]["reason"]
    assert count(Service) == 0


def test_known_organization_is_matched_by_name_and_left_unchanged(app, coordinator, make_organization):
    existing = make_organization("Bridge Advocates", sector=Sector.VICTIM_SERVICES_NGO)
    hsds_exchange.import_hsds(coordinator, [("service.json", json.dumps([service_json()]).encode())])
    service = db.session.scalars(select(Service)).one()
    assert service.organization_id == existing.id
    db.session.refresh(existing)
    assert existing.sector is Sector.VICTIM_SERVICES_NGO


def test_broken_files_stop_everything_before_any_write(app, coordinator, make_service):
    make_service(name="Already here")
    good = ("service.json", json.dumps([service_json()]).encode())
    broken = [("service.json", b'[{"id": "x", '), ("service.json", "[{\"name\": \"Caf\u00e9\"}]".encode("latin-1")),
              ("service.zip", b"PK\x03\x04 not really a zip")]
    messages = []
    for bad in broken:
        try:
            hsds_exchange.import_hsds(coordinator, [good, bad])
        except Exception as error:  # noqa: BLE001
            messages.append(str(error))
    assert "is not valid JSON" in messages[0] and "line 1" in messages[0]
    assert "is not UTF-8" in messages[1]
    assert "not a readable zip" in messages[2]
    assert db.session.scalars(select(Service.name)).all() == ["Already here"]


def test_a_50_mb_upload_is_refused_quickly_with_a_clear_message(app, client, login, coordinator):
    login(coordinator)
    filler = json.dumps([service_json(description="x" * 1000)] * 40_000).encode()
    assert 50 * 1024 * 1024 <= len(filler) < app.config["MAX_UPLOAD_LENGTH"] - 1024
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    response = client.post("/directory/exchange/hsds", data={"files": (__import__("io").BytesIO(filler), "service.json")},
                           content_type="multipart/form-data", headers={"Accept": "application/json"})
    elapsed = time.perf_counter() - started
    assert response.status_code == 400
    assert "the limit is 20 MB per file" in response.get_json()["error"]
    assert elapsed < 10
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 300  # the upload is read once; it is never parsed
    assert count(Service) == 0


def test_only_coordinators_import(app, client, login, member):
    login(member)
    response = client.post("/directory/exchange/hsds", data={"files": (__import__("io").BytesIO(b"[]"), "service.json")},
                           content_type="multipart/form-data")
    assert response.status_code == 403


@needs_shared_hsds
def test_coordinator_uploads_a_zip_and_sees_the_report(app, client, login, coordinator):
    import io
    import zipfile
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in example_files():
            archive.writestr(name, content)
    login(coordinator)
    response = client.post("/directory/exchange/hsds", data={"files": (io.BytesIO(buffer.getvalue()), "hsds.zip")},
                           content_type="multipart/form-data")
    assert response.status_code == 200
    assert "1 created" in response.get_data(as_text=True)
    assert db.session.scalar(select(Service.name).where(Service.uuid == EXAMPLE_SERVICE)) == "Community Counselling"


def test_members_cannot_import_through_the_service_either(app, make_user):
    member = make_user(Role.MEMBER)
    try:
        hsds_exchange.import_hsds(member, [("service.json", b"[]")])
    except Exception as error:  # noqa: BLE001
        assert "coordinators" in str(error)
    else:
        raise AssertionError("a member imported")


def test_the_demo_directory_export_reimports_with_no_problems(app, tmp_path):
    """The app's own export must come back in: demo emails like intake1@u.s..example.org were refused."""
    seed_demo_data(7, "demo-password-1")
    hsds_exchange.export_hsds(None, tmp_path)
    report = hsds_exchange.import_hsds(None, [(p.name, p.read_bytes()) for p in sorted(tmp_path.glob("*.json"))])
    assert report["problems"] == []
    assert report["services"]["created"] == 0 and report["services"]["unchanged"] == count(Service)
