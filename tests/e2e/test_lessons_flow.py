"""In Chromium: "apply all suggestions" in the editor, then the reviewer sees where text was replaced; a
draft saved from two tabs ends on the side-by-side conflict page with the second tab's text kept; long
text is never cut — a counter shows and the save is refused with a message (lessons and channel messages)."""
from sqlalchemy import func, select

from taskforce.channels.models import ChannelKind, Message
from taskforce.extensions import db
from taskforce.lessons.models import Lesson, LessonReplacement, Status
from tests.channels.conftest import make_channel  # noqa: F401  (fixture)
from tests.lessons.conftest import make_lesson  # noqa: F401  (fixture)
from tests.conftest import TEST_PASSWORD, totp_code
from tests.e2e.conftest import sign_in

RAW = "Officer Maria Gonzalez called 555-867-5309 about the victim."


def signed_in(new_page, user, totp=None):
    page = new_page()
    sign_in(page, user.email, TEST_PASSWORD, totp)
    page.wait_for_url("**/")
    return page


def test_apply_all_suggestions_then_the_reviewer_sees_the_replaced_places(new_page, member, coordinator):
    page = signed_in(new_page, member)
    page.goto("/lessons/new")
    page.fill("#title", "Phones held by a supervisor")
    page.fill("#summary", "Ask early who holds the phone.")
    page.fill("#what_happened", RAW)
    page.click("#check-button")
    page.wait_for_selector("#apply-all-suggestions")
    page.click("#apply-all-suggestions")
    page.wait_for_selector(".check-status.ok")
    text = page.input_value("#what_happened")
    assert "Gonzalez" not in text and "555-867-5309" not in text
    page.click("#submit-review")
    page.wait_for_url("**/lessons/*")
    assert page.errors == []
    db.session.expire_all()
    lesson = db.session.scalars(select(Lesson)).one()
    assert lesson.status is Status.IN_REVIEW and lesson.what_happened == text
    marks = db.session.scalars(select(LessonReplacement)).all()
    assert len(marks) >= 2 and all(lesson.what_happened[m.start:m.end] == m.text for m in marks)

    boss = signed_in(new_page, coordinator, totp_code(coordinator))
    boss.goto(f"/lessons/{lesson.id}")
    panel = boss.locator("#replaced")
    assert panel.locator(".finding-preview mark.replaced").count() == len(marks)
    assert boss.errors == []


def test_a_draft_saved_from_two_tabs_shows_the_conflict_page(new_page, member, make_lesson):
    draft = make_lesson(author=member, status=Status.DRAFT)
    one = signed_in(new_page, member)
    two = one.context.new_page()
    for tab in (one, two):
        tab.goto(f"/lessons/{draft.id}/edit")
    for tab, title in ((one, "Saved from the first tab"), (two, "Typed in the second tab")):
        tab.fill("#title", title)
        tab.click("#check-button")
        tab.wait_for_selector(".check-status.ok")
        tab.click("#save-draft")
    one.wait_for_url(f"**/lessons/{draft.id}")
    two.wait_for_selector("table.lesson-conflict")
    row = two.locator("table.lesson-conflict tr[data-field=title]")
    assert "Typed in the second tab" in row.inner_text() and "Saved from the first tab" in row.inner_text()
    assert two.input_value("#title") == "Typed in the second tab"  # kept, to merge
    two.set_viewport_size({"width": 390, "height": 800})
    assert two.evaluate("document.documentElement.scrollWidth") <= 390  # readable on a phone
    db.session.expire_all()
    assert db.session.get(Lesson, draft.id).title == "Saved from the first tab"
    assert one.errors == []


def test_an_over_long_summary_is_counted_and_refused_not_cut(new_page, member):
    page = signed_in(new_page, member)
    page.goto("/lessons/new")
    page.fill("#title", "A long summary")
    page.fill("#summary", "word " * 420)  # 2,100 characters, limit 2,000
    assert len(page.input_value("#summary")) == 2100  # nothing cut
    counter = page.locator("[data-lesson-field=summary] .char-count")
    assert counter.is_visible() and "too many" in counter.inner_text()
    page.click("#check-button")
    page.wait_for_selector("[data-lesson-field=summary] .js-field-error")
    assert "Summary is too long" in page.inner_text("[data-lesson-field=summary]")
    assert page.is_disabled("#save-draft")
    assert page.errors == []


def test_a_long_channel_message_is_refused_with_a_message_not_cut(new_page, member, make_channel):
    channel = make_channel(ChannelKind.TASK_FORCE, name="general")
    page = signed_in(new_page, member)
    page.goto(f"/channels/{channel.id}")
    page.wait_for_selector("html[data-live=connected]", state="attached")
    page.fill("#composer-body", "x" * 20_000)
    assert len(page.input_value("#composer-body")) == 20_000
    assert "too many" in page.inner_text("#composer-count")
    page.press("#composer-body", "Enter")
    page.wait_for_selector("#composer-error:not([hidden])")
    assert "the limit is 10,000" in page.inner_text("#composer-error")
    assert len(page.input_value("#composer-body")) == 20_000  # kept, to shorten or split
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Message)) == 0
    assert page.errors == []
