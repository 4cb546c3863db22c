"""Sockets of a session that timed out without a logout are disconnected by the per-process sweep within one
interval; what keeps a session alive is what a person does (page requests, sending, typing), not what a page
does by itself (the chat's periodic `sync`). Timeouts are shortened to seconds through the configuration."""
import threading
import time
from datetime import timedelta

import pytest
import requests
from sqlalchemy import func, select

from taskforce.channels.models import ChannelKind
from taskforce.extensions import db
from taskforce.live import CHANNELS, NAMESPACE
from taskforce.live.models import LiveSocket
from tests.channels.conftest import make_channel  # noqa: F401  (fixture)
from tests.channels.multiprocess_helpers import SESSION_COOKIE, sign_in, wait_for
from tests.conftest import TEST_PASSWORD

IDLE = 3.0       # seconds of idle timeout in these tests (30 minutes in production)
INTERVAL = 0.3   # seconds between sweeps (30 s in production)


@pytest.fixture
def short_sessions(app):
    app.config.update(SESSION_IDLE_TIMEOUT=timedelta(seconds=IDLE), LIVE_SWEEP_INTERVAL=INTERVAL)


def keep_doing(action, stop: threading.Event, every: float = 0.4) -> threading.Thread:
    def loop():
        while not stop.is_set():
            try:
                action()
            except Exception:  # noqa: BLE001 — a socket closed by the sweep: the assertion tells
                pass
            stop.wait(every)
    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    return thread


def test_an_idle_session_loses_its_sockets_within_one_sweep(short_sessions, open_page, live_server, member,
                                                            make_channel):
    make_channel(ChannelKind.TASK_FORCE, name="general")
    page = open_page(member, namespaces=(NAMESPACE, CHANNELS))
    opened = time.monotonic()
    assert page.is_connected(NAMESPACE) and page.is_connected(CHANNELS)
    page.wait_disconnected(NAMESPACE, timeout=IDLE + 5)
    page.wait_disconnected(CHANNELS, timeout=2)
    assert time.monotonic() - opened <= IDLE + INTERVAL + 2  # the timeout plus one sweep (and a busy machine)
    def registry_empty():  # the server's disconnect handler removes the rows just after the client hears it
        db.session.rollback()
        return db.session.scalar(select(func.count()).select_from(LiveSocket)) == 0
    wait_for(registry_empty, timeout=5, what="the socket registry's rows to go")
    # and the cookie is dead for HTTP too: the page's reload lands on the sign-in form
    cookie = page.cookie
    assert requests.get(live_server.url + "/channels/", cookies={SESSION_COOKIE: cookie}, allow_redirects=False,
                        timeout=10).status_code == 302


def test_what_counts_as_activity(short_sessions, open_page, live_server, make_user, make_channel):
    channel_id = make_channel(ChannelKind.TASK_FORCE, name="general").id  # the threads have no app context
    stop = threading.Event()
    try:
        clicking = open_page(make_user(display_name="Clicking Clara"))
        keep_doing(lambda: requests.get(live_server.url + "/api/session", cookies={SESSION_COOKIE: clicking.cookie},
                                        timeout=5), stop)
        typing = open_page(make_user(display_name="Typing Tomas"), namespaces=(NAMESPACE, CHANNELS))
        keep_doing(lambda: typing.call("typing", {"channel_id": channel_id}, namespace=CHANNELS, timeout=2), stop)
        syncing = open_page(make_user(display_name="Syncing Sam"), namespaces=(NAMESPACE, CHANNELS))
        keep_doing(lambda: syncing.call("sync", {"since": {str(channel_id): 0}}, namespace=CHANNELS, timeout=2), stop)

        syncing.wait_disconnected(CHANNELS, timeout=IDLE + 5)  # the page's automatic catch-up is not activity
        time.sleep(IDLE / 2)
        assert clicking.is_connected(NAMESPACE), "page requests keep the session and its sockets alive"
        assert typing.is_connected(CHANNELS) and typing.is_connected(NAMESPACE), "typing is activity"
    finally:
        stop.set()


def test_a_session_revoked_while_the_queue_was_down_is_swept(short_sessions, open_page, member):
    """A logout whose disconnect never reached this process (Redis down): the revoked row is found by the sweep."""
    from taskforce.auth.models import UserSession
    from taskforce.dbtypes import utcnow
    page = open_page(member)
    db.session.execute(UserSession.__table__.update().where(UserSession.user_id == member.id).values(revoked_at=utcnow()))
    db.session.commit()  # revoked without the sessions_revoked signal
    page.wait_disconnected(NAMESPACE, timeout=INTERVAL + 3)
