"""Creating and editing services: who may, optimistic locking (409 with both versions), bad input."""
import pytest
from sqlalchemy import func, select

from taskforce.audit import AuditEvent
from taskforce.auth.models import Role
from taskforce.directory.models import Service
from taskforce.extensions import db

FORM = {"name": "Harbor Night Shelter", "description": "Beds for adult women.", "categories": "emergency_shelter",
        "languages": ["es", "en"], "phone": "213-555-0142", "website": "https://harbor.example.org",
        "hours_0": "18:00-08:00", "min_age": "18", "city": "Harbor City", "address_1": "1 Dock Rd",
        "timezone": "America/Los_Angeles", "country": "US", "genders": "female", "status": "active"}


def reload(service) -> Service:
    db.session.expire_all()
    return db.session.get(Service, service.id)


def test_member_adds_a_service_for_their_organization(client, login, member):
    login(member)
    response = client.post("/directory/services/new", data=FORM)
    assert response.status_code == 302
    service = db.session.scalar(select(Service).where(Service.name == "Harbor Night Shelter"))
    assert service.organization_id == member.organization_id
    assert service.phone == "+12135550142" and service.language_codes == ["en", "es"]
    assert [(h.weekday, h.opens_at, h.closes_at) for h in service.hours] == [(0, "18:00", "08:00")]
    assert service.last_verified_at is not None
    assert client.get(response.headers["Location"]).status_code == 200
    assert "directory.service_created" in db.session.scalars(select(AuditEvent.action)).all()


def test_member_cannot_add_a_service_for_another_organization(client, login, member, make_organization):
    other = make_organization("Elsewhere")
    login(member)
    response = client.post("/directory/services/new", data={**FORM, "organization_id": str(other.id)})
    assert response.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Service)) == 0


def test_member_of_another_organization_gets_403_and_nothing_changes(client, login, make_user, make_service):
    service = make_service(name="Original Name")
    login(make_user(Role.MEMBER))
    assert client.get(f"/directory/services/{service.id}/edit").status_code == 403
    response = client.post(f"/directory/services/{service.id}/edit", data={**FORM, "version": service.version})
    assert response.status_code == 403
    assert client.post(f"/directory/services/{service.id}/capacity", data={"available": 1, "total": 2}).status_code == 403
    assert client.post(f"/directory/services/{service.id}/verify").status_code == 403
    fresh = reload(service)
    assert fresh.name == "Original Name" and fresh.version == 1 and fresh.capacity_total is None


def test_owner_member_and_any_coordinator_can_edit(client, login, make_user, make_service):
    service = make_service(name="Original Name")
    login(make_user(Role.MEMBER, organization=service.organization))
    assert client.post(f"/directory/services/{service.id}/edit", data={**FORM, "version": 1}).status_code == 302
    assert reload(service).name == "Harbor Night Shelter" and reload(service).version == 2
    client.post("/auth/logout")
    login(make_user(Role.COORDINATOR))
    response = client.post(f"/directory/services/{service.id}/edit", data={**FORM, "name": "Renamed", "version": 2})
    assert response.status_code == 302 and reload(service).name == "Renamed"


def test_concurrent_edit_gets_409_with_both_versions_and_nothing_is_overwritten(
        client, login, make_user, make_service):
    service = make_service(name="Shared Shelter")
    editor = make_user(Role.MEMBER, organization=service.organization)
    login(editor)
    first = client.post(f"/directory/services/{service.id}/edit", data={**FORM, "name": "First Save", "version": 1})
    assert first.status_code == 302
    second = client.post(f"/directory/services/{service.id}/edit",
                         data={**FORM, "name": "Second Save", "hours_0": "09:00-17:00", "version": 1})
    assert second.status_code == 409
    page = second.get_data(as_text=True)
    assert "Second Save" in page and "First Save" in page and "Your version" in page and "Current version" in page
    fresh = reload(service)
    assert fresh.name == "First Save" and fresh.version == 2
    assert [(h.opens_at, h.closes_at) for h in fresh.hours] == [("18:00", "08:00")]


def test_hours_only_edit_still_bumps_the_version(client, login, make_user, make_service):
    service = make_service(name="Harbor Night Shelter")
    login(make_user(Role.MEMBER, organization=service.organization))
    client.post(f"/directory/services/{service.id}/edit", data={**FORM, "version": 1})
    client.post(f"/directory/services/{service.id}/edit", data={**FORM, "hours_2": "10:00-11:00", "version": 2})
    assert reload(service).version == 3


def test_stale_data_error_from_a_racing_writer_becomes_a_conflict(app, make_user, make_service):
    """Two editors load version 1; the second commit fails at the database and raises EditConflict."""
    from taskforce.directory import services
    service = make_service(name="Race")
    editor = make_user(Role.MEMBER, organization=service.organization)
    fields = {**FORM, "categories": ["emergency_shelter"], "genders": ["female"]}
    other_engine_session = db.session.get(Service, service.id)  # loaded at version 1 in this session
    with db.engine.begin() as racing_writer:  # another request commits between our read and our write
        racing_writer.execute(Service.__table__.update().where(Service.__table__.c.id == service.id)
                              .values(version=2, name="Written elsewhere"))
    with pytest.raises(services.EditConflict) as conflict:
        services.update_service(editor, service.id, other_engine_session.version, fields)
    assert conflict.value.current["name"] == "Written elsewhere"
    assert reload(service).name == "Written elsewhere"


@pytest.mark.parametrize("changes, field_text", [
    ({"name": ""}, "Name is required"),
    ({"phone": "call me maybe"}, "phone number"),
    ({"website": "javascript:alert(1)"}, "http"),
    ({"languages": ["zz"]}, "ISO 639-1"),
    ({"categories": "not_a_category"}, "not one of the choices"),
    ({"hours_0": "9am-5pm"}, "HH:MM"),
    ({"min_age": "200"}, "between 0 and 120"),
    ({"min_age": "40", "max_age": "20"}, "minimum age is above"),
    ({"description": "x" * 20_000}, "longer than"),
    ({"email": "nope"}, "email"),
])
def test_bad_input_is_a_clear_400_and_nothing_is_written(client, login, make_user, make_service, changes, field_text):
    service = make_service(name="Keep Me")
    login(make_user(Role.MEMBER, organization=service.organization))
    response = client.post(f"/directory/services/{service.id}/edit", data={**FORM, **changes, "version": 1})
    assert response.status_code == 400
    assert field_text.lower() in response.get_data(as_text=True).lower()
    fresh = reload(service)
    assert fresh.name == "Keep Me" and fresh.version == 1


def test_edit_without_csrf_or_version_is_refused(client, login, make_user, make_service):
    service = make_service(name="Keep Me")
    login(make_user(Role.MEMBER, organization=service.organization))
    assert client.post(f"/directory/services/{service.id}/edit", data={**FORM, "version": 1}, csrf=False).status_code == 400
    assert client.post(f"/directory/services/{service.id}/edit", data=FORM).status_code == 400
    assert reload(service).name == "Keep Me"


def test_unknown_service_is_404(client, login, member):
    login(member)
    assert client.get("/directory/services/999999").status_code == 404
    assert client.get("/api/directory/services/999999").status_code == 404
    assert client.post("/directory/services/999999/capacity", json={"available": 1, "total": 1}).status_code == 404


def _conflict_rows(page: str) -> dict[str, tuple[bool, str]]:
    """Field label → (marked changed, row text) from the conflict page's table."""
    import re
    rows = {}
    for css, label, cells in re.findall(r'<tr class="(\w*)">\s*<th scope="row">([^<]+)</th>(.*?)</tr>', page, re.S):
        rows[label.strip()] = (css == "differs", re.sub(r"<[^>]+>", "|", cells))
    return rows


def test_conflict_page_compares_lists_as_sets_and_shows_labels_not_codes(client, login, make_user, make_service):
    service = make_service(name="Shared Shelter")
    login(make_user(Role.MEMBER, organization=service.organization))
    saved = {**FORM, "categories": ["emergency_shelter", "legal_aid"], "languages": ["en", "es"], "open_24_7": "y"}
    assert client.post(f"/directory/services/{service.id}/edit", data={**saved, "version": 1}).status_code == 302
    late = {**saved, "categories": ["legal_aid", "emergency_shelter"], "languages": ["es", "en"], "name": "Late"}
    response = client.post(f"/directory/services/{service.id}/edit", data={**late, "version": 1})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    rows = _conflict_rows(page)
    assert rows["Service name"][0] is True
    assert rows["Categories"][0] is False and rows["Languages spoken (ISO 639-1)"][0] is False
    assert "English, Spanish" in rows["Languages spoken (ISO 639-1)"][1]
    assert "Emergency shelter" in rows["Categories"][1] or "emergency shelter" in rows["Categories"][1].lower()
    assert "emergency_shelter" not in page and "True" not in page and "False" not in page
    assert rows["Open 24 hours, 7 days"] == (False, rows["Open 24 hours, 7 days"][1])
    assert "Yes" in rows["Open 24 hours, 7 days"][1]


def test_every_mistake_of_the_service_form_is_shown_at_once_with_the_input_kept(client, login, member):
    login(member)
    response = client.post("/directory/services/new", data={
        **FORM, "name": "", "categories": [], "phone": "call me maybe", "website": "javascript:alert(1)",
        "hours_1": "whenever", "min_age": "40", "max_age": "18", "description": "Kept description text",
        "hours_3": "9" * 90})  # too long for the form's own Length check: the directory's checks still run
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    errors = page.count('class="field-error"')
    assert errors >= 7, page
    for words in ("Name is required", "at least one category", "phone number", "http", "minimum age is above",
                  "Tuesday"[:3]):
        assert words.lower() in page.lower(), words
    assert "Kept description text" in page and 'value="call me maybe"' in page and 'value="whenever"' in page
    assert db.session.scalar(select(func.count()).select_from(Service)) == 0
