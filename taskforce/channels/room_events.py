"""What is pushed about channels, to which room of the `/channels` namespace, and who leaves which room.

Called by `events.py` and `views.py` after a service committed (store, then broadcast). Everything goes
through the live layer (`taskforce.live`): its room names (`user:<id>`, `sector:<sector>`, `task_force`,
`coordinators`, `session:<row id>`, joined on connect by `live.admit`), plus the chat's own
`channel:<id>`. Presence (who is online) is ephemeral, kept by the live layer in memory or, with several
processes, in Redis: never stored.
"""
from taskforce import live
from taskforce.channels.models import ChannelKind
from taskforce.channels.payloads import channel_payload, message_payload

NAMESPACE = live.CHANNELS


def channel_room(channel_id: int) -> str:
    return f"channel:{channel_id}"


def _push(room, event: str, payload: dict, skip_sid: str | None = None) -> None:
    live.push(room, event, payload, namespace=NAMESPACE, skip_sid=skip_sid)


def message_posted(message) -> None:
    """Broadcast a stored message to everyone in its channel (the sender's other tabs included)."""
    _push(channel_room(message.channel_id), "message_posted", message_payload(message))


def message_updated(message) -> None:
    """An edit, deletion or reaction change: the whole new state of the message."""
    _push(channel_room(message.channel_id), "message_updated", message_payload(message))


def read_state(user_id: int, channel_id: int, last_read: int) -> None:
    """The member's other tabs move their read position too."""
    _push(live.user_room(user_id), "read_state", {"channel_id": channel_id, "last_read": last_read})


def channel_updated(channel) -> None:
    _push(channel_room(channel.id), "channel_updated", channel_payload(channel))


def channel_added(channel) -> None:
    """Tell the sockets that may now read `channel` about it; each client then sends `join` (authorized
    on every process, so this also works with several server processes)."""
    payload = channel_payload(channel)
    if channel.kind is ChannelKind.TASK_FORCE:
        _push(live.TASK_FORCE, "channel_added", payload)
    elif channel.kind is ChannelKind.SECTOR:
        _push([live.sector_room(channel.sector), live.COORDINATORS], "channel_added", payload)


def member_added(channel, user_id: int) -> None:
    _push(live.user_room(user_id), "channel_added", channel_payload(channel))


def member_removed(channel_id: int, user_id: int) -> None:
    """Take every socket of that person out of the channel's room now, on every server process, then tell
    their pages. Sockets held by another process are named by the live layer's registry; python-socketio
    forwards `leave_room` of a socket it does not hold through the message queue."""
    room = channel_room(channel_id)
    for sid in live.sockets_of_member(user_id, NAMESPACE):
        live.leave_room(sid, room, namespace=NAMESPACE)
    _push(live.user_room(user_id), "channel_removed", {"channel_id": channel_id})


def typing(channel_id: int, user, skip_sid: str) -> None:
    _push(channel_room(channel_id), "typing", {"channel_id": channel_id, "user_id": user.id,
                                               "name": user.display_name}, skip_sid=skip_sid)


def came_online(user, sid: str) -> None:
    if live.presence().came_online(user.id, sid):
        _push(live.TASK_FORCE, "presence", {"user_id": user.id, "name": user.display_name, "online": True})


def went_offline(sid: str) -> None:
    user_id, last = live.presence().went_offline(sid)
    if last:
        _push(live.TASK_FORCE, "presence", {"user_id": user_id, "online": False})


def online_user_ids() -> set[int]:
    return live.presence().online_user_ids()
