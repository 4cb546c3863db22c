"""The one place that emits: `push` for app-wide events, and the few Socket.IO operations the chat
namespace needs on sockets it may not hold itself (leave a room, disconnect, list local members).

With `SOCKETIO_MESSAGE_QUEUE` set, python-socketio's pub/sub manager forwards each of these to every
server process, so a push or a disconnect reaches a socket whichever process holds it.
"""
from taskforce.extensions import socketio
from taskforce.live.rooms import NAMESPACE


def push(room, event: str, payload: dict, *, namespace: str = NAMESPACE, skip_sid: str | None = None) -> None:
    """Send `event` to every socket in `room` (a name or a list of names), on every server process.
    `payload` is a JSON-able dict and carries no case details. Chat updates pass `namespace=CHANNELS`."""
    socketio.emit(event, payload, to=room, namespace=namespace, skip_sid=skip_sid)


def to_socket(sid: str, event: str, payload: dict, *, namespace: str = NAMESPACE) -> None:
    """Send `event` to one socket only (an answer to its sender)."""
    socketio.emit(event, payload, to=sid, namespace=namespace)


def leave_room(sid: str, room: str, *, namespace: str) -> None:
    """Take a socket out of a room, whichever process holds it."""
    socketio.server.leave_room(sid, room, namespace=namespace)


def disconnect(sid: str, *, namespace: str) -> None:
    """Close one socket, whichever process holds it (its disconnect handler runs where it lives)."""
    socketio.server.disconnect(sid, namespace=namespace)


def local_sids(room: str, *, namespace: str) -> list[str]:
    """The sockets of `room` connected to this process (python-socketio keeps rooms per process)."""
    try:
        return [sid for sid, _eio in socketio.server.manager.get_participants(namespace, room)]
    except (KeyError, AttributeError):
        return []
