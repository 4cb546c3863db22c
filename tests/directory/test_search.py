"""Finding services through the page and the JSON API: each filter, ranking, paging, bad parameters."""
from datetime import timedelta

import pytest

from taskforce.dbtypes import utcnow
from taskforce.directory import search
from tests.directory.conftest import names

API = "/api/directory/services"


@pytest.fixture
def signed_in(client, login, member):
    login(member)
    return client


def test_directory_needs_sign_in(client):
    assert client.get("/directory/").status_code == 302
    assert client.get(API).status_code == 401


def test_name_matches_rank_above_organization_and_description(signed_in, make_service, make_organization):
    make_service(name="Legal Clinic", description="We can refer clients to a shelter nearby.")
    make_service(make_organization("Shelter Partners Network"), name="Counseling Program")
    make_service(name="Harbor Shelter")
    make_service(name="Food Pantry", description="Groceries.")
    assert names(signed_in.get(API, query_string={"q": "shelter"})) == [
        "Harbor Shelter", "Counseling Program", "Legal Clinic"]


def test_search_matches_prefixes_accents_and_needs_every_word(signed_in, make_service):
    make_service(name="Clínica Médica Harbor", description="Forensic exams")
    make_service(name="Harbor Shelter", description="Beds for women")
    assert names(signed_in.get(API, query_string={"q": "clinica"})) == ["Clínica Médica Harbor"]
    assert names(signed_in.get(API, query_string={"q": "foren"})) == ["Clínica Médica Harbor"]
    assert names(signed_in.get(API, query_string={"q": "harbor women"})) == ["Harbor Shelter"]
    assert names(signed_in.get(API, query_string={"q": "harbor zebra"})) == []


def test_renamed_service_is_found_by_its_new_name(signed_in, make_service, login, make_user):
    service = make_service(name="Old Name House")
    service.name = "Lighthouse Refuge"
    from taskforce.extensions import db
    db.session.commit()
    assert names(signed_in.get(API, query_string={"q": "lighthouse"})) == ["Lighthouse Refuge"]
    assert names(signed_in.get(API, query_string={"q": "old"})) == []


@pytest.mark.parametrize("params, expected", [
    ({"category": "legal_aid"}, {"Legal"}),
    ({"language": "es"}, {"Shelter ES", "Youth"}),
    ({"always_open": "1"}, {"Shelter ES"}),
    ({"serves": "minors"}, {"Youth", "Legal", "Clinic"}),
    ({"serves": "adults"}, {"Shelter ES", "Legal", "Clinic"}),
    ({"has_capacity": "1"}, {"Shelter ES"}),
    ({"gender": "male"}, {"Youth", "Legal", "Clinic"}),
    ({"gender": "female"}, {"Shelter ES", "Youth", "Legal", "Clinic"}),
    ({"gender": "transgender"}, {"Legal", "Clinic"}),
    ({"trafficking": "labor"}, {"Legal", "Clinic", "Youth"}),
    ({"area": "riverside"}, {"Clinic"}),
    ({"language": "es", "category": "emergency_shelter", "gender": "female", "serves": "adults"}, {"Shelter ES"}),
])
def test_each_filter(signed_in, make_service, params, expected):
    make_service(name="Shelter ES", categories=["emergency_shelter"], languages=["es", "en"], open_24_7=True,
                 min_age=18, genders="female", trafficking_types="sex", capacity=(3, 10))
    make_service(name="Youth", categories=["youth_shelter"], languages=["es"], min_age=12, max_age=17,
                 genders="male,female,nonbinary", trafficking_types="both", capacity=(0, 6))
    make_service(name="Legal", categories=["legal_aid"], languages=["en"])
    make_service(name="Clinic", categories=["medical_care"], languages=["vi"], trafficking_types="labor",
                 service_area="Riverside County")
    make_service(name="Gone", categories=["legal_aid"], status="defunct")
    assert set(names(signed_in.get(API, query_string=params))) == expected


def test_open_now_filter_agrees_with_the_pure_rule(signed_in, make_service):
    now = utcnow()
    wd_la, clock_la = search.local_clock("America/Los_Angeles", now)
    wd_tokyo, _ = search.local_clock("Asia/Tokyo", now)
    make_service(name="All day LA", hours=[(wd_la, "00:00", "24:00")])
    make_service(name="All day Tokyo", timezone="Asia/Tokyo", hours=[(wd_tokyo, "00:00", "24:00")])
    make_service(name="Other day", hours=[((wd_la + 3) % 7, "00:00", "24:00")])
    make_service(name="Round the clock", open_24_7=True)
    make_service(name="No hours")
    expected = {"All day LA", "All day Tokyo", "Round the clock"}
    if clock_la < "23:58":  # an interval from yesterday 23:59 running overnight until today 23:58
        make_service(name="Overnight", hours=[((wd_la - 1) % 7, "23:59", "23:58")])
        expected.add("Overnight")
    response = signed_in.get(API, query_string={"open_now": "1", "per_page": 100})
    assert set(names(response)) == expected
    everything = signed_in.get(API, query_string={"per_page": 100}).get_json()["services"]
    assert {s["name"] for s in everything if s["open_now"]} == expected


def test_paging_returns_25_and_the_total(signed_in, make_service):
    for number in range(30):
        make_service(name=f"Shelter {number:02d}")
    first = signed_in.get(API, query_string={"q": "shelter"}).get_json()
    second = signed_in.get(API, query_string={"q": "shelter", "page": 2}).get_json()
    assert first["total"] == second["total"] == 30
    assert len(first["services"]) == 25 and len(second["services"]) == 5
    assert not {s["id"] for s in first["services"]} & {s["id"] for s in second["services"]}
    assert signed_in.get(API, query_string={"page": 3}).get_json()["services"] == []
    page = signed_in.get("/directory/", query_string={"q": "shelter", "page": 2}).get_data(as_text=True)
    assert "Page 2 of 2" in page and "Shelter 29" in page


@pytest.mark.parametrize("params", [
    {"category": "spa"}, {"language": "klingon"}, {"page": "0"}, {"page": "x"}, {"page": "99999"},
    {"q": "x" * 201}, {"gender": "robots"}, {"serves": "everyone"}, {"per_page": "1000"}, {"trafficking": "organ"},
])
def test_bad_parameters_are_a_clear_400_from_the_api_and_a_note_on_the_page(signed_in, make_service, params):
    make_service(name="Harbor Shelter")
    response = signed_in.get(API, query_string=params)
    assert response.status_code == 400 and response.get_json()["error"]
    page = signed_in.get("/directory/", query_string=params)
    assert page.status_code == 200  # an old bookmark or a hand-edited link still shows results
    html = page.get_data(as_text=True)
    assert "Harbor Shelter" in html
    assert ("That filter was left out." in html) is ("per_page" not in params)


def test_an_unknown_filter_is_left_out_and_the_others_kept(signed_in, make_service):
    make_service(name="Casa Luz", languages=["es"])
    make_service(name="Harbor Shelter", languages=["en"])
    html = signed_in.get("/directory/", query_string={"category": "spa", "language": "es"}).get_data(as_text=True)
    assert "Unknown category: choose one from the list. That filter was left out." in html
    assert "Casa Luz" in html and "Harbor Shelter" not in html


def test_result_cards_are_usable_on_a_phone(signed_in, make_service):
    service = make_service(name="Casa Luz", languages=["es"], open_24_7=True, capacity=(2, 8), city="Millbrook",
                           last_verified_at=utcnow() - timedelta(days=120))
    page = signed_in.get("/directory/", query_string={"language": "es"}).get_data(as_text=True)
    assert 'href="tel:+12135550142"' in page and "(213) 555-0142" in page
    assert "Millbrook" in page and "Open 24/7" in page and "Spanish" in page
    assert f'data-capacity-for="{service.id}"' in page and "Not verified for 90+ days" in page
    # The quick chips keep the chosen language: one more tap finds a shelter for a woman open now.
    assert "language=es" in page.split("Shelter for a woman")[0].rsplit("<a", 1)[1]


def test_empty_directory_says_what_to_do(signed_in):
    page = signed_in.get("/directory/").get_data(as_text=True)
    assert "The directory is empty" in page and "Add a service" in page


def test_the_filter_form_shows_the_chosen_filters(signed_in):
    """A shared or reloaded search shows what it filters by: each select has its choice, and only it, selected."""
    page = signed_in.get("/directory/", query_string={
        "category": "legal_aid", "gender": "female", "serves": "adults", "trafficking": "labor",
        "language": "es"}).get_data(as_text=True)
    for name, value in (("category", "legal_aid"), ("gender", "female"), ("serves", "adults"),
                        ("trafficking", "labor"), ("language", "es")):
        select = page.split(f'name="{name}"', 1)[1].split("</select>", 1)[0]
        assert f'<option value="{value}" selected>' in select
        assert select.count(" selected") == 1
    assert page.split('name="language"', 1)[1].count('<option value="es"') == 1  # common group only
    plain = signed_in.get("/directory/").get_data(as_text=True)
    assert " selected>" not in plain.split('role="search"', 1)[1].split("</form>", 1)[0]


def test_cards_say_until_when_a_service_is_open_or_when_it_opens(signed_in, make_service):
    """Served page: the card reads the service's hours against the viewer's now (Los Angeles time)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo
    local = datetime.now(ZoneInfo("America/Los_Angeles"))
    day = local.weekday()
    make_service(name="Open Till Late", hours=[(day, "00:00", "23:59")])  # 23:59 → "11:59 pm"
    make_service(name="Opens Tomorrow", hours=[((day + 1) % 7, "09:00", "17:00")])
    page = signed_in.get("/directory/").get_data(as_text=True)
    if local.strftime("%H:%M") < "23:58":
        assert "Open until 11:59 pm" in page
    assert "Closed now · opens tomorrow 9 am" in page


@pytest.mark.parametrize("path", ["/directory/", API])
def test_open_now_follows_the_clock_from_one_request_to_the_next(signed_in, make_service, monkeypatch, path):
    """"Open now" searches are kept between requests with the clock as a parameter: the same search an hour
    later answers for that hour, on the page and in the API (a day clinic 09:00–17:00 in Los Angeles)."""
    from datetime import datetime, timezone

    from taskforce.directory import api, views
    make_service(name="Day Clinic", hours=[(day, "09:00", "17:00") for day in range(7)])
    make_service(name="Night Desk", hours=[(day, "20:00", "08:00") for day in range(7)])
    for hour_utc, open_one in ((18, "Day Clinic"), (5, "Night Desk"), (19, "Day Clinic"), (6, "Night Desk")):
        now = datetime(2026, 3, 4, hour_utc, 30, tzinfo=timezone.utc)  # 10:30 / 21:30 / 11:30 / 22:30 in LA
        for module in (api, views):
            monkeypatch.setattr(module, "utcnow", lambda now=now: now)
        body = signed_in.get(path, query_string={"open_now": "1"})
        text = body.get_data(as_text=True)
        assert body.status_code == 200 and open_one in text, (hour_utc, open_one)
        assert ({"Day Clinic", "Night Desk"} - {open_one}).pop() not in text, hour_utc
