"""In Chromium: a control the page hides (the `hidden` attribute) is not shown, whatever the stylesheets give
buttons and action bars; and each control that is shown does something. A member sees Edit and Delete only
on their own messages; "Jump to first unread" only with something unread, "Show earlier messages" only with
earlier history, "Save anyway" only after the identifying-details warning."""
import pytest

from taskforce.channels import catch_up, posting
from taskforce.channels.models import ChannelKind
from tests.channels.conftest import make_channel  # noqa: F401  (fixture)
from tests.conftest import TEST_PASSWORD
from tests.e2e.conftest import sign_in
from tests.e2e.test_channels import open_channel

SHOWN_ANYWAY = """() => Array.from(document.querySelectorAll('[hidden]'))
    .filter((el) => getComputedStyle(el).display !== 'none')
    .map((el) => el.id || el.className || el.tagName)"""
VISIBLE_ACTIONS = """(article) => Array.from(article.querySelectorAll('.message-actions button'))
    .filter((b) => b.offsetParent !== null).map((b) => b.textContent.trim())"""


def article_of(page, text):
    return page.wait_for_selector(f"#messages article.message:not(.pending):has-text('{text}')")


@pytest.fixture
def two_members_in_general(new_page, make_user, make_channel):
    general = make_channel(ChannelKind.TASK_FORCE, name="general")
    author, reader = make_user(display_name="Ana Author"), make_user(display_name="Ravi Reader")
    posting.post_message(author, general.id, "Shelter intake closes at 22:00 tonight.", "a-1")
    posting.post_message(reader, general.id, "Noted, I will tell the night shift.", "r-1")
    page = new_page()
    sign_in(page, reader.email, TEST_PASSWORD)
    page.wait_for_url("**/")
    return page, general, author, reader


def test_a_member_sees_edit_and_delete_only_on_their_own_messages(two_members_in_general):
    page, general, _author, _reader = two_members_in_general
    open_channel(page, general.id)
    others = article_of(page, "Shelter intake closes")
    own = article_of(page, "Noted, I will tell")
    assert others.evaluate(VISIBLE_ACTIONS) == ["Reply", "React"]
    assert own.evaluate(VISIBLE_ACTIONS) == ["Reply", "React", "Edit", "Delete"]
    assert page.evaluate(SHOWN_ANYWAY) == []
    own.hover()
    own.query_selector('[data-action="edit"]').click()  # Edit does something: the edit box opens
    page.wait_for_selector(".edit-form textarea", state="visible")
    assert page.is_hidden(".edit-form button.danger")  # "Save anyway" only after a warning
    assert page.evaluate(SHOWN_ANYWAY) == []
    assert page.errors == []


def test_jump_to_unread_shows_only_with_something_unread_and_then_jumps(two_members_in_general):
    page, general, _author, _reader = two_members_in_general
    open_channel(page, general.id)  # the reader has not read the author's message yet
    page.wait_for_selector("#jump-unread", state="visible")
    page.click("#jump-unread")
    page.wait_for_selector("#messages article.message.highlight:has-text('Shelter intake closes')")
    assert page.is_hidden("#jump-unread")
    open_channel(page, general.id)  # read now: nothing to jump to
    article_of(page, "Shelter intake closes")
    assert page.is_hidden("#jump-unread")
    assert page.is_hidden("#load-older")  # two messages: there is nothing earlier
    assert page.evaluate(SHOWN_ANYWAY) == []
    assert page.errors == []


def test_show_earlier_messages_shows_only_while_there_is_more_history(new_page, member, make_user, make_channel):
    general = make_channel(ChannelKind.TASK_FORCE, name="general")
    for number in range(catch_up.HISTORY_LIMIT + 5):
        posting.post_message(member, general.id, f"Shift note {number:03d}", f"n-{number}")
    page = new_page()
    sign_in(page, member.email, TEST_PASSWORD)
    page.wait_for_url("**/")
    open_channel(page, general.id)
    article_of(page, f"Shift note {catch_up.HISTORY_LIMIT + 4:03d}")
    assert page.is_hidden("#jump-unread")  # all the member's own: nothing unread
    page.wait_for_selector("#load-older", state="visible")
    page.click("#load-older")  # it does something: the earliest notes appear, and then nothing is left
    article_of(page, "Shift note 000")
    page.wait_for_selector("#load-older", state="hidden")
    assert page.eval_on_selector_all("#messages > .message", "els => els.length") == catch_up.HISTORY_LIMIT + 5
    assert page.evaluate(SHOWN_ANYWAY) == []
    assert page.errors == []


@pytest.mark.parametrize("path", ["/", "/channels/", "/lessons/", "/directory/", "/auth/account"])
def test_no_page_shows_what_it_hides(new_page, member, path):
    page = new_page()
    sign_in(page, member.email, TEST_PASSWORD)
    page.wait_for_url("**/")
    page.goto(path)
    assert page.evaluate(SHOWN_ANYWAY) == []
