"""In Chromium: two partners from different organizations chat live; unread counts move in the sidebar."""
from taskforce.auth.models import Sector
from taskforce.channels.models import ChannelKind
from tests.channels.conftest import make_channel  # noqa: F401  (fixture)
from tests.conftest import TEST_PASSWORD
from tests.e2e.conftest import sign_in

CONNECTED = "html[data-live=connected]"  # live.js marks the page once its socket is connected


def open_channel(page, channel_id):
    page.goto(f"/channels/{channel_id}")
    page.wait_for_selector(CONNECTED, state="attached")


def member_in_general(new_page, member, make_channel, viewport=None):
    """A member signed in with the task force's "general" channel open and its socket connected."""
    channel = make_channel(ChannelKind.TASK_FORCE, name="general")
    page = new_page(viewport=viewport)
    sign_in(page, member.email, TEST_PASSWORD)
    page.wait_for_url("**/")
    open_channel(page, channel.id)
    return page


def test_two_organizations_chat_live_and_unread_counts_update(new_page, make_user, make_organization, make_channel):
    general = make_channel(ChannelKind.TASK_FORCE, name="Task force general")
    logistics = make_channel(ChannelKind.TASK_FORCE, name="Logistics")
    nurse = make_user(organization=make_organization("St. Brigid Medical Center", Sector.HEALTHCARE),
                      display_name="Nadia Nurse")
    advocate = make_user(organization=make_organization("Safe Passage Network", Sector.VICTIM_SERVICES_NGO),
                         display_name="Amal Advocate")
    alice, bob = new_page(), new_page()
    sign_in(alice, nurse.email, TEST_PASSWORD)
    alice.wait_for_url("**/")
    sign_in(bob, advocate.email, TEST_PASSWORD)
    bob.wait_for_url("**/")
    open_channel(alice, general.id)
    open_channel(bob, general.id)

    alice.fill("#composer-body", "Two beds free at the shelter tonight?")
    alice.press("#composer-body", "Enter")
    bob.wait_for_selector("#messages .message:not(.pending) >> text=Two beds free at the shelter tonight?")
    assert "Nadia Nurse" in bob.inner_text("#messages")
    bob.fill("#composer-body", "Yes — intake line until 23:00.")
    bob.press("#composer-body", "Enter")
    alice.wait_for_selector("#messages >> text=intake line until 23:00")

    badge = f'.channel-item[data-channel-id="{logistics.id}"] .unread-badge'
    assert bob.is_hidden(badge)
    open_channel(alice, logistics.id)
    alice.fill("#composer-body", "Van leaves at 19:00.")
    alice.press("#composer-body", "Enter")
    bob.wait_for_selector(badge, state="visible")
    assert bob.inner_text(badge).startswith("1")

    open_channel(bob, logistics.id)
    bob.wait_for_selector("#messages >> text=Van leaves at 19:00.")
    bob.wait_for_selector(badge, state="hidden")
    assert alice.errors == [] and bob.errors == []


def test_pii_warning_lets_the_sender_edit_then_send(new_page, member, make_channel):
    page = member_in_general(new_page, member, make_channel)
    page.fill("#composer-body", "Call her at 555-201-4477")
    page.press("#composer-body", "Enter")
    page.wait_for_selector("#pii-warning", state="visible")
    assert page.inner_text("#pii-warning mark") == "555-201-4477"
    assert page.query_selector("#messages .message:not(.pending)") is None
    page.click("#pii-edit")
    page.fill("#composer-body", "Call the shelter intake line")
    page.press("#composer-body", "Enter")
    page.wait_for_selector("#messages .message:not(.pending) >> text=Call the shelter intake line")
    assert page.errors == []


def test_channel_page_fits_a_phone(new_page, member, make_channel):
    page = member_in_general(new_page, member, make_channel, viewport={"width": 375, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.is_visible("#composer-body")
    assert page.errors == []


def test_a_message_whose_broadcast_was_lost_appears_after_live_delivery_resumed(new_page, make_user, make_channel):
    """Redis pub/sub can drop a broadcast (an outage between processes) while live delivery goes on. The
    page's catch-up cursor moves only on database answers, so its next sync (on focus here; also every
    20 s and on reconnect) fills the gap below the newest live message."""
    from taskforce.channels import posting
    general = make_channel(ChannelKind.TASK_FORCE, name="Task force general")
    reader, writer = make_user(display_name="Rita Reader"), make_user(display_name="Wes Writer")
    page = new_page()
    sign_in(page, reader.email, TEST_PASSWORD)
    page.wait_for_url("**/")
    open_channel(page, general.id)
    page.wait_for_selector("html[data-syncs]", state="attached")  # the page's first catch-up is done
    syncs = page.get_attribute("html", "data-syncs")
    # Stored but never broadcast: what a process on the far side of a Redis outage leaves behind.
    posting.post_message(writer, general.id, "Dropped during the outage: the east door is locked.", "lost-1")
    page.fill("#composer-body", "Back online: anyone there?")
    page.press("#composer-body", "Enter")
    page.wait_for_selector("#messages .message:not(.pending) >> text=Back online: anyone there?")
    if page.get_attribute("html", "data-syncs") == syncs:  # no catch-up ran meanwhile (a window focus can)
        assert "east door is locked" not in page.inner_text("#messages")  # live delivery resumed past the gap
    page.evaluate("window.dispatchEvent(new Event('focus'))")
    page.wait_for_selector("#messages .message >> text=Dropped during the outage: the east door is locked.")
    order = page.eval_on_selector_all("#messages > .message", "els => els.map(e => Number(e.dataset.id))")
    assert order == sorted(order) and len(order) == len(set(order)) == 2
    assert page.errors == []


def test_editing_in_a_phone_number_warns_then_saves_when_confirmed(new_page, member, make_channel):
    page = member_in_general(new_page, member, make_channel)
    page.fill("#composer-body", "Her number is on file")
    page.press("#composer-body", "Enter")
    message = page.wait_for_selector("#messages .message:not(.pending) >> text=Her number is on file")
    article = message.evaluate_handle("el => el.closest('article.message')").as_element()
    article.hover()
    article.query_selector('[data-action="edit"]').click()
    page.fill(".edit-form textarea", "Her number is 555-201-4477")
    page.click(".edit-form button[type=submit]")
    page.wait_for_selector(".edit-form .pii-warning", state="visible")
    assert "identifying details" in page.inner_text(".edit-form .pii-warning")
    page.click(".edit-form button.danger")
    page.wait_for_selector("#messages .message-body >> text=Her number is 555-201-4477")
    assert page.errors == []
