"""Real Socket.IO clients (python-socketio over a websocket) against the app served on a loopback port,
signed in through the real login form — the path a browser takes."""
import threading
import time

import pytest
import socketio

from taskforce.live import CHANNELS, NAMESPACE
from tests.channels.multiprocess_helpers import SESSION_COOKIE, sign_in, wait_for
from tests.conftest import TEST_PASSWORD


class Page:
    """What one browser tab holds: a socket on `/live` (and on `/channels` for a chat page), recording every
    event per namespace and whether each namespace is still connected."""

    def __init__(self, base_url: str, cookie: str, namespaces=(NAMESPACE,)):
        self.base_url, self.cookie, self.namespaces = base_url, cookie, list(namespaces)
        self.sio = socketio.Client(reconnection=False)
        self.events: dict[str, list[tuple[str, object]]] = {ns: [] for ns in self.namespaces}
        self.disconnected: dict[str, bool] = {ns: False for ns in self.namespaces}
        self._lock = threading.Lock()
        for namespace in self.namespaces:
            self.sio.on("*", self._recorder(namespace), namespace=namespace)
            self.sio.on("disconnect", self._on_disconnect(namespace), namespace=namespace)

    def _recorder(self, namespace):
        def record(event, *args):
            with self._lock:
                self.events[namespace].append((event, args[0] if args else None))
        return record

    def _on_disconnect(self, namespace):
        def gone(*_reason):
            with self._lock:
                self.disconnected[namespace] = True
        return gone

    def connect(self) -> "Page":
        self.sio.connect(self.base_url, headers={"Cookie": f"{SESSION_COOKIE}={self.cookie}"},
                         namespaces=self.namespaces, transports=["websocket"], wait_timeout=10)
        return self

    def received(self, event: str, namespace: str = NAMESPACE) -> list:
        with self._lock:
            return [payload for name, payload in self.events[namespace] if name == event]

    def call(self, event: str, data, namespace: str = NAMESPACE, timeout: float = 10):
        return self.sio.call(event, data, namespace=namespace, timeout=timeout)

    def is_connected(self, namespace: str = NAMESPACE) -> bool:
        with self._lock:
            return not self.disconnected[namespace] and self.sio.connected

    def wait_disconnected(self, namespace: str = NAMESPACE, timeout: float = 10.0) -> float:
        started = time.monotonic()
        wait_for(lambda: self.disconnected[namespace], timeout=timeout, what=f"{namespace} to disconnect")
        return time.monotonic() - started

    def close(self) -> None:
        try:
            self.sio.disconnect()
        except Exception:  # noqa: BLE001 — best effort at teardown
            pass


@pytest.fixture
def open_page(live_server):
    """`open_page(user, namespaces=("/live",))`: sign `user` in over HTTP and connect a real client."""
    pages = []

    def make(user, namespaces=(NAMESPACE,), cookie=None):
        page = Page(live_server.url, cookie or sign_in(live_server.url, user.email, TEST_PASSWORD), namespaces)
        pages.append(page)
        return page.connect()
    yield make
    # python-socketio's client waits up to 3 s for the websocket's close frame: close every page at once
    closers = [threading.Thread(target=page.close, daemon=True) for page in pages]
    for closer in closers:
        closer.start()
    for closer in closers:
        closer.join(timeout=10)


def settle(seconds: float = 0.3) -> None:
    """Let a push that should NOT arrive have the time to arrive (used only before negative assertions)."""
    time.sleep(seconds)


__all__ = ["CHANNELS", "NAMESPACE", "Page", "settle"]
