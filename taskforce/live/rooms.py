"""PURE: the names of the platform's Socket.IO namespaces and rooms, so no domain spells one out.

Rooms are per namespace in Socket.IO; every socket of both namespaces joins the same *home rooms* on
connect (`home_rooms`), so a push to `user:<id>` on `/live` and a chat update to `user:<id>` on
`/channels` reach the same member. Per-object rooms (`training:12`, `network:map`) are joined only on a
`subscribe` that the object's domain authorized (`taskforce.live.access`).
"""
NAMESPACE = "/live"         # app-wide pushes: every signed-in page holds this socket (static/js/live.js)
CHANNELS = "/channels"      # the chat namespace (DESIGN §5 contract), its events in taskforce/channels/events.py

TASK_FORCE = "task_force"
COORDINATORS = "coordinators"

# Room prefixes a `subscribe` may never name: they are joined on connect, by the server's rules only.
RESERVED_KINDS = frozenset({"user", "org", "sector", "session", "channel", TASK_FORCE, COORDINATORS})
MAX_ROOM_NAME = 120


def user_room(user_id: int) -> str:
    """Every socket of one member (all tabs, every process)."""
    return f"user:{user_id}"


def org_room(organization_id: int) -> str:
    """Every socket of one organization's members."""
    return f"org:{organization_id}"


def sector_room(sector) -> str:
    """Every socket of one sector's members (`sector` is the enum or its value)."""
    return f"sector:{getattr(sector, 'value', sector)}"


def session_room(session_row_id: int) -> str:
    """Every socket opened with one sign-in session (what a logout or the sweep ends)."""
    return f"session:{session_row_id}"


def object_room(kind: str, object_id) -> str:
    """Sockets watching one object (a training, the partner map…)."""
    return f"{kind}:{object_id}"


def home_rooms(user_id: int, organization_id: int, sector, is_coordinator: bool, session_row_id: int) -> list[str]:
    """The rooms a member's socket joins on connect: who they are, where they work, their session."""
    rooms = [user_room(user_id), org_room(organization_id), sector_room(sector), TASK_FORCE,
             session_room(session_row_id)]
    if is_coordinator:
        rooms.append(COORDINATORS)
    return rooms


def parse_object_room(room) -> tuple[str, object] | None:
    """`"training:12"` → `("training", 12)` (digits become an int); None for anything that is not a
    well-formed per-object room name (reserved prefixes, empty parts, too long, not a string)."""
    if not isinstance(room, str) or len(room) > MAX_ROOM_NAME or "\x00" in room:
        return None
    kind, colon, object_id = room.partition(":")
    if not colon or not kind or not object_id or kind in RESERVED_KINDS or not kind.replace("_", "").isalnum():
        return None
    return kind, int(object_id) if object_id.isdigit() and len(object_id) < 19 else object_id
