"""Which sockets are open: in the database for every process (cross-process disconnects), and in memory
for the sockets this process holds (the sweep, presence refresh).

A socket is registered when a namespace admits it (`admit`, which also joins its home rooms) and
forgotten when it disconnects (`release`). A logout, deactivation or role change (`sessions_revoked`)
then disconnects every socket of those sessions, on every namespace and process; a removal from a
channel takes every socket of that member out of the channel's room. Each database call is one short
transaction of its own.
"""
import threading
from datetime import timedelta

from flask import request
from flask_socketio import join_room
from sqlalchemy import delete, select

from taskforce.dbtypes import utcnow
from taskforce.extensions import db
from taskforce.live import transport
from taskforce.live.models import LiveSocket
from taskforce.live.rooms import CHANNELS, NAMESPACE, home_rooms, session_room, user_room

FORGOTTEN_AFTER = timedelta(hours=24)  # longer than a sign-in session lives (12 h): only crash leftovers
NAMESPACES = (NAMESPACE, CHANNELS)


class LocalSockets:
    """The sockets this process holds: sid → (namespace, user id, session row id). Locked: connect and
    disconnect handlers run on many threads, the sweep on its own."""

    def __init__(self):
        self._lock = threading.Lock()
        self._sockets: dict[str, tuple[str, int, int]] = {}

    def add(self, sid: str, namespace: str, user_id: int, session_id: int) -> None:
        with self._lock:
            self._sockets[sid] = (namespace, user_id, session_id)

    def remove(self, sid: str) -> tuple[str, int, int] | None:
        with self._lock:
            return self._sockets.pop(sid, None)

    def snapshot(self) -> dict[str, tuple[str, int, int]]:
        with self._lock:
            return dict(self._sockets)

    def __len__(self) -> int:
        with self._lock:
            return len(self._sockets)


def admit(user, session_row_id: int, *, local: LocalSockets) -> None:
    """Join the connecting socket (in the namespace handling the connect) to its home rooms and register
    it. Called by each namespace's connect handler once it checked the sign-in."""
    for room in home_rooms(user.id, user.organization_id, user.sector, user.is_coordinator, session_row_id):
        join_room(room)
    db.session.merge(LiveSocket(sid=request.sid, namespace=request.namespace, user_id=user.id,
                                session_id=session_row_id, connected_at=utcnow()))
    db.session.commit()
    local.add(request.sid, request.namespace, user.id, session_row_id)


def release(sid: str, *, local: LocalSockets) -> None:
    """Forget a socket that disconnected (for whatever reason)."""
    local.remove(sid)
    db.session.execute(delete(LiveSocket).where(LiveSocket.sid == sid))
    db.session.commit()


def prune_leftovers() -> int:
    """Drop rows a crashed process left behind long ago."""
    result = db.session.execute(delete(LiveSocket).where(LiveSocket.connected_at < utcnow() - FORGOTTEN_AFTER))
    db.session.commit()
    return result.rowcount or 0


def sockets_of_sessions(session_ids) -> list[tuple[str, str]]:
    """`(sid, namespace)` of the sockets opened with these sign-in sessions, on every process."""
    ids = [i for i in session_ids or () if isinstance(i, int)]
    if not ids:
        return []
    return [tuple(row) for row in db.session.execute(
        select(LiveSocket.sid, LiveSocket.namespace).where(LiveSocket.session_id.in_(ids)))]


def sockets_of_member(user_id: int, namespace: str) -> list[str]:
    """Every socket of one member on `namespace`, on every process (the registry and this process's room)."""
    stored = db.session.scalars(select(LiveSocket.sid).where(LiveSocket.user_id == user_id,
                                                             LiveSocket.namespace == namespace))
    return sorted(set(stored) | set(transport.local_sids(user_room(user_id), namespace=namespace)))


def disconnect_sessions(session_ids) -> int:
    """Disconnect every socket opened with these sign-in sessions (logout, deactivation, role change), on
    both namespaces and every server process: a socket this process does not hold is disconnected by the
    process that does, through the message queue (python-socketio's `PubSubManager.can_disconnect`).
    Returns how many sockets were asked to close. If the queue is down at that moment the request is lost;
    the sweep of the process holding the socket finds the session revoked within one interval."""
    targets = set(sockets_of_sessions(session_ids))
    for row_id in session_ids or ():
        for namespace in NAMESPACES:
            targets.update((sid, namespace) for sid in transport.local_sids(session_room(row_id), namespace=namespace))
    for sid, namespace in sorted(targets):
        transport.disconnect(sid, namespace=namespace)
    return len(targets)


def on_sessions_revoked(_sender, user_id=None, session_ids=(), **_extra) -> None:
    """Receiver of `taskforce.auth.signals.sessions_revoked` (connected in `taskforce.wiring`)."""
    disconnect_sessions(session_ids)
