"""Distance on the directory's cards: from a typed ZIP or the member's own organization, offline, and never
to a confidential site outside its organization."""
import re

from taskforce.directory.distance import distance_words, miles_between, place_of, zip_point
from taskforce.directory.models import Service
from taskforce.extensions import db


def test_zip_centres_and_distances():
    los_angeles, san_francisco = zip_point("90012"), zip_point("94110")
    assert los_angeles == (34.0614, -118.2385)
    assert 340 < miles_between(los_angeles, san_francisco) < 350
    assert zip_point("00000") is None and zip_point("9001") is None and zip_point("abcde") is None
    assert zip_point(None) is None
    assert [distance_words(m) for m in (0.44, 3.25, 27.4, 1234.5)] == ["0.4 mi", "3.2 mi", "27 mi", "1,234 mi"]
    assert place_of({"latitude": None, "longitude": None, "postal_code": "94110-1234", "country": "US"}) == \
        san_francisco
    assert place_of({"latitude": None, "longitude": None, "postal_code": None, "country": "US"}) is None


def _at_zip(service, postal_code):
    location = db.session.get(Service, service.id).location
    location.latitude = location.longitude = None
    location.postal_code = postal_code
    db.session.commit()


def card_distance(page: str, name: str) -> str | None:
    card = page.split(f">{name}</a>", 1)[1].split("</li>", 1)[0]
    found = re.search(r'<span class="distance">([^<]+)</span>', card)
    return found.group(1) if found else None


def test_cards_show_distance_from_the_members_organization_or_a_typed_zip(client, login, make_user, make_service,
                                                                         make_organization):
    home = make_organization("Harbor Police")
    _at_zip(make_service(home, name="Our Own Desk"), "90012")
    _at_zip(make_service(name="Mission Shelter"), "94110")
    _at_zip(make_service(name="Hidden Safe House", confidential=True), "94110")
    login(make_user(organization=home))
    page = client.get("/directory/").get_data(as_text=True)
    assert "distances from your organization" in page
    assert card_distance(page, "Mission Shelter") == "346 mi"
    assert card_distance(page, "Our Own Desk") == "0.0 mi"
    assert card_distance(page, "Hidden Safe House") is None  # no distance can locate a confidential site
    near = client.get("/directory/?near=94110").get_data(as_text=True)
    assert "distances from ZIP 94110" in near and 'name="near" value="94110"' in near
    assert card_distance(near, "Mission Shelter") == "0.0 mi" and card_distance(near, "Our Own Desk") == "346 mi"
    unknown = client.get("/directory/?near=00000").get_data(as_text=True)
    assert "is not a US ZIP code we know" in unknown and card_distance(unknown, "Mission Shelter") == "346 mi"


def test_nearest_first_orders_every_match_by_distance_across_pages(client, login, make_user, make_service,
                                                                  make_organization):
    home = make_organization("Harbor Police")
    _at_zip(make_service(home, name="Zz Home Desk"), "90012")
    far = [make_service(name=f"Aa Far {i:02d}") for i in range(26)]  # first by name, 346 mi away
    for service in far:
        _at_zip(service, "94110")
    _at_zip(make_service(name="Mm Near Clinic"), "90013")
    login(make_user(organization=home))
    by_name = client.get("/directory/").get_data(as_text=True)
    assert "Mm Near Clinic" not in by_name and 'sort=nearest' in by_name  # page 1 by name: the far ones
    page = client.get("/directory/?sort=nearest").get_data(as_text=True)
    order = re.findall(r'<h2><a href="/directory/services/\d+">([^<]+)</a>', page)
    assert order[:2] == ["Zz Home Desk", "Mm Near Clinic"] and len(order) == 25
    second = client.get("/directory/?sort=nearest&page=2").get_data(as_text=True)
    assert len(re.findall(r'<h2><a href="/directory/services/\d+">', second)) == 3
    next_link = re.search(r'rel="next" href="([^"]+)"', page).group(1)
    assert "sort=nearest" in next_link and "page=2" in next_link


def test_zip_lookups_are_the_same_from_many_threads():
    """Request threads share the ZIP table and its cache: results from 8 threads match one thread's."""
    from concurrent.futures import ThreadPoolExecutor
    codes = [f"{n:05d}" for n in range(90001, 90200)] + ["94110", "00000", "10001"]
    alone = {code: zip_point.__wrapped__(code) for code in codes}
    zip_point.cache_clear()
    with ThreadPoolExecutor(8) as pool:
        together = list(pool.map(zip_point, codes * 5))
    assert together == [alone[code] for code in codes * 5]
    assert alone["94110"] is not None and alone["00000"] is None
