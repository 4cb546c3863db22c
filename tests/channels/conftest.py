"""Channel factories and a Socket.IO test client that signs in through the real form first."""
import contextvars

import pytest

from taskforce.channels.models import Channel, ChannelKind, ChannelMembership
from taskforce.extensions import db, socketio
from taskforce.live import NAMESPACE as LIVE_NS
from taskforce.live.ratelimit import TokenBuckets
from tests.conftest import CsrfClient

NS = "/channels"


@pytest.fixture
def make_channel(app):
    def make(kind=ChannelKind.TASK_FORCE, name=None, creator=None, sector=None, members=(), archived=False):
        from taskforce.dbtypes import utcnow
        channel = Channel(name=name or f"{kind.value} channel", kind=kind, sector=sector,
                          created_by_id=creator.id if creator else None, archived_at=utcnow() if archived else None)
        db.session.add(channel)
        db.session.flush()
        for user in members:
            db.session.add(ChannelMembership(channel_id=channel.id, user_id=user.id))
        db.session.commit()
        return channel
    return make


class LiveSocket:
    """`socketio.test_client` with the sign-in cookie of `http`, connected to `/channels` and, as every page
    is, to the live layer's `/live` (toasts such as a mention's arrive there); every call runs in its own
    context (its own app context, `g` and database session), as each event does in the real server."""

    def __init__(self, app, http):
        self.http = http
        db.session.commit()
        self.sio = contextvars.Context().run(socketio.test_client, app, namespace=NS, flask_test_client=http.raw())
        if self.sio.is_connected(NS):
            contextvars.Context().run(self.sio.connect, namespace=LIVE_NS)

    def emit(self, event, *args, callback=True):
        db.session.commit()
        result = contextvars.Context().run(self.sio.emit, event, *args, callback=callback, namespace=NS)
        db.session.expire_all()
        return result

    def connected(self) -> bool:
        return self.sio.is_connected(NS)

    def named_events(self) -> list[tuple[str, object]]:
        """`(name, payload)` of every event received since the last call, on either namespace."""
        received, self.sio.queue = [p for p in self.sio.queue if p["namespace"] in (NS, LIVE_NS)], []
        return [(p["name"], p["args"][0] if p["args"] else None) for p in received]

    def events(self, name=None) -> list:
        """Payloads of the events received since the last call (all, or those called `name`)."""
        return [payload for event, payload in self.named_events() if name is None or event == name]

    def disconnect(self):
        for namespace in (NS, LIVE_NS):
            if self.sio.is_connected(namespace):
                contextvars.Context().run(self.sio.disconnect, namespace=namespace)


@pytest.fixture
def signed_in_socket(app, login):
    """A socket for `user`, signed in with their own HTTP client (returns the LiveSocket; `.http` is the
    HTTP client)."""
    sockets = []

    def make(user):
        http = CsrfClient(app.test_client())
        login(user, the_client=http)
        sock = LiveSocket(app, http)
        sockets.append(sock)
        return sock
    yield make
    for sock in sockets:
        sock.disconnect()


@pytest.fixture
def generous_send_limit(app):
    """Tests that post many messages quickly lift the flood limit (the flood test keeps the real one)."""
    app.extensions["channels.send_limit"] = TokenBuckets(10_000, 1)
