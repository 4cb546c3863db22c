"""The `/channels` Socket.IO namespace (DESIGN §5): translate socket events into service calls.

Every event re-checks the sign-in: the server-side session is re-opened from the handshake cookie on each
event, so after a logout `current_user` is anonymous and the socket gets an `error` and is disconnected.
Domain errors go back to the sender only, as the ack `{error}` and as an `error` event; nothing a client
sends (unknown events, wrong types, floods) can crash a handler. Each event runs in its own app context,
whose teardown discards any uncommitted database work of a failed event.
"""
import logging
import math

from flask import current_app, request, session
from flask_login import current_user
from flask_socketio import Namespace, disconnect, emit, join_room

from taskforce import live
from taskforce.auth.session_store import mark_active, session_is_live
from taskforce.channels import access, catch_up, message_edits, posting, room_events, services
from taskforce.channels.payloads import message_payload
from taskforce.errors import DomainError, RateLimited, ValidationError
from taskforce.outage import DATABASE_DOWN, forget_database_work, is_database_outage
from taskforce.input_guard import UNSTORABLE_TEXT, unstorable

log = logging.getLogger(__name__)
NAMESPACE = room_events.NAMESPACE
SIGNED_OUT = "Your session has ended. Sign in again."
SECOND_FACTOR = "Set up two-factor sign-in first (your role requires it), then open channels again."
# Events a person makes (not the page's automatic join, sync and read): they count as activity and restart
# the session's idle clock, as a page request does (docs/design-notes.md, "What counts as activity").
ACTIVITY = frozenset({"send", "edit", "delete", "react", "mute", "typing"})


def send_limit():
    """Per-member send budget (default 20 messages per 10 s), one per app: in Redis when configured, so
    two processes draw from one bucket (`live.flood_limit`)."""
    return current_app.extensions["channels.send_limit"]


def typing_limit():
    return current_app.extensions["channels.typing_limit"]


def _payload(args) -> dict:
    if not args or not isinstance(args[0], dict):
        raise ValidationError("This event needs an object with its fields.")
    return args[0]


class ChannelNamespace(Namespace):
    def trigger_event(self, event, *args):
        """Route unknown events to an `error` answer instead of silence or a crash."""
        if not isinstance(event, str) or not hasattr(self, "on_" + event) or event.startswith("_"):
            return super().trigger_event("unknown_event", *args)
        return super().trigger_event(event, *args)

    # -- connection -------------------------------------------------------------------------------------
    def on_connect(self, auth=None):
        if self._refusal() is not None:
            return False
        user = current_user._get_current_object()
        for channel in services.readable_channels(user):
            join_room(room_events.channel_room(channel.id))
        live.admit(user, session.row_id)  # home rooms (user, org, sector, task force, session), registry
        room_events.came_online(user, request.sid)
        return True

    def on_disconnect(self, *_reason):
        room_events.went_offline(request.sid)
        live.release()

    def on_unknown_event(self, *_args):
        return self._refuse("unknown", "Unknown event: this server knows join, send, sync, edit, delete, react, "
                                       "read, mute and typing.")

    def on_malformed(self, *_args):
        """A packet whose JSON could not be read (`TolerantSocketPacket`)."""
        return self._refuse("malformed", "This event's data could not be read: send plain JSON objects "
                                         "(at most a few levels deep).")

    # -- events ---------------------------------------------------------------------------------------------
    def on_join(self, *args):
        def run(actor, data):
            state = services.join_channel(actor, data.get("channel_id"), room_events.online_user_ids())
            join_room(room_events.channel_room(state["channel"]["id"]))
            return dict(state, ok=True)
        return self._handle("join", args, run)

    def on_send(self, *args):
        def run(actor, data):
            if not send_limit().allow(actor.id):
                wait = max(1, math.ceil(send_limit().retry_after(actor.id)))
                raise RateLimited(f"You are sending too fast (at most 20 messages in 10 seconds). "
                                  f"Wait {wait} s and send again.")
            posted = posting.post_message(actor, data.get("channel_id"), data.get("body"), data.get("client_id"),
                                          parent_id=data.get("parent_id"),
                                          confirm_pii=data.get("confirm_pii") is True)
            if posted.created:  # mentions and thread replies: channels.signals.message_posted → channels/live.py
                room_events.message_posted(posted.message)
            return {"id": posted.message.id}
        return self._handle("send", args, run)

    def on_sync(self, *args):
        def run(actor, data):
            limit = data["limit"] if isinstance(data.get("limit"), int) else catch_up.SYNC_LIMIT
            messages, has_more = catch_up.messages_since(actor, data.get("since"), limit)
            answer = {"messages": [message_payload(m, for_user_id=actor.id) for m in messages], "has_more": has_more}
            if "changes_since" in data:  # edits, deletions, reactions made while the page was away
                updated, up_to, more = catch_up.changes_since(actor, data["since"], data["changes_since"], limit)
                answer.update(updated=[message_payload(m, for_user_id=actor.id) for m in updated],
                              changes_up_to=up_to, changes_more=more)
            return answer
        return self._handle("sync", args, run)

    def on_edit(self, *args):
        def run(actor, data):
            message = message_edits.edit_message(actor, data.get("message_id"), data.get("body"),
                                                 confirm_pii=data.get("confirm_pii") is True)
            room_events.message_updated(message)
            return {"ok": True, "id": message.id}
        return self._handle("edit", args, run)

    def on_delete(self, *args):
        def run(actor, data):
            message = message_edits.delete_message(actor, data.get("message_id"))
            room_events.message_updated(message)
            return {"ok": True, "id": message.id}
        return self._handle("delete", args, run)

    def on_react(self, *args):
        def run(actor, data):
            message = message_edits.react(actor, data.get("message_id"), data.get("emoji"),
                                         on=data.get("on", True) is not False)
            room_events.message_updated(message)
            return {"ok": True, "id": message.id}
        return self._handle("react", args, run)

    def on_read(self, *args):
        def run(actor, data):
            last = services.mark_read(actor, data.get("channel_id"), data.get("message_id"))
            channel_id = access.channel_id_of(data.get("channel_id"))
            room_events.read_state(actor.id, channel_id, last)
            return {"ok": True, "last_read": last}
        return self._handle("read", args, run)

    def on_mute(self, *args):
        def run(actor, data):
            return {"ok": True, "muted": services.set_muted(actor, data.get("channel_id"), data.get("muted") is True)}
        return self._handle("mute", args, run)

    def on_typing(self, *args):
        def run(actor, data):
            channel = access.writable_channel(actor, data.get("channel_id"))
            if typing_limit().allow(actor.id):  # ephemeral: dropped under load, never stored
                room_events.typing(channel.id, actor, request.sid)
            return {"ok": True}
        return self._handle("typing", args, run)

    # -- plumbing -----------------------------------------------------------------------------------------
    def _refusal(self) -> str | None:
        """Why this socket may not act, or None. HTTP's before_request hooks never run for socket events,
        so the rules they keep are checked here too: a live sign-in, and the second factor a coordinator
        or admin must have set up (`auth.views.enforce_second_factor`)."""
        if not (current_user.is_authenticated
                and session_is_live(session.row_id, current_app.config, opened=session)):
            return SIGNED_OUT
        if current_user.requires_totp and not current_user.totp_enabled:
            return SECOND_FACTOR
        return None

    def _handle(self, event: str, args, run):
        """Check the session, run the use case, and turn any failure into an answer to the sender."""
        if getattr(session, "database_down", False):  # not signed out: the session row could not be read
            return self._refuse(event, DATABASE_DOWN)
        refusal = self._refusal()
        if refusal is not None:
            emit("error", {"event": event, "message": refusal})  # to the sender only
            disconnect()
            return {"error": refusal}
        if event in ACTIVITY:
            mark_active(session.row_id, current_app.config, opened=session)
        try:
            if unstorable(args):
                raise ValidationError(UNSTORABLE_TEXT)
            return run(current_user._get_current_object(), _payload(args))
        except DomainError as error:
            return self._refuse(event, error.message, error.details)
        except Exception as error:  # a bug must not take the socket down; it is logged with its traceback
            if is_database_outage(error):  # nothing was saved: the page puts the text back (channels_sync.js)
                forget_database_work()
                return self._refuse(event, DATABASE_DOWN)
            log.exception("channels event %s failed", event)
            return self._refuse(event, "Something went wrong on our side. It has been logged; try again.")

    def _refuse(self, event, message: str, details: dict | None = None) -> dict:
        answer = {"error": message}
        if details and "pii" in details:
            answer["pii"] = details["pii"]
        emit("error", {"event": event if isinstance(event, str) else "", "message": message})
        return answer


def register(app) -> None:
    """Bind the namespace and the flood limits (views.register calls this)."""
    rate, per = app.config.get("CHANNELS_SEND_RATE", (20, 10))
    app.extensions["channels.send_limit"] = live.flood_limit(app, "channels.send", rate, per)
    app.extensions["channels.typing_limit"] = live.flood_limit(app, "channels.typing", 10, 5)
    live.register_namespace(ChannelNamespace(NAMESPACE))  # each create_app made a new Socket.IO server
