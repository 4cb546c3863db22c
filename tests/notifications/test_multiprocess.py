"""Two real server processes behind a private Redis: a mention made on process A reaches the bell of a member
whose page is connected to process B (the count is pushed to `user:<id>` across processes), and B's own
bell endpoint reads the same row from the shared database."""
import threading

import pytest
import requests

from taskforce import live
from tests.channels.multiprocess_helpers import SESSION_COOKIE, RecordingClient, sign_in, wait_for
from tests.channels.test_multiprocess import cluster, redis_binary, shared_database  # noqa: F401  (fixtures)
from tests.conftest import TEST_PASSWORD

pytestmark = [pytest.mark.slow, pytest.mark.redis]


class BellPage:
    """What a signed-in page's bell listens to: `notifications_unread` on the live layer's namespace."""

    def __init__(self, base_url: str, cookie: str):
        import socketio
        self.counts: list[int] = []
        self._lock = threading.Lock()
        self.sio = socketio.Client(reconnection=True, reconnection_delay=0.2)
        self.sio.on("notifications_unread", self._on_count, namespace=live.NAMESPACE)
        self.sio.connect(base_url, headers={"Cookie": f"{SESSION_COOKIE}={cookie}"}, namespaces=[live.NAMESPACE],
                         transports=["websocket"], wait_timeout=30)

    def _on_count(self, payload):
        with self._lock:
            self.counts.append(payload["count"])

    def seen(self) -> list[int]:
        with self._lock:
            return list(self.counts)


def test_a_mention_on_process_a_rings_the_bell_on_process_b(cluster):  # noqa: F811
    a, b = cluster.process_a.url, cluster.process_b.url
    alice = RecordingClient(a, sign_in(a, cluster.seeded["alice"], TEST_PASSWORD), name="alice@A")
    bob_cookie = sign_in(b, cluster.seeded["bob"], TEST_PASSWORD)
    alice.connect()
    cluster.clients.append(alice)
    bell = BellPage(b, bob_cookie)
    try:
        sent = 0

        def mention_until_bell_rings():
            # Redis subscriptions start asynchronously: mention again until one crosses (each one is a row)
            nonlocal sent
            ack = alice.call("send", {"channel_id": cluster.seeded["channel_id"], "client_id": f"bell-{sent}",
                                      "body": f"@**Bob Okafor** bed check {sent}"})
            assert "id" in ack, ack
            sent += 1
            try:
                wait_for(lambda: bell.seen(), timeout=2.0, what="bob's bell")
                return True
            except TimeoutError:
                return False

        wait_for(mention_until_bell_rings, timeout=40.0, interval=0.0, what="a mention to cross processes")
        assert bell.seen()[-1] >= 1
        wait_for(lambda: bell.seen()[-1] == sent, timeout=5.0, what="the bell to count every mention")
        with requests.Session() as http:
            http.cookies.set(SESSION_COOKIE, bob_cookie)
            assert http.get(b + "/api/notifications/unread", timeout=30).json()["count"] == sent
    finally:
        bell.sio.disconnect()
