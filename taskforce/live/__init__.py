"""The platform's real-time layer (DESIGN §2, §4): room names and `push`. Domains never emit themselves:
a service sends a blinker signal declared in its own module, and a listener in the domain's `live.py`
turns it into `push(room, event, payload)`.

Contract kept stable for every domain (issue 14 builds the rest behind it — its own namespace, the socket
registry, disconnect on logout, the sweep of timed-out sessions, presence in Redis):
- rooms: `user_room(id)`, `org_room(id)`, `sector_room(sector)`, `TASK_FORCE`, `COORDINATORS`,
  `object_room(kind, id)`;
- `push(room, event, payload)`: `payload` is a JSON-able dict and carries no case details;
- in the browser, `window.taskforceLive.on(event, handler)` (static/js/live.js) receives every push.
"""
from taskforce.extensions import socketio

# Pushes travel on the namespace every signed-in page already holds (static/js/live.js).
NAMESPACE = "/channels"

TASK_FORCE = "task_force"
COORDINATORS = "coordinators"


def user_room(user_id: int) -> str:
    """Every socket of one member (all tabs, every process)."""
    return f"user:{user_id}"


def org_room(organization_id: int) -> str:
    """Every socket of one organization's members."""
    return f"org:{organization_id}"


def sector_room(sector) -> str:
    """Every socket of one sector's members (`sector` is the enum or its value)."""
    return f"sector:{getattr(sector, 'value', sector)}"


def object_room(kind: str, object_id) -> str:
    """Sockets watching one object (a training, the partner map…)."""
    return f"{kind}:{object_id}"


def push(room, event: str, payload: dict) -> None:
    """Send `event` to every socket in `room` (a name or a list of names), on every server process."""
    socketio.emit(event, payload, to=room, namespace=NAMESPACE)
