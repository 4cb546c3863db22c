"""In Chromium: a member is @mentioned while on the directory page, sees the bell count rise without a reload,
opens the notification and lands on the message."""
from taskforce.channels.models import ChannelKind
from tests.channels.conftest import make_channel  # noqa: F401  (fixture)
from tests.conftest import TEST_PASSWORD
from tests.e2e.conftest import sign_in

CONNECTED = "html[data-live=connected]"


def test_a_mention_raises_the_bell_and_opens_on_the_message(new_page, make_user, make_channel):
    channel = make_channel(ChannelKind.TASK_FORCE, name="intake")
    nurse = make_user(display_name="Nadia Nurse")
    advocate = make_user(display_name="Amal Advocate")
    reader = new_page()
    sign_in(reader, nurse.email, TEST_PASSWORD)
    reader.wait_for_url("**/")
    reader.goto("/directory/")
    reader.wait_for_selector(CONNECTED, state="attached")
    assert reader.is_hidden("#notification-bell [data-bell-count]")

    writer = new_page()
    sign_in(writer, advocate.email, TEST_PASSWORD)
    writer.wait_for_url("**/")
    writer.goto(f"/channels/{channel.id}")
    writer.wait_for_selector(CONNECTED, state="attached")
    writer.fill("#composer-body", "@**Nadia Nurse** can you see the clinic intake tonight?")
    writer.press("#composer-body", "Enter")

    reader.wait_for_selector("#notification-bell [data-bell-count]:not([hidden])")
    assert reader.inner_text("#notification-bell [data-bell-count]") == "1"
    assert reader.url.endswith("/directory/")  # no reload, no navigation: the push did it
    reader.click("#notification-bell")
    reader.wait_for_url("**/notifications/")
    reader.click(".notification.unread button >> text=Amal Advocate mentioned you in #intake")
    reader.wait_for_url(f"**/channels/{channel.id}#message-*")
    message_id = reader.url.rsplit("#message-", 1)[1]
    reader.wait_for_selector(f"#message-{message_id} >> text=can you see the clinic intake tonight?")
    reader.wait_for_selector("#notification-bell [data-bell-count][hidden]", state="attached")
    assert reader.errors == [] and writer.errors == []


def test_home_updates_live_when_a_mention_arrives(new_page, make_user, make_channel):
    channel = make_channel(ChannelKind.TASK_FORCE, name="intake")
    nurse = make_user(display_name="Nadia Nurse")
    advocate = make_user(display_name="Amal Advocate")
    reader = new_page(viewport={"width": 390, "height": 844})  # a phone
    sign_in(reader, nurse.email, TEST_PASSWORD)
    reader.wait_for_url("**/")
    reader.wait_for_selector(CONNECTED, state="attached")
    assert "You are up to date" in reader.inner_text('[data-home-block="channels"]')
    writer = new_page()
    sign_in(writer, advocate.email, TEST_PASSWORD)
    writer.wait_for_url("**/")
    writer.goto(f"/channels/{channel.id}")
    writer.wait_for_selector(CONNECTED, state="attached")
    writer.fill("#composer-body", "@**Nadia Nurse** are you on shift?")
    writer.press("#composer-body", "Enter")
    reader.wait_for_selector('[data-home-block="channels"] >> text=Amal Advocate mentioned you in #intake')
    reader.wait_for_selector('[data-home-block="notifications"] >> text=Amal Advocate mentioned you in #intake')
    assert "are you on shift" not in reader.inner_text("main")  # Home shows who and where, never the text
    width = reader.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"Home is {width}px wide on a 390px phone"
    assert reader.errors == [] and writer.errors == []
