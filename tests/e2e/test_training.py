"""In a real browser, on a 390 px phone: a nurse registers for a full joint training and is waitlisted; an
officer cancels; the nurse gets the offer live (a toast), accepts, and sees her calendar subscribe URL;
the organizer checks her in from the roster and opens the effectiveness report (charts, no CSP errors)."""
from sqlalchemy import select

from taskforce.auth.models import Role, Sector
from taskforce.extensions import db
from taskforce.training import registration, scheduling
from taskforce.training.models import Registration, RegistrationState as R
from tests.conftest import TEST_PASSWORD
from tests.e2e.conftest import sign_in
from tests.training.conftest import training_form

PHONE = {"width": 390, "height": 844}


def test_nurse_waitlisted_then_offered_accepts_and_subscribes(new_page, make_user, make_organization):
    clinic = make_organization(name="St. Brigid Medical Center", sector=Sector.HEALTHCARE)
    police = make_organization(name="Harbor City Police", sector=Sector.LAW_ENFORCEMENT)
    ngo = make_organization(name="Safe Passage", sector=Sector.VICTIM_SERVICES_NGO)
    organizer = make_user(Role.TRAINER, organization=ngo, display_name="Olu Organizer")
    nurse = make_user(Role.MEMBER, organization=clinic, display_name="Nadia Nurse")
    officer = make_user(Role.MEMBER, organization=police, display_name="Omar Officer")
    training = scheduling.create_training(organizer, training_form(title="Trauma-informed care in the ER",
                                                                   capacity="1", format="hybrid",
                                                                   link="https://meet.example.org/er-room"))
    registration.register(officer, training.id)
    db.session.commit()

    page = new_page(PHONE)
    sign_in(page, nurse.email, TEST_PASSWORD)
    page.wait_for_url("**/")
    page.goto("/training/")
    page.click("text=Trauma-informed care in the ER")
    assert "er-room" not in page.content()  # the link is for seat holders
    page.click("button:has-text('Join the waitlist')")
    assert "number 1 on the waitlist" in page.inner_text("main")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.wait_for_selector("html[data-live=connected]", state="attached")  # no eval: the CSP forbids it

    officer_page = new_page()
    sign_in(officer_page, officer.email, TEST_PASSWORD)
    officer_page.wait_for_url("**/")
    officer_page.goto(f"/training/{training.id}")
    officer_page.on("dialog", lambda dialog: dialog.accept())
    officer_page.click("button:has-text('Cancel my registration')")
    officer_page.wait_for_selector("text=Registration cancelled")

    toast = page.wait_for_selector(".toast:has-text('A seat is free for you')")
    assert "Trauma-informed care in the ER" in toast.inner_text()
    page.click("#live-offer a:has-text('Show the offer')")  # the page says it in place, too
    page.click("button:has-text('Accept the seat')")
    assert "The seat is yours" in page.inner_text("main")
    assert "er-room" in page.content()
    page.click("button:has-text('Create my calendar link')")
    feed_url = page.input_value("#feed-url")
    assert "/training/feeds/" in feed_url and feed_url.endswith(".ics")
    feed = page.request.get(feed_url)
    assert feed.status == 200 and "Trauma-informed care in the ER" in feed.text().replace("\r\n ", "")
    db.session.expire_all()
    assert db.session.scalar(select(Registration.state).where(Registration.user_id == nurse.id)) is R.CONFIRMED

    host = new_page()
    sign_in(host, organizer.email, TEST_PASSWORD)
    host.wait_for_url("**/")
    host.goto(f"/training/{training.id}")
    host.click(f"tr:has-text('Nadia Nurse') button:has-text('Check in')")
    assert "Nadia Nurse checked in." in host.inner_text("main")
    host.goto("/training/report")
    host.wait_for_selector("canvas#chart-sectors")
    assert "Healthcare" in host.inner_text("main")
    for p in (page, officer_page, host):
        assert p.errors == [], p.errors
