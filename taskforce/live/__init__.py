"""The platform's real-time layer (DESIGN §2, §4). Domains never emit themselves: a service sends a blinker
signal declared in its own module, and a listener in the domain's `live.py` turns it into
`push(room, event, payload)`.

Contract kept stable for every domain:
- rooms: `user_room(id)`, `org_room(id)`, `sector_room(sector)`, `TASK_FORCE`, `COORDINATORS`,
  `object_room(kind, id)` (a per-object room, joined by `subscribe {room}` once `allow(kind, check)` says so);
- `push(room, event, payload)`: `payload` is a JSON-able dict and carries no case details;
- in the browser, `window.taskforceLive.on(event, handler)` (static/js/live.js) receives every push.

What stands behind it, module by module:
- `rooms` (PURE): namespace and room names; `transport`: `push` and the only code that emits;
- `namespace`: the `/live` Socket.IO namespace (connect, home rooms, `subscribe`/`unsubscribe`);
- `access`: who may subscribe to which per-object room; `registry` + `models`: which sockets are open
  where, and disconnecting a session's sockets on every process; `sweep`: ending sockets of sessions that
  timed out; `presence`, `ratelimit`, `shared`: presence and flood limits, in memory or in Redis;
- `layer`: binds all of it to an app (`register`, `watch_sessions`, `flood_limit`, `admit`, `release`).
"""
from taskforce.live.access import allow
from taskforce.live.layer import (admit, flood_limit, presence, register, register_namespace, release,
                                  watch_sessions)
from taskforce.live.transport import disconnect, leave_room, local_sids, push, to_socket
from taskforce.live.registry import disconnect_sessions, on_sessions_revoked, sockets_of_member
from taskforce.live.rooms import (CHANNELS, COORDINATORS, NAMESPACE, TASK_FORCE, object_room, org_room, sector_room,
                                  session_room, user_room)

__all__ = ["CHANNELS", "COORDINATORS", "NAMESPACE", "TASK_FORCE", "admit", "allow", "disconnect",
           "disconnect_sessions", "flood_limit", "leave_room", "local_sids", "object_room", "on_sessions_revoked",
           "org_room", "presence", "push", "register",
           "register_namespace", "release", "sector_room", "session_room",
           "sockets_of_member", "to_socket", "user_room", "watch_sessions"]
