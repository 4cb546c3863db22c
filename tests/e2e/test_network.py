"""In Chromium: a coordinator opens the partner map, filters it by sector, asks a pathway question, and sees
the map change live when a police officer logs a referral from a directory page in another browser."""
import pytest

from taskforce.auth.models import Role, Sector
from taskforce.extensions import db
from taskforce.network.models import Referral
from taskforce.network.services import today
from tests.conftest import TEST_PASSWORD, totp_code
from tests.e2e.conftest import sign_in
from tests.e2e.test_directory import add_service


@pytest.fixture
def small_map(make_organization, make_user):
    police = make_organization("Harbor City Police", Sector.LAW_ENFORCEMENT)
    ngo = make_organization("Safe Passage", Sector.VICTIM_SERVICES_NGO)
    legal = make_organization("Lantern Legal", Sector.VICTIM_SERVICES_NGO)
    clinic = make_organization("Valle Verde Clinic", Sector.HEALTHCARE)
    month = today().replace(day=1)
    for source, target, count in ((police, ngo, 6), (ngo, legal, 3), (clinic, ngo, 2)):
        db.session.add(Referral(from_organization_id=source.id, to_organization_id=target.id,
                                category="case_management", month=month, count=count))
    db.session.commit()
    shelter = add_service(ngo, "Safe Passage Shelter", languages=["vi", "en"], categories=("immigration_legal",))
    coordinator = make_user(Role.COORDINATOR, organization=clinic)
    officer = make_user(Role.MEMBER, organization=police)
    return {"police": police, "ngo": ngo, "shelter": shelter, "coordinator": coordinator, "officer": officer}


def open_map(page, coordinator):
    sign_in(page, coordinator.email, TEST_PASSWORD, totp=totp_code(coordinator))
    page.wait_for_url("**/")
    page.goto("/network/")
    page.wait_for_function("() => document.getElementById('network-map-shell').dataset.nodes !== undefined")


def demo_coordinator_page(new_page):
    """The demo task force (seed 7) and a page signed in as its coordinator (password and TOTP as the demo
    prints them): (the seeded context, the page on the home page)."""
    import pyotp

    from taskforce.auth.demo import demo_totp_secret
    from taskforce.cli import seed_demo_data
    context = seed_demo_data(seed=7, password="taskforce-demo")
    page = new_page()
    email = "coordinator@taskforce.demo"
    sign_in(page, email, "taskforce-demo", totp=pyotp.TOTP(demo_totp_secret(7, email)).now())
    page.wait_for_url("**/")
    return context, page


def slide_to(page, index: int) -> None:
    """Move the time slider to its `index`-th month as a person dragging it would (an `input` event)."""
    page.evaluate("(value) => { const s = document.getElementById('map-month'); s.value = value; "
                  "s.dispatchEvent(new Event('input', { bubbles: true })); }", str(index))


def test_map_renders_and_the_sector_filter_changes_the_visible_nodes(new_page, small_map):
    page = new_page()
    open_map(page, small_map["coordinator"])
    shell = page.locator("#network-map-shell")
    assert shell.get_attribute("data-nodes") == "4" and shell.get_attribute("data-edges") == "3"
    assert page.locator("#network-map canvas").count() >= 1
    page.wait_for_function("() => document.getElementById('map-summary').textContent.includes('Brokers')")
    assert "Safe Passage" in page.locator("#map-summary").inner_text()
    page.select_option("#map-sector", "victim_services_ngo")
    page.wait_for_function("() => document.getElementById('network-map-shell').dataset.nodes === '2'")
    assert shell.get_attribute("data-edges") == "1"
    assert page.errors == []


def test_pathway_finder_shows_a_path(new_page, small_map):
    page = new_page()
    open_map(page, small_map["coordinator"])
    page.goto("/network/pathways")
    page.select_option("select[name=from_sector]", "law_enforcement")
    page.select_option("select[name=category]", "immigration_legal")
    page.fill("input[name=language]", "vi")
    page.click("#pathway-form button[type=submit]")
    route = page.locator(".route").first
    route.wait_for()
    assert "Harbor City Police" in route.inner_text() and "Safe Passage Shelter" in route.inner_text()
    assert page.errors == []


def test_log_a_referral_on_a_directory_page_changes_the_map_live(new_page, small_map):
    watcher = new_page()
    open_map(watcher, small_map["coordinator"])
    watcher.wait_for_function("() => document.documentElement.dataset.live === 'connected'")
    before = float(watcher.locator("#network-map-shell").get_attribute("data-volume"))
    officer = new_page()
    sign_in(officer, small_map["officer"].email, TEST_PASSWORD)
    officer.wait_for_url("**/")
    officer.goto(f"/directory/services/{small_map['shelter'].id}")
    officer.get_by_role("button", name="Log a referral").click()
    officer.wait_for_url(f"**/directory/services/{small_map['shelter'].id}")
    assert "Referral logged" in officer.content()
    watcher.wait_for_function(f"() => Number(document.getElementById('network-map-shell').dataset.volume) > {before}")
    assert float(watcher.locator("#network-map-shell").get_attribute("data-volume")) == before + 1
    assert watcher.errors == [] and officer.errors == []


def test_map_renders_the_demo_with_its_broker_and_cut_point(new_page, app):
    context, page = demo_coordinator_page(new_page)
    page.goto("/network/")
    page.wait_for_function("() => document.getElementById('map-summary').textContent.includes('Brokers')")
    shell = page.locator("#network-map-shell")
    assert shell.get_attribute("data-nodes") == str(len(context["organizations"]))
    summary = page.locator("#map-summary").inner_text()
    assert "Safe Passage Survivor Network" in summary and "St. Brigid Medical Center" in summary
    assert "Valle Verde Community Clinic" in summary
    assert page.errors == []


def test_the_time_slider_shows_one_months_counts_and_the_picture_saves_as_png(new_page, small_map):
    page = new_page()
    open_map(page, small_map["coordinator"])
    shell = page.locator("#network-map-shell")
    assert shell.get_attribute("data-edges") == "3"
    slide_to(page, 0)  # the window's first month: no referral recorded then
    page.wait_for_function("() => document.getElementById('network-map-shell').dataset.edges === '0'")
    assert not page.is_checked("#map-whole")
    first = page.locator("#map-month").get_attribute("data-months").split(",")[0]
    assert shell.get_attribute("data-period") == f"{first}/{first}"
    assert page.locator("#map-month-label").inner_text() == first
    page.check("#map-whole")
    page.wait_for_function("() => document.getElementById('network-map-shell').dataset.edges === '3'")
    with page.expect_download() as download:
        page.click("#map-png")
    assert download.value.suggested_filename == "partner-map.png"
    picture = open(download.value.path(), "rb").read()
    assert picture[:8] == b"\x89PNG\r\n\x1a\n" and len(picture) > 2000
    assert page.errors == []


def test_coordinator_compares_two_periods_on_the_demo_and_sees_appeared_and_vanished_links(new_page, app):
    """The demo's quiet months leave some small links out of one month and into another: the test finds two
    such months from the stored rows, picks them in the "Compare periods" control and reads the table and map."""
    from sqlalchemy import func, select

    from taskforce.auth.models import Organization
    _context, page = demo_coordinator_page(new_page)
    rows = db.session.execute(select(Referral.from_organization_id, Referral.to_organization_id, Referral.month)
                              .group_by(Referral.from_organization_id, Referral.to_organization_id, Referral.month)
                              .having(func.sum(Referral.count) > 0)).all()
    names = {oid: name for oid, name in db.session.execute(select(Organization.id, Organization.name))}
    links = {}
    for source, target, month in rows:
        links.setdefault(month.isoformat()[:7], set()).add((names[source], names[target]))
    months = sorted(links)
    first, second = next((a, b) for a in months for b in months
                         if a < b and links[b] - links[a] and links[a] - links[b])
    appeared, vanished = sorted(links[second] - links[first]), sorted(links[first] - links[second])
    page.goto("/network/")
    page.wait_for_function("() => document.getElementById('network-map-shell').dataset.nodes !== undefined")
    for field, month in (("start-a", first), ("end-a", first), ("start-b", second), ("end-b", second)):
        page.select_option(f"#compare-{field}", month)
    page.get_by_role("button", name="Compare periods").click()
    table = page.locator("#compare-result #compare-table")
    table.wait_for()
    for status, (source, target) in (("Appeared", appeared[0]), ("Vanished", vanished[0])):
        row = table.locator("tbody tr", has_text=source).filter(has_text=target).filter(has_text=status)
        assert row.count() == 1, (status, source, target)
    assert table.locator("tbody tr[data-status=appeared]").count() == len(appeared)
    assert table.locator("tbody tr[data-status=vanished]").count() == len(vanished)
    panel = page.locator("#compare-panel")
    assert panel.get_attribute("data-map-appeared") == str(len(appeared))  # styled on the map, one per link
    assert panel.get_attribute("data-map-vanished") == str(len(vanished))
    assert page.locator("#compare-legend").is_visible() and "dotted" in page.locator("#compare-legend").inner_text()
    slider = page.locator("#map-month").get_attribute("data-months").split(",")
    slide_to(page, slider.index(second))
    page.wait_for_function(f"() => document.getElementById('network-map-shell').dataset.period === '{second}/{second}'")
    # the map now counts the second month only, where the vanished links are not: they are drawn for the comparison
    assert panel.get_attribute("data-map-vanished") == str(len(vanished))
    assert panel.get_attribute("data-map-appeared") == str(len(appeared))
    change = table.locator("thead th", has_text="Change")
    change.locator("button").focus()
    page.keyboard.press("Enter")  # keyboard-sortable
    assert change.get_attribute("aria-sort") == "ascending"
    assert table.locator("tbody tr").first.get_attribute("data-status") == "appeared"
    page.keyboard.press("Enter")
    assert change.get_attribute("aria-sort") == "descending"
    assert page.errors == []
