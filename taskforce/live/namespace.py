"""The `/live` Socket.IO namespace: every signed-in page holds one socket here (static/js/live.js).

On connect the socket joins its home rooms (`user:`, `org:`, `sector:`, `task_force`, `session:`, and
`coordinators` for coordinators and admins); pushes from every domain arrive through them. The
events a client sends are `subscribe {room}` / `unsubscribe {room}` for a per-object room, each acked
with `{ok: true}` or `{error}`, and `live_state`, acked with `{live: bool}` (false while the message queue
is down: taskforce.live.queue_watch); a subscribe is allowed only when the object's domain said so
(`taskforce.live.access`). Socket events here are not activity: they never extend the sign-in session.
"""
import logging

from flask import request, session
from flask_login import current_user
from flask_socketio import Namespace, disconnect, join_room, leave_room, rooms

from taskforce.live import access, layer
from taskforce.live.rooms import parse_object_room

log = logging.getLogger(__name__)
MAX_SUBSCRIPTIONS = 50  # object rooms per socket: a page watches a few, a script cannot watch thousands
SIGNED_OUT = "Your session has ended. Sign in again."
REFUSED = "You cannot follow that here."


def refusal() -> str | None:
    """Why this socket may not be live, or None. A dead session (revoked, idle, too old) reaches the
    handler as an anonymous user, since the session store re-reads it for every event; a coordinator or
    admin without a second factor is refused as on every page (`auth.views.enforce_second_factor`)."""
    if not current_user.is_authenticated or not getattr(session, "row_id", None):
        return SIGNED_OUT
    if current_user.requires_totp and not current_user.totp_enabled:
        return "Set up two-factor sign-in first (your role requires it)."
    return None


class LiveNamespace(Namespace):
    def trigger_event(self, event, *args):
        if event in ("connect", "disconnect", "subscribe", "unsubscribe", "live_state"):
            return super().trigger_event(event, *args)
        return super().trigger_event("unknown_event", *args)  # answered (and logged) under our own name

    def on_unknown_event(self, *_args):
        return {"error": "Unknown event: this namespace knows subscribe, unsubscribe and live_state."}

    def on_connect(self, auth=None):
        if refusal() is not None:
            return False
        layer.admit(current_user._get_current_object(), session.row_id)
        return True

    def on_disconnect(self, *_reason):
        layer.release()

    def on_subscribe(self, data=None):
        if (why := refusal()) is not None:
            disconnect()
            return {"error": why}
        parsed = parse_object_room(data.get("room") if isinstance(data, dict) else None)
        check = access.check_for(parsed[0]) if parsed else None
        if check is None:
            return {"error": REFUSED}
        room = f"{parsed[0]}:{parsed[1]}"
        if room in rooms():
            return {"ok": True, "room": room}
        if sum(1 for r in rooms() if ":" in r) >= MAX_SUBSCRIPTIONS + 4:  # + the home rooms with a colon
            return {"error": f"At most {MAX_SUBSCRIPTIONS} things can be followed at once on one page."}
        try:
            allowed = check(current_user._get_current_object(), parsed[1]) is True
        except Exception:  # a domain's check failing (a bad id, a bug) is a refusal, never a crash
            log.exception("live subscribe check for %s failed", parsed[0])
            allowed = False
        if not allowed:
            return {"error": REFUSED}
        join_room(room)
        return {"ok": True, "room": room}

    def on_live_state(self, *_args):
        """Whether live updates from other processes reach this page now (asked on every connect)."""
        return {"live": not layer.live_paused()}

    def on_unsubscribe(self, data=None):
        parsed = parse_object_room(data.get("room") if isinstance(data, dict) else None)
        if parsed:
            leave_room(f"{parsed[0]}:{parsed[1]}")
        return {"ok": True}
