"""Referral counts come in through the form, the directory's "Log a referral" button and their rules:
bad input is a clear error with nothing written; another organization's records are refused."""
from concurrent.futures import ThreadPoolExecutor

import pytest

from taskforce.extensions import db
from taskforce.network import services
from taskforce.network.models import Partnership, Referral
from taskforce.network.suppression import Figure, cell, total
from tests.conftest import flashed_text
from tests.network.conftest import month_text, referral_rows


def form(orgs, **changes):
    values = {"to_organization_id": str(orgs["ngo"].id), "category": "emergency_shelter", "month": "", "count": "3",
              "accepted": "2", "declined_no_capacity": "1", "completed": "1", "notes": ""}
    values.update(changes)
    return values


def test_member_records_a_month_of_referrals_through_the_form(client, login, police_member, orgs, this_month):
    login(police_member)
    response = client.post("/network/referrals/new", data=form(orgs, month=month_text(this_month)))
    assert response.status_code == 302
    [row] = referral_rows()
    assert (row.from_organization_id, row.to_organization_id, row.count, row.accepted, row.declined_no_capacity,
            row.month) == (orgs["police"].id, orgs["ngo"].id, 3, 2, 1, this_month)
    assert row.source == "form"


@pytest.mark.parametrize("changes,field,words", [
    ({"to_organization_id": "SELF"}, "to_organization_id", "does not refer to itself"),
    ({"count": "-2"}, "count", "cannot be negative"),
    ({"count": "2", "accepted": "2", "declined_no_capacity": "1"}, "accepted", "more than the 2 referred"),
    ({"month": "2999-01"}, "month", "has not happened yet"),
    ({"month": "2026-13"}, "month", "YYYY-MM"),
    ({"to_organization_id": "99999"}, "to_organization_id", "No such organization"),
    ({"category": "spa_day"}, "category", "Choose a service category"),
    ({"count": "three"}, "count", "whole number"),
    ({"notes": "Call Maria Gonzalez at 206-555-0143"}, "notes", "must not identify anyone"),
    ({"completed": "3", "accepted": "2"}, "completed", "cannot exceed accepted"),
    ({"to_service_id": "99999999999999999999"}, "to_service_id", "No such service"),
    ({"to_service_id": "abc"}, "to_service_id", "No such service"),
])
def test_bad_input_re_renders_the_form_with_the_error_and_writes_nothing(client, login, police_member, orgs,
                                                                          this_month, changes, field, words):
    login(police_member)
    if changes.get("to_organization_id") == "SELF":
        changes = {**changes, "to_organization_id": str(orgs["police"].id)}
    values = form(orgs, **{"month": month_text(this_month), **changes})
    response = client.post("/network/referrals/new", data=values)
    assert response.status_code == 400
    page = flashed_text(response)
    assert words in page
    assert f'id="{field}-error"' in page
    assert referral_rows() == []
    if values["notes"] and "\x00" not in values["notes"]:
        assert "Maria Gonzalez at 206-555-0143" in page  # the input is kept for correction


def test_a_nul_byte_is_refused_before_the_form_and_nothing_is_written(client, login, police_member, orgs,
                                                                    this_month):
    """No browser types a NUL: the app-wide input guard refuses it on every write before any view runs."""
    login(police_member)
    response = client.post("/network/referrals/new", data=form(orgs, month=month_text(this_month), notes="bad\x00byte"))
    assert response.status_code == 400
    assert "cannot contain the NUL character" in response.get_data(as_text=True)
    assert referral_rows() == []


def test_every_error_is_shown_at_once(client, login, police_member, orgs):
    login(police_member)
    response = client.post("/network/referrals/new", data=form(orgs, month="2999-01", count="-1", category="x"))
    page = flashed_text(response)
    assert response.status_code == 400
    assert 'id="month-error"' in page and 'id="count-error"' in page and 'id="category-error"' in page


def test_anonymizer_findings_are_named(app, police_member, orgs, this_month):
    with pytest.raises(services.ValidationError) as refused:
        services.record_referral(police_member, form(orgs, month=month_text(this_month),
                                                     notes="Referred Maria Gonzalez, phone 206-555-0143"))
    assert "PHONE" in refused.value.details["errors"]["notes"]
    assert referral_rows() == []


def test_a_member_cannot_record_another_organizations_referrals(client, login, police_member, orgs, this_month):
    login(police_member)
    response = client.post("/network/referrals/new",
                           data=form(orgs, month=month_text(this_month), from_organization_id=str(orgs["clinic"].id)))
    assert response.status_code == 403
    assert referral_rows() == []


def test_a_coordinator_records_for_any_organization(app, network_coordinator, orgs, this_month):
    referral = services.record_referral(network_coordinator, form(orgs, month=month_text(this_month),
                                                                  from_organization_id=str(orgs["clinic"].id)))
    assert referral.from_organization_id == orgs["clinic"].id


def test_another_organizations_record_cannot_be_removed_or_seen(client, login, clinic_member, orgs, add_referral):
    record = add_referral(orgs["police"], orgs["ngo"], 4)
    login(clinic_member)
    response = client.post(f"/network/referrals/{record.id}/delete", data={})
    assert response.status_code == 404
    assert len(referral_rows()) == 1


def test_log_a_referral_button_on_the_directory_page_adds_one_to_this_months_count(
        client, login, police_member, orgs, make_service, this_month):
    shelter = make_service(orgs["ngo"], "Night Shelter", categories=("emergency_shelter",))
    login(police_member)
    page = client.get(f"/directory/services/{shelter.id}").get_data(as_text=True)
    assert f'action="/network/log/{shelter.id}"' in page and "Log a referral" in page
    for _ in range(3):
        assert client.post(f"/network/log/{shelter.id}", data={}).status_code == 302
    [row] = referral_rows()
    assert (row.count, row.month, row.to_service_id, row.category, row.from_organization_id) == \
        (3, this_month, shelter.id, "emergency_shelter", orgs["police"].id)


def test_log_a_referral_needs_the_csrf_token_and_refuses_own_services(client, login, police_member, orgs, make_service):
    own = make_service(orgs["police"], "Victim liaison")
    login(police_member)
    assert "Log a referral" not in client.get(f"/directory/services/{own.id}").get_data(as_text=True)
    assert client.post(f"/network/log/{own.id}", data={}).status_code == 400
    other = make_service(orgs["ngo"], "Shelter")
    assert client.post(f"/network/log/{other.id}", data={}, csrf=False).status_code == 400
    assert client.post("/network/log/999999", data={}).status_code == 404
    assert referral_rows() == []


def test_simultaneous_presses_all_count(app, police_member, orgs, make_service):
    shelter = make_service(orgs["ngo"], "Shelter")
    services.log_service_referral(police_member, shelter.id)  # the first press makes the row
    user_id, service_id = police_member.id, shelter.id

    def press(_):
        with app.app_context():
            from taskforce.auth.models import User
            services.log_service_referral(db.session.get(User, user_id), service_id)
            db.session.remove()
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(press, range(12)))
    db.session.expire_all()
    assert sum(r.count for r in referral_rows()) == 13


def test_partnership_rules(app, police_member, network_coordinator, orgs):
    with pytest.raises(services.ValidationError) as refused:
        services.record_partnership(network_coordinator, {"organization_a_id": orgs["ngo"].id,
                                                          "organization_b_id": orgs["ngo"].id, "kind": "mou",
                                                          "starts_on": "2026-02-01", "ends_on": "2026-01-01"})
    assert set(refused.value.details["errors"]) == {"organization_b_id", "ends_on"}
    with pytest.raises(services.PermissionDenied):
        services.record_partnership(police_member, {"organization_a_id": orgs["ngo"].id,
                                                    "organization_b_id": orgs["legal"].id, "kind": "mou",
                                                    "starts_on": "2026-01-01"})
    assert db.session.query(Partnership).count() == 0
    services.record_partnership(police_member, {"organization_b_id": orgs["ngo"].id, "kind": "data_sharing",
                                                "starts_on": "2026-01-01"})
    assert db.session.query(Partnership).one().organization_a_id == orgs["police"].id


def test_suppression_rule():
    assert cell(0, exact=False) == Figure(0, 0)
    assert cell(3, exact=False).shown() == "1–4"
    assert cell(5, exact=False).shown() == 5
    assert cell(3, exact=True).shown() == 3
    assert total([3, 7, 1], exact=False).shown() == "9–15"
    assert total([3, 7, 1], exact=True).shown() == 11


def test_nothing_is_partial_when_the_database_refuses(app, police_member, orgs, this_month, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("audit store down")
    monkeypatch.setattr(services.audit, "record", broken)
    with pytest.raises(RuntimeError):
        services.record_referral(police_member, form(orgs, month=month_text(this_month)))
    db.session.rollback()
    assert db.session.query(Referral).count() == 0
