"""Search pages at scale: the count is capped ("100+"), and ranking name matches apart from the long tail
gives the same order, page after page, as ranking every match at once."""
import pytest

from taskforce.directory import finder, search
from tests.directory.conftest import names

API = "/api/directory/services"


@pytest.fixture
def signed_in(client, login, member):
    login(member)
    return client


def test_name_matches_outrank_the_rest_for_one_or_two_words_only():
    assert search.name_matches_rank_first(1) and search.name_matches_rank_first(2)
    assert not search.name_matches_rank_first(3)


def test_count_is_capped_past_the_page_and_paging_goes_on(signed_in, make_service, monkeypatch):
    monkeypatch.setattr(finder, "COUNT_STEP", 10)
    for number in range(33):
        make_service(name=f"Shelter {number:02d}")
    first = signed_in.get(API, query_string={"q": "shelter", "per_page": 5}).get_json()
    assert first["total"] == 10 and first["total_is_capped"] is True
    page = signed_in.get("/directory/", query_string={"q": "shelter"}).get_data(as_text=True)
    assert "30+ services" in page and "Page 1 of 2+" in page and 'rel="next"' in page  # counted to 10 past 25
    second = signed_in.get("/directory/", query_string={"q": "shelter", "page": 2}).get_data(as_text=True)
    assert "33 services" in second and "Page 2 of 2" in second and 'rel="next"' not in second
    last = signed_in.get(API, query_string={"q": "shelter", "per_page": 5, "page": 7}).get_json()
    assert last["total"] == 33 and last["total_is_capped"] is False
    assert [s["name"] for s in last["services"]] == ["Shelter 30", "Shelter 31", "Shelter 32"]


def test_small_results_keep_an_exact_count(signed_in, make_service):
    make_service(name="Harbor Shelter")
    body = signed_in.get(API, query_string={"q": "shelter"}).get_json()
    assert body["total"] == 1 and body["total_is_capped"] is False
    assert "1 service match" in signed_in.get("/directory/", query_string={"q": "shelter"}).get_data(as_text=True)


@pytest.mark.parametrize("query", ["shelter", "shelter women", "shelter women harbor"])
def test_pages_across_name_matches_and_the_tail_follow_one_ranking(signed_in, make_service, make_organization,
                                                                  query):
    shelter_network = make_organization("Shelter Network")
    make_service(name="Shelter Zeta", description="For women and children at the harbor.")
    make_service(name="Shelter Alpha", description="Women only, harbor district.")
    make_service(name="Women's Shelter", description="Harbor side.")
    make_service(shelter_network, name="Counseling", description="Women, harbor.")
    for letter in "EDCBA":
        make_service(name=f"Clinic {letter}", description="Shelter referrals for women near the harbor.")
    make_service(name="Legal Aid", description="Shelter referrals for men.")
    expected = [
        "Women's Shelter", "Shelter Alpha", "Shelter Zeta", "Counseling",
        "Clinic A", "Clinic B", "Clinic C", "Clinic D", "Clinic E"]
    if query == "shelter":
        expected = ["Shelter Alpha", "Shelter Zeta", "Women's Shelter", "Counseling",
                    "Clinic A", "Clinic B", "Clinic C", "Clinic D", "Clinic E", "Legal Aid"]
    whole = names(signed_in.get(API, query_string={"q": query, "per_page": 100}))
    assert whole == expected
    paged = []
    for page in range(1, 5):
        paged += names(signed_in.get(API, query_string={"q": query, "per_page": 3, "page": page}))
    assert paged == whole


def test_open_now_and_search_combine(signed_in, make_service):
    from taskforce.dbtypes import utcnow
    weekday, _ = search.local_clock("America/Los_Angeles", utcnow())
    make_service(name="Night Shelter", hours=[(weekday, "00:00", "24:00")])
    make_service(name="Day Shelter", hours=[((weekday + 2) % 7, "00:00", "24:00")])
    make_service(name="Always Shelter", open_24_7=True)
    assert names(signed_in.get(API, query_string={"q": "shelter", "open_now": "1"})) == [
        "Always Shelter", "Night Shelter"]


def test_a_full_last_page_and_a_page_past_the_end_keep_the_exact_count(signed_in, make_service):
    for number in range(6):
        make_service(name=f"Shelter {number}")
    full_last = signed_in.get(API, query_string={"q": "shelter", "per_page": 3, "page": 2}).get_json()
    assert full_last["total"] == 6 and full_last["total_is_capped"] is False and len(full_last["services"]) == 3
    past = signed_in.get(API, query_string={"q": "shelter", "per_page": 3, "page": 3}).get_json()
    assert past["services"] == [] and past["total"] == 6 and past["total_is_capped"] is False
    short = signed_in.get(API, query_string={"per_page": 10}).get_json()
    assert short["total"] == 6 and len(short["services"]) == 6


def test_each_search_binds_its_own_words(signed_in, make_service):
    """Statements are built once per shape of query; the words themselves must still come from each request."""
    make_service(name="Harbor Shelter")
    make_service(name="Valley Clinic")
    make_service(name="Ox Center")
    assert names(signed_in.get(API, query_string={"q": "shelter"})) == ["Harbor Shelter"]
    assert names(signed_in.get(API, query_string={"q": "clinic"})) == ["Valley Clinic"]
    assert names(signed_in.get(API, query_string={"q": "ox"})) == ["Ox Center"]
    assert names(signed_in.get(API, query_string={"q": "harbor shelter"})) == ["Harbor Shelter"]
    assert names(signed_in.get(API, query_string={"q": "valley clinic"})) == ["Valley Clinic"]
    assert signed_in.get(API, query_string={"q": "valley shelter"}).get_json()["total"] == 0


def test_a_page_whose_services_vanish_midway_still_gets_a_count(signed_in, make_service, monkeypatch):
    """The page's rows are read after its ids: if the services go (deleted by their organization) in
    between, the page is empty but the count is still read, not a crash."""
    from sqlalchemy import delete

    from taskforce.directory import ranking
    from taskforce.directory.models import Service
    from taskforce.extensions import db
    for number in range(4):
        make_service(name=f"Shelter {number}")
    real_ranked_page = ranking.ranked_page

    def ranked_then_deleted(*args, **kwargs):
        ids, known = real_ranked_page(*args, **kwargs)
        assert known is None  # four services named after the word fill a page of two: the count is read
        db.session.execute(delete(Service).where(Service.id.in_(ids)))
        return ids, known
    monkeypatch.setattr(ranking, "ranked_page", ranked_then_deleted)
    body = signed_in.get(API, query_string={"q": "shelter", "per_page": 2}).get_json()
    assert body["services"] == [] and body["total"] == 2 and body["total_is_capped"] is False
