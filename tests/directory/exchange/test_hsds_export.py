"""HSDS 3.0 export: the three files, valid against the official compiled schemas, confidentiality kept."""
import json

from sqlalchemy import func, select

from taskforce.auth.models import Role
from taskforce.cli import seed_demo_data
from taskforce.directory.exchange import hsds
from taskforce.directory.exchange.models import DirectoryOrganizationRef
from taskforce.directory.models import Service
from taskforce.extensions import db
from tests.directory.conftest import CONFIDENTIAL_POSTAL, CONFIDENTIAL_STREET
from tests.conftest import CsrfClient
from tests.directory.exchange.exchange_helpers import HSDS_DIR, compiled_errors, needs_shared_hsds, unzip

FILES = ("organization.json", "service.json", "service_at_location.json")


def export_with_cli(app, target) -> dict[str, list]:
    result = app.test_cli_runner().invoke(args=["directory", "export-hsds", str(target)])
    assert result.exit_code == 0, result.output
    return {name: json.loads((target / name).read_text()) for name in FILES}


@needs_shared_hsds
def test_cli_export_writes_three_arrays_valid_against_the_compiled_schemas(app, make_service, tmp_path):
    make_service(name="Night shelter", open_24_7=True, languages=("en", "es"), genders="female",
                 min_age=18, max_age=64, email="intake@example.org", website="https://example.org",
                 service_area="Harbor County")
    make_service(name="Legal clinic", categories=("legal_aid", "immigration_legal"),
                 hours=[(0, "09:00", "17:00"), (1, "09:00", "17:00"), (5, "10:00", "14:00")])
    exported = export_with_cli(app, tmp_path / "out")
    assert [len(exported[name]) for name in FILES] == [2, 2, 2]
    for name in FILES:
        assert isinstance(exported[name], list)
        assert compiled_errors(name.removesuffix(".json"), exported[name]) == []
    clinic = next(s for s in exported["service.json"] if s["name"] == "Legal clinic")
    assert {a["taxonomy_term"]["code"] for a in clinic["attributes"]} == {"legal_aid", "immigration_legal"}
    assert [(s["byday"], s["opens_at"], s["closes_at"]) for s in clinic["schedules"]] == [
        ("MO,TU", "09:00", "17:00"), ("SA", "10:00", "14:00")]
    assert clinic["service_at_locations"][0]["location"]["addresses"][0]["address_1"] == "12 Open Door Street"


@needs_shared_hsds
def test_confidential_site_leaves_without_street_postal_code_or_coordinates(app, make_service, tmp_path):
    make_service(name="Safe house beds", confidential=True, address=CONFIDENTIAL_STREET,
                 postal_code=CONFIDENTIAL_POSTAL, city="Harbor City", phone="+12135550142")
    exported = export_with_cli(app, tmp_path / "out")
    raw = "".join((tmp_path / "out" / name).read_text() for name in FILES)
    assert CONFIDENTIAL_STREET not in raw and CONFIDENTIAL_POSTAL not in raw
    assert "34.05" not in raw and "-118.25" not in raw and "Site 1" not in raw
    link = exported["service_at_location.json"][0]
    assert link["location"]["addresses"][0]["city"] == "Harbor City"
    assert link["phones"][0]["number"] == "+12135550142"
    for name in FILES:
        assert compiled_errors(name.removesuffix(".json"), exported[name]) == []


@needs_shared_hsds
def test_the_whole_demo_directory_exports_valid_hsds(app, tmp_path):
    seed_demo_data(7, "demo-password-1")
    services = db.session.scalar(select(func.count()).select_from(Service))
    assert services >= 80
    exported = export_with_cli(app, tmp_path / "out")
    assert len(exported["service.json"]) == services
    for name in FILES:
        assert compiled_errors(name.removesuffix(".json"), exported[name]) == []


def test_organization_ids_are_made_once_and_kept(app, make_service, tmp_path):
    service = make_service()
    first = export_with_cli(app, tmp_path / "one")
    second = export_with_cli(app, tmp_path / "two")
    assert first == second
    ref = db.session.scalar(select(DirectoryOrganizationRef).where(
        DirectoryOrganizationRef.organization_id == service.organization_id))
    assert first["organization.json"][0]["id"] == ref.uuid
    assert first["service.json"][0]["id"] == service.uuid


def test_any_member_downloads_the_zip_with_confidentiality_applied(app, client, login, make_user, make_service):
    shelter = make_service(name="Safe house beds", confidential=True, address=CONFIDENTIAL_STREET,
                           postal_code=CONFIDENTIAL_POSTAL)
    # even a member of the shelter's own organization gets the reduced export: files travel
    login(make_user(Role.MEMBER, organization=shelter.organization))
    response = client.get("/directory/exchange/hsds.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    files = unzip(response.data)
    assert sorted(files) == sorted(FILES)
    raw = json.dumps(files)
    assert CONFIDENTIAL_STREET not in raw and CONFIDENTIAL_POSTAL not in raw


def test_signed_out_visitors_get_no_export(client):
    response = client.get("/directory/exchange/hsds.zip")
    assert response.status_code in (302, 401)


@needs_shared_hsds
def test_vendored_object_schemas_are_the_official_ones():
    for path in sorted(hsds.SCHEMA_DIR.glob("*.json")):
        assert json.loads(path.read_text()) == json.loads((HSDS_DIR / "schema" / path.name).read_text()), path.name


def test_exchange_page_offers_download_to_members_and_imports_to_coordinators(app, client, login, member, coordinator):
    login(member)
    page = client.get("/directory/exchange/").get_data(as_text=True)
    assert "Download HSDS" in page and "Import a spreadsheet" not in page
    other = CsrfClient(app.test_client())
    login(coordinator, the_client=other)
    page = other.get("/directory/exchange/").get_data(as_text=True)
    assert "Import a spreadsheet" in page and "Import HSDS files" in page
    assert other.get("/directory/exchange/template.csv").data.startswith(b"organization,name,")


def test_the_directory_links_the_exchange_page_by_what_each_may_do_there(app, client, login, member, coordinator):
    login(member)
    page = client.get("/directory/").get_data(as_text=True)
    assert 'href="/directory/exchange/">Download (HSDS)</a>' in page and "Import or export" not in page
    other = CsrfClient(app.test_client())
    login(coordinator, the_client=other)
    assert 'href="/directory/exchange/">Import or export</a>' in other.get("/directory/").get_data(as_text=True)
