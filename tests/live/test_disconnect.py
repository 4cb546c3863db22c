"""A logout ends the member's live sockets on both namespaces at once; their other sign-ins keep theirs.
A role change or deactivation (every session revoked) ends them all. The registry forgets closed sockets."""
from sqlalchemy import func, select

from taskforce.auth import services as auth
from taskforce.channels.models import ChannelKind
from taskforce.extensions import db
from taskforce.live import CHANNELS, NAMESPACE
from taskforce.live.models import LiveSocket
from tests.channels.conftest import make_channel  # noqa: F401  (fixture)
from tests.channels.multiprocess_helpers import sign_in, sign_out, wait_for
from tests.conftest import TEST_PASSWORD
from tests.live.conftest import settle


def registered(user_id: int) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(LiveSocket).where(LiveSocket.user_id == user_id))


def test_logout_disconnects_the_live_and_channels_sockets_of_that_session(open_page, live_server, member,
                                                                          make_channel):
    make_channel(ChannelKind.TASK_FORCE, name="general")
    cookie = sign_in(live_server.url, member.email, TEST_PASSWORD)
    chat_page = open_page(member, namespaces=(NAMESPACE, CHANNELS), cookie=cookie)
    phone = open_page(member, namespaces=(NAMESPACE, CHANNELS))  # another sign-in of the same member
    assert registered(member.id) == 4

    sign_out(live_server.url, cookie)

    chat_page.wait_disconnected(NAMESPACE, timeout=5)
    chat_page.wait_disconnected(CHANNELS, timeout=5)
    settle()
    assert phone.is_connected(NAMESPACE) and phone.is_connected(CHANNELS)
    wait_for(lambda: registered(member.id) == 2, timeout=5, what="the registry to forget the closed sockets")


def test_ending_every_session_disconnects_every_socket(open_page, member):
    pages = [open_page(member), open_page(member, namespaces=(NAMESPACE, CHANNELS))]
    auth.end_all_sessions(db.session.get(type(member), member.id))  # what a role change or deactivation does
    for page in pages:
        for namespace in page.namespaces:
            page.wait_disconnected(namespace, timeout=5)
    wait_for(lambda: registered(member.id) == 0, timeout=5, what="the registry to empty")
