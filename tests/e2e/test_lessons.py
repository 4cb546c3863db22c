"""In a real browser: a member writes a lesson full of names and numbers, resolves every highlight and
submits; a coordinator publishes; another member sees the live toast and finds it by indicator. The raw
text is nowhere in the database."""
from sqlalchemy import select

from taskforce.auth.models import Role
from taskforce.extensions import db
from taskforce.lessons.models import Lesson, Status
from tests.conftest import TEST_PASSWORD, totp_code
from tests.e2e.conftest import sign_in
from tests.lessons.conftest import everything_stored

RAW = ("Maria Gonzalez was found at the Sunset Motel, 1420 Elm Street. Her phone 555-867-5309 was held by "
       "the manager, and her email maria.g@gmail.com was used to post ads.")
TITLE = "Phones and papers held by a motel manager"


def test_member_resolves_every_highlight_coordinator_publishes_reader_sees_it_live(new_page, make_user, coordinator):
    author, reader = make_user(Role.MEMBER), make_user(Role.MEMBER)

    page = new_page()
    sign_in(page, author.email, TEST_PASSWORD)
    page.wait_for_url("**/")
    page.goto("/lessons/new")
    page.fill("#title", TITLE)
    page.fill("#summary", "Ask early who holds the victim's phone and documents.")
    page.fill("#what_happened", RAW)
    page.fill("#recommendation", "Interview alone, and ask about the phone and papers first.")
    page.click("summary:has-text('Control')")
    page.check("input[name=indicators][value=documents-held]")
    page.check("input[name=indicators][value=communications-monitored]")
    assert page.is_disabled("#submit-review")
    page.click("#check-button")
    page.wait_for_selector(".finding-block mark.finding")
    marks = page.locator(".finding-block mark.finding")
    assert marks.count() >= 4
    assert "PHONE" in page.inner_text(".finding-block")
    choices = page.locator("fieldset.finding-choice")
    for i in range(choices.count()):
        choice = choices.nth(i)
        legend = choice.locator("legend").inner_text()
        if "PERSON" in legend:
            choice.locator("input[type=text]").first.fill("the victim")
        else:
            choice.locator("input[value=redact]").check()
    page.click("#apply-choices")
    page.wait_for_selector(".check-status.ok")
    assert "the victim" in page.input_value("#what_happened")
    assert "555-867-5309" not in page.input_value("#what_happened")

    reader_page = new_page()
    sign_in(reader_page, reader.email, TEST_PASSWORD)
    reader_page.wait_for_url("**/")
    reader_page.goto("/lessons/")

    page.click("#submit-review")
    page.wait_for_url("**/lessons/*")
    assert "Sent for review" in page.content()
    assert page.errors == []
    db.session.expire_all()
    lesson = db.session.scalars(select(Lesson)).one()
    assert lesson.status is Status.IN_REVIEW
    stored = everything_stored()
    for raw in ("Maria", "Gonzalez", "555-867-5309", "maria.g@gmail.com", "1420 Elm"):
        assert raw not in stored

    reader_page.wait_for_function("document.documentElement.dataset.live === 'connected'")
    boss = new_page()
    sign_in(boss, coordinator.email, TEST_PASSWORD, totp_code(coordinator))
    boss.wait_for_url("**/")
    boss.goto("/lessons/review")
    boss.click(f"text={TITLE}")
    boss.select_option("select[name=visibility]", "task_force")
    boss.click("button:has-text('Publish')")
    boss.wait_for_url(f"**/lessons/{lesson.id}")
    assert "Lesson released" in boss.content()
    assert boss.errors == []

    toast = reader_page.locator(".toast", has_text=f"New lesson: {TITLE}")
    toast.wait_for()
    reader_page.goto("/lessons/")
    reader_page.select_option("select[name=indicator]", "documents-held")
    reader_page.click("button:has-text('Filter')")
    reader_page.wait_for_url("**indicator=documents-held**")
    reader_page.click(f"text={TITLE}")
    assert "the victim" in reader_page.content()
    assert reader_page.errors == []


def test_editor_works_at_phone_width_without_script_errors(new_page, member):
    page = new_page(viewport={"width": 375, "height": 740})
    sign_in(page, member.email, TEST_PASSWORD)
    page.wait_for_url("**/")
    page.goto("/lessons/new")
    page.fill("#title", "Interpreters from outside the community")
    page.fill("#summary", "Call Maria on 555-867-5309.")
    page.click("#check-button")
    page.wait_for_selector(".finding-block")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 380
    assert page.errors == []
