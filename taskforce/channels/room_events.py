"""Socket.IO side of channel changes: what is pushed to which room, and who is thrown out of which room.

Called by `events.py` and `views.py` after a service committed (store, then broadcast). Rooms on the
`/channels` namespace: `user:<id>`, `sector:<sector>`, `task_force`, `channel:<id>`, and `session:<row id>`
(every socket of one sign-in session, so that a revoked session can be disconnected by its row id).
Presence (who is online) is ephemeral and per process: never stored.
"""
import threading

from taskforce.channels import sockets
from taskforce.channels.models import ChannelKind
from taskforce.channels.payloads import channel_payload, message_payload
from taskforce.extensions import socketio

NAMESPACE = "/channels"

_presence_lock = threading.Lock()
_online: dict[int, dict] = {}  # user id -> {"name": ..., "sids": set()}
_user_of_sid: dict[str, int] = {}


def channel_room(channel_id: int) -> str:
    return f"channel:{channel_id}"


def _local_sids(room: str) -> list[str]:
    """The sockets of `room` connected to this process (python-socketio keeps rooms per process)."""
    try:
        return [sid for sid, _eio in socketio.server.manager.get_participants(NAMESPACE, room)]
    except (KeyError, AttributeError):
        return []


def message_posted(message) -> None:
    """Broadcast a stored message to everyone in its channel (the sender's other tabs included)."""
    socketio.emit("message_posted", message_payload(message), to=channel_room(message.channel_id),
                  namespace=NAMESPACE)


def message_updated(message) -> None:
    """An edit, deletion or reaction change: the whole new state of the message."""
    socketio.emit("message_updated", message_payload(message), to=channel_room(message.channel_id),
                  namespace=NAMESPACE)


def notify(user_id: int, kind: str, text: str, url: str) -> None:
    """The shared `notification` event (a toast on every page of that member)."""
    socketio.emit("notification", {"kind": kind, "text": text, "url": url}, to=f"user:{user_id}",
                  namespace=NAMESPACE)


def channel_updated(channel) -> None:
    socketio.emit("channel_updated", channel_payload(channel), to=channel_room(channel.id), namespace=NAMESPACE)


def channel_added(channel) -> None:
    """Tell the sockets that may now read `channel` about it; each client then sends `join` (authorized
    on every process, so this also works with several server processes)."""
    payload = channel_payload(channel)
    if channel.kind is ChannelKind.TASK_FORCE:
        socketio.emit("channel_added", payload, to="task_force", namespace=NAMESPACE)
    elif channel.kind is ChannelKind.SECTOR:
        socketio.emit("channel_added", payload, to=[f"sector:{channel.sector}", "coordinators"], namespace=NAMESPACE)


def member_added(channel, user_id: int) -> None:
    socketio.emit("channel_added", channel_payload(channel), to=f"user:{user_id}", namespace=NAMESPACE)


def member_removed(channel_id: int, user_id: int) -> None:
    """Take every socket of that person out of the channel's room now, on every server process, then tell
    their pages. Sockets held by another process are named by the registry (`sockets`); python-socketio
    forwards `leave_room` of a socket it does not hold through the message queue."""
    room = channel_room(channel_id)
    for sid in set(sockets.sockets_of_member(user_id)) | set(_local_sids(f"user:{user_id}")):
        socketio.server.leave_room(sid, room, namespace=NAMESPACE)
    socketio.emit("channel_removed", {"channel_id": channel_id}, to=f"user:{user_id}", namespace=NAMESPACE)


def disconnect_sessions(user_id: int, session_ids) -> int:
    """Disconnect the sockets opened with these sign-in sessions (logout, deactivation, role change), on
    every server process: a socket this process does not hold is disconnected by the process that does,
    through the message queue (python-socketio's `PubSubManager.can_disconnect`). Returns how many sockets
    were asked to close. If the queue is down at that moment the request is lost; the socket's next event
    (the page's periodic `sync` at the latest) finds the session dead and is disconnected then."""
    sids = set(sockets.sockets_of_sessions(session_ids))
    for row_id in session_ids or ():
        sids.update(_local_sids(f"session:{row_id}"))
    for sid in sorted(sids):
        socketio.server.disconnect(sid, namespace=NAMESPACE)
    return len(sids)


def on_sessions_revoked(_sender, user_id=None, session_ids=(), **_extra) -> None:
    """Receiver of `taskforce.auth.signals.sessions_revoked` (connected in `taskforce.wiring`)."""
    disconnect_sessions(user_id, session_ids)


def typing(channel_id: int, user, skip_sid: str) -> None:
    socketio.emit("typing", {"channel_id": channel_id, "user_id": user.id, "name": user.display_name},
                  to=channel_room(channel_id), skip_sid=skip_sid, namespace=NAMESPACE)


def came_online(user, sid: str) -> None:
    with _presence_lock:
        entry = _online.setdefault(user.id, {"name": user.display_name, "sids": set()})
        first = not entry["sids"]
        entry["sids"].add(sid)
        _user_of_sid[sid] = user.id
    if first:
        socketio.emit("presence", {"user_id": user.id, "name": user.display_name, "online": True},
                      to="task_force", namespace=NAMESPACE)


def went_offline(sid: str) -> None:
    with _presence_lock:
        user_id = _user_of_sid.pop(sid, None)
        entry = _online.get(user_id)
        if entry is None:
            return
        entry["sids"].discard(sid)
        last = not entry["sids"]
        if last:
            del _online[user_id]
    if last:
        socketio.emit("presence", {"user_id": user_id, "online": False}, to="task_force", namespace=NAMESPACE)


def user_of(sid: str) -> int | None:
    """The member a socket was opened by (None once it is gone)."""
    with _presence_lock:
        return _user_of_sid.get(sid)


def online_user_ids() -> set[int]:
    with _presence_lock:
        return set(_online)
