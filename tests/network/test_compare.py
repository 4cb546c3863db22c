"""Comparing two periods through the paths a user takes: GET /api/network/compare, the /network/compare page and
its CSV. The same rules as the map: coordinators exact; a member exact only where their organization is an end of
a link, small monthly cells "1–4" elsewhere — and a difference never makes a hidden cell exact."""
import csv
import io

import pytest

from taskforce.extensions import db
from taskforce.network.reading import months_back
from tests.network.conftest import month_text


def api(client, first, second, **extra):
    query = {"start_a": month_text(first[0]), "end_a": month_text(first[1]), "start_b": month_text(second[0]),
             "end_b": month_text(second[1]), **extra}
    return client.get("/api/network/compare", query_string=query)


def by_link(body, orgs):
    ids = {o.id: key for key, o in orgs.items()}
    return {(ids[e["source"]], ids[e["target"]]): (e["status"], e["before"], e["after"], e["change"]) for e in body["edges"]}


@pytest.fixture
def two_periods(orgs, add_referral, this_month):
    """Period A is three months ago, period B this month."""
    earlier = months_back(this_month, 3)
    add_referral(orgs["police"], orgs["ngo"], 9, month=earlier)   # shrinks to 3
    add_referral(orgs["police"], orgs["ngo"], 3)
    add_referral(orgs["social"], orgs["clinic"], 6, month=earlier)  # vanishes
    add_referral(orgs["ngo"], orgs["legal"], 7)                     # appears
    add_referral(orgs["clinic"], orgs["ngo"], 6, month=earlier)     # grows to 12
    add_referral(orgs["clinic"], orgs["ngo"], 12)
    add_referral(orgs["legal"], orgs["clinic"], 2, month=earlier)   # two hidden cells: 2 then 3
    add_referral(orgs["legal"], orgs["clinic"], 3)
    return (earlier, earlier), (this_month, this_month)


def test_coordinator_sees_every_change_exactly(client, login, orgs, two_periods, network_coordinator):
    login(network_coordinator)
    body = api(client, *two_periods).get_json()
    assert by_link(body, orgs) == {("police", "ngo"): ("shrank", 9, 3, -6), ("social", "clinic"): ("vanished", 6, 0, -6),
                                   ("ngo", "legal"): ("appeared", 0, 7, 7), ("clinic", "ngo"): ("grew", 6, 12, 6),
                                   ("legal", "clinic"): ("grew", 2, 3, 1)}
    assert body["counts"] == {"appeared": 1, "vanished": 1, "grew": 2, "shrank": 1, "unclear": 0, "unchanged": 0}
    assert [e["status"] for e in body["edges"]] == ["appeared", "vanished", "grew", "grew", "shrank"]
    assert body["detail"] == "full"
    social = next(o for o in body["organizations"] if o["id"] == orgs["social"].id)
    assert social["status"] == "vanished" and social["lost_partners"] == ["Valley Clinic"]
    legal = next(o for o in body["organizations"] if o["id"] == orgs["legal"].id)
    assert legal["new_partners"] == ["Bridge NGO"] and legal["lost_partners"] == []


def test_member_sees_exact_changes_only_on_their_own_links_and_hidden_cells_stay_hidden(
        client, login, orgs, two_periods, police_member, clinic_member):
    login(police_member)
    body = api(client, *two_periods).get_json()
    seen = by_link(body, orgs)
    assert seen[("police", "ngo")] == ("shrank", 9, 3, -6)             # their own link: exact
    assert seen[("legal", "clinic")] == ("unclear", "1–4", "1–4", "−3 to +3")  # 2 → 3, both hidden: no "grew", no +1
    assert seen[("clinic", "ngo")] == ("grew", 6, 12, 6)               # not small cells: exact for everyone
    assert body["detail"] == "member" and body["counts"]["unclear"] == 1
    text = client.get("/network/compare", query_string=_query(*two_periods)).get_data(as_text=True)
    assert "−3 to +3" in text and "Unclear" in text
    client.post("/auth/logout", data={})
    login(clinic_member)  # the clinic is an end of legal → clinic: it sees its own hidden-to-others cells exactly
    assert by_link(api(client, *two_periods).get_json(), orgs)[("legal", "clinic")] == ("grew", 2, 3, 1)


def test_overlapping_periods_cannot_subtract_a_hidden_month_back_out(client, login, orgs, add_referral, this_month,
                                                                     police_member, network_coordinator):
    """A = two months (7, then a hidden 2), B = the second month only: the exact difference would be the 7 and
    reveal the 2; a member gets ranges that contain it and nothing narrower."""
    earlier = months_back(this_month, 1)
    add_referral(orgs["ngo"], orgs["legal"], 7, month=earlier)
    add_referral(orgs["ngo"], orgs["legal"], 2)
    periods = ((earlier, this_month), (this_month, this_month))
    login(police_member)
    edge = api(client, *periods).get_json()["edges"][0]
    assert (edge["status"], edge["before"], edge["after"], edge["change"]) == ("shrank", "8–11", "1–4", "−10 to −4")
    assert (edge["change_low"], edge["change_high"], edge["exact"]) == (-10, -4, False)
    rows = list(csv.reader(io.StringIO(client.get("/network/compare.csv", query_string=_query(*periods))
                                       .data.decode("utf-8-sig"))))
    assert rows[1][:6] == ["Bridge NGO", "Lantern Legal", "shrank", "8–11", "1–4", "−10 to −4"]
    assert not any(cell in ("2", "9", "-7") for cell in rows[1])
    client.post("/auth/logout", data={})
    login(network_coordinator)
    edge = api(client, *periods).get_json()["edges"][0]
    assert (edge["before"], edge["after"], edge["change"]) == (9, 2, -7)


def _query(first, second):
    return {"start_a": month_text(first[0]), "end_a": month_text(first[1]), "start_b": month_text(second[0]),
            "end_b": month_text(second[1])}


def test_confidential_sites_never_show_and_signing_in_is_required(client, login, orgs, add_referral, make_service,
                                                                   two_periods, police_member, network_coordinator):
    hidden = make_service(orgs["ngo"], "Undisclosed Safe House", confidential=True, address="4417 Hidden Orchard Lane")
    referral = add_referral(orgs["police"], orgs["ngo"], 5)
    referral.to_service_id = hidden.id
    db.session.commit()
    assert client.get("/api/network/compare").status_code in (302, 401)
    for viewer in (police_member, network_coordinator):
        login(viewer)
        pages = [api(client, *two_periods).get_data(as_text=True),
                 client.get("/network/compare", query_string=_query(*two_periods)).get_data(as_text=True),
                 client.get("/network/compare.csv", query_string=_query(*two_periods)).data.decode("utf-8-sig")]
        for text in pages:
            assert "Harbor Police" in text and "Hidden Orchard" not in text and "Undisclosed" not in text
        client.post("/auth/logout", data={})


def test_a_new_referral_changes_the_comparison(client, login, orgs, add_referral, two_periods, network_coordinator):
    login(network_coordinator)
    assert ("legal", "ngo") not in by_link(api(client, *two_periods).get_json(), orgs)
    add_referral(orgs["legal"], orgs["ngo"], 4)
    assert by_link(api(client, *two_periods).get_json(), orgs)[("legal", "ngo")] == ("appeared", 0, 4, 4)


@pytest.mark.parametrize("query,field,words", [
    ({"start_a": "2020-05", "end_a": "2020-02"}, "end_a", "ends before it starts"),
    ({"start_b": "2999-01", "end_b": "2999-02"}, "start_b", "not happened yet"),
    ({"start_a": "2026-13"}, "start_a", "YYYY-MM"),
    ({"end_b": "next month"}, "end_b", "YYYY-MM"),
    ({"start_a": "2" * 5000}, "start_a", "YYYY-MM"),
    ({"start_a": "2020-01-99"}, "start_a", "YYYY-MM"),
    ({"start_a": "\u0662\u0660\u0662\u0660-\u0660\u0661"}, "start_a", "YYYY-MM"),
    ({"start_a": "2001-01", "end_a": "2020-12"}, "end_a", "at most 36 months"),
    ({"start_a": "1999-12", "end_a": "2000-01"}, "start_a", "before 2000"),
    ({"category": "<script>"}, "category", "Unknown service category"),
])
def test_bad_periods_are_a_400_naming_the_field(client, login, two_periods, network_coordinator, query, field, words):
    login(network_coordinator)
    response = client.get("/api/network/compare", query_string=query)
    assert response.status_code == 400
    body = response.get_json()
    assert words in body["details"]["errors"][field] and words in body["error"]
    page = client.get("/network/compare", query_string=query)
    assert page.status_code == 400
    text = page.get_data(as_text=True)
    assert words in text and f'id="compare-{field}"' in text and 'aria-invalid="true"' in text
    assert 'id="compare-table"' not in text
    assert client.get("/network/compare.csv", query_string=query).status_code == 400


def test_the_page_lists_the_links_in_a_sortable_table_and_the_map_offers_the_control(
        client, login, orgs, two_periods, network_coordinator, police_member):
    login(network_coordinator)
    text = client.get("/network/compare", query_string=_query(*two_periods)).get_data(as_text=True)
    assert 'id="compare-table"' in text and 'data-status="appeared"' in text and 'data-status="vanished"' in text
    assert "Appeared" in text and "Vanished" in text and "Download as CSV" in text
    assert "<script>" not in text and "style=" not in text  # CSP: nothing inline
    rows = list(csv.reader(io.StringIO(client.get("/network/compare.csv", query_string=_query(*two_periods))
                                       .data.decode("utf-8-sig"))))
    assert rows[0][:6] == ["from", "to", "status", "first_period", "second_period", "change"]
    assert ["Bridge NGO", "Lantern Legal", "appeared", "0", "7", "7"] == rows[1][:6]
    client.post("/auth/logout", data={})
    login(police_member)  # members have the control too (with their suppressed figures)
    page = client.get("/network/").get_data(as_text=True)
    assert 'id="compare-panel"' in page and 'name="start_a"' in page and 'id="compare-legend"' in page
    assert "js/network_compare.js" in page


def test_the_csv_keeps_an_exact_fall_a_number_and_guards_a_range(client, login, orgs, two_periods, add_referral,
                                                                 network_coordinator, police_member):
    """A spreadsheet reads "-6" as minus six; only text (names, ranges) gets the formula guard (a leading ')."""
    add_referral(orgs["social"], orgs["legal"], 1, month=two_periods[0][0])  # hidden to the police: 1–4 → 12
    add_referral(orgs["social"], orgs["legal"], 12)

    def rows(viewer):
        login(viewer)
        body = client.get("/network/compare.csv", query_string=_query(*two_periods)).data.decode("utf-8-sig")
        client.post("/auth/logout", data={})
        return {(row[0], row[1]): row[5] for row in list(csv.reader(io.StringIO(body)))[1:]}

    assert rows(network_coordinator)[("Harbor Police", "Bridge NGO")] == "-6"
    assert rows(police_member)[("County Social", "Lantern Legal")] == "'+8 to +11"


def test_without_periods_the_last_six_months_are_compared_with_the_six_before(client, login, orgs, add_referral,
                                                                              this_month, network_coordinator):
    add_referral(orgs["police"], orgs["ngo"], 6, month=months_back(this_month, 6))   # the first period's last month
    add_referral(orgs["police"], orgs["ngo"], 8, month=months_back(this_month, 5))   # the second period's first
    add_referral(orgs["ngo"], orgs["legal"], 5, month=months_back(this_month, 12))   # in neither
    login(network_coordinator)
    body = client.get("/api/network/compare").get_json()
    assert body["periods"] == {"a": {"start": month_text(months_back(this_month, 11)),
                                     "end": month_text(months_back(this_month, 6))},
                               "b": {"start": month_text(months_back(this_month, 5)), "end": month_text(this_month)},
                               "category": ""}
    assert by_link(body, orgs) == {("police", "ngo"): ("grew", 6, 8, 2)}
    page = client.get("/network/compare").get_data(as_text=True)
    assert f'value="{month_text(months_back(this_month, 11))}"' in page and "+2" in page
