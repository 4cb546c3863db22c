"""In Chromium: an officer on a phone finds a Spanish-speaking shelter for a woman, open now, in two taps,
opens it, and sees its capacity change live when the provider presses + in another browser."""
import uuid

from taskforce.auth.models import Role, Sector
from taskforce.dbtypes import utcnow
from taskforce.directory.models import Location, Service, ServiceCategory, ServiceLanguage
from taskforce.extensions import db
from tests.conftest import TEST_PASSWORD
from tests.e2e.conftest import sign_in

PHONE = {"width": 375, "height": 740}


def add_service(organization, name, *, languages, categories=("emergency_shelter",), genders="female",
                open_24_7=True, capacity=(2, 10), min_age=18):
    service = Service(uuid=str(uuid.uuid4()), organization_id=organization.id, organization=organization, name=name,
                      description="Emergency beds.", genders=genders, open_24_7=open_24_7, min_age=min_age,
                      phone="+12135550150", last_verified_at=utcnow(), capacity_available=capacity[0],
                      capacity_total=capacity[1], capacity_updated_at=utcnow(),
                      location=Location(uuid=str(uuid.uuid4()), organization_id=organization.id, city="Harbor City",
                                        address_1="9 Secret Way", is_confidential=True))
    service.categories = [ServiceCategory(category=c) for c in categories]
    service.languages = [ServiceLanguage(code=c) for c in languages]
    db.session.add(service)
    db.session.commit()
    return service


def test_officer_finds_a_shelter_in_two_taps_and_sees_capacity_change_live(new_page, make_user, make_organization):
    shelter_org = make_organization("Casa Luz Network", Sector.VICTIM_SERVICES_NGO)
    police = make_organization("Harbor City Police", Sector.LAW_ENFORCEMENT)
    refugio = add_service(shelter_org, "Refugio Luz for Women", languages=["es", "en"])
    add_service(shelter_org, "English-only Shelter", languages=["en"])
    add_service(shelter_org, "Casa Joven Youth Shelter", languages=["es"], categories=["youth_shelter"], min_age=12)
    add_service(shelter_org, "Night Shelter for Men", languages=["es"], genders="male")
    officer = make_user(Role.MEMBER, organization=police)
    provider = make_user(Role.MEMBER, organization=shelter_org)

    page = new_page(viewport=PHONE)
    sign_in(page, officer.email, TEST_PASSWORD)
    page.wait_for_url("**/")
    page.goto("/directory/")
    page.select_option("select[name=language]", "es")               # tap 1: the person speaks Spanish
    page.wait_for_url("**/directory/?language=es")
    page.get_by_role("link", name="Shelter for a woman · open now").click()  # tap 2
    page.wait_for_url("**category=emergency_shelter**")
    assert "open_now=1" in page.url and "language=es" in page.url
    cards = page.locator(".service-card h2")
    assert cards.all_inner_texts() == ["Refugio Luz for Women"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert "9 Secret Way" not in page.content()

    cards.first.get_by_role("link").click()
    page.wait_for_url(f"**/directory/services/{refugio.id}")
    badge = page.locator(f'[data-capacity-for="{refugio.id}"] [data-capacity-available]')
    assert badge.inner_text() == "2"
    assert "9 Secret Way" not in page.content() and "Harbor City" in page.content()
    # Functions, not expression strings: the page's CSP forbids eval, which string polling would use.
    page.wait_for_function("() => Boolean(window.taskforceLive && window.taskforceLive.socket.connected)")

    provider_page = new_page()
    sign_in(provider_page, provider.email, TEST_PASSWORD)
    provider_page.wait_for_url("**/")
    provider_page.goto(f"/directory/services/{refugio.id}")
    provider_page.get_by_role("button", name="One more available").click()
    provider_page.wait_for_url(f"**/directory/services/{refugio.id}")
    assert provider_page.locator(f'[data-capacity-for="{refugio.id}"] [data-capacity-available]').inner_text() == "3"

    page.wait_for_function(
        "(id) => document.querySelector(`[data-capacity-for=\"${id}\"] [data-capacity-available]`).textContent === '3'",
        arg=refugio.id)
    assert page.url.endswith(f"/directory/services/{refugio.id}")  # no reload: it changed live
    assert page.errors == [] and provider_page.errors == []
