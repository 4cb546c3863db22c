"""In Chromium on a 390×844 phone, demo directory: after any quick-need chip (and the two-tap "Spanish" →
"Shelter for a woman · open now"), the first result card starts on the first screen."""
import pytest
from sqlalchemy import select

from taskforce.auth.models import Organization, Role
from taskforce.cli import seed_demo_data
from taskforce.directory.views import QUICK_NEEDS
from taskforce.extensions import db
from tests.conftest import TEST_PASSWORD
from tests.e2e.conftest import sign_in

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def officer(app, make_user):
    seed_demo_data(7, "demo-password-1")
    police = db.session.scalar(select(Organization).order_by(Organization.id).limit(1))
    return make_user(Role.MEMBER, organization=police)


def first_card_top(page) -> float | None:
    card = page.locator(".service-card").first
    if card.count() == 0:
        return None
    return card.bounding_box()["y"]


def test_results_are_on_the_first_screen_after_any_chip(new_page, officer):
    page = new_page(viewport=PHONE)
    sign_in(page, officer.email, TEST_PASSWORD)
    page.wait_for_url("**/")
    page.goto("/directory/")
    page.select_option("select[name=language]", "es")  # tap 1
    page.wait_for_url("**language=es**")
    tops = {}
    for label, _changes in QUICK_NEEDS:
        page.get_by_role("link", name=label).click()
        page.wait_for_load_state("load")
        assert "language=es" in page.url, label  # the language chosen stays selected
        assert page.locator("details.more-filters").get_attribute("open") is None, label
        tops[label] = first_card_top(page)
    assert tops["Shelter for a woman · open now"] is not None  # the demo has Spanish women's shelters open now
    late = {label: top for label, top in tops.items() if top is not None and top > PHONE["height"] - 120}
    assert late == {}, tops


def test_filters_set_by_hand_keep_more_filters_open(new_page, officer):
    page = new_page(viewport=PHONE)
    sign_in(page, officer.email, TEST_PASSWORD)
    page.wait_for_url("**/")
    page.goto("/directory/?gender=female&serves=adults")
    assert page.locator("details.more-filters").get_attribute("open") is not None
    assert "2 set" in page.locator("details.more-filters summary").inner_text()
