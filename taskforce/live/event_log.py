"""One log line per Socket.IO event, with a request id, as HTTP requests have (issue 17).

Every event a namespace handles (both `/live` and the chat's `/channels`: Flask-SocketIO runs each through
`SocketIO._handle_event`, which this wraps once) gets the id `<connection id>.<n>`: the connection id is the
handshake's X-Request-ID when the proxy sent a sane one (deploy/nginx.conf sends nginx's `$request_id`),
else a new one chosen at the connection's first event; `n` counts the connection's events (connect is 1) over
both namespaces, which share the connection. The id is set as the event's `g.request_id`, so every line
logged while the handler runs carries it too (taskforce.request_ids stamps it, in JSON with LOG_FORMAT=json).

The line itself is the event's access line, `EVENT <namespace> <event> <outcome> <ms>ms` — never the event's
data or its answer (message text, search words, room names a client made up): only the handler's name,
which is ours, and whether it answered an error.
"""
import itertools
import logging
import re
import time
import uuid
from functools import wraps

from flask import g, request

from taskforce.request_ids import HEADER, SANE_ID

log = logging.getLogger("taskforce.live.events")

_CONNECTION_ID = "taskforce.connection_id"
_SEQUENCE = "taskforce.event_sequence"
_EVENT_NAME = re.compile(r"[a-z_]{1,32}")
_WRAPPED = "_taskforce_logs_events"


def connection_id(environ: dict) -> str:
    """The connection's id, chosen once and kept in its WSGI environ (one per engine.io connection)."""
    rid = environ.get(_CONNECTION_ID)
    if rid is None:
        offered = environ.get("HTTP_" + HEADER.upper().replace("-", "_"), "")
        rid = offered if SANE_ID.fullmatch(offered) and len(offered) <= 100 else uuid.uuid4().hex
        environ.setdefault(_SEQUENCE, itertools.count(1))
        rid = environ.setdefault(_CONNECTION_ID, rid)
    return rid


def event_id(environ: dict) -> str:
    """`<connection id>.<n>`: the next number of this connection's events (itertools.count is atomic)."""
    rid = connection_id(environ)
    return f"{rid}.{next(environ.setdefault(_SEQUENCE, itertools.count(1)))}"


def _outcome(answer) -> str:
    if answer is False:
        return "refused"
    if isinstance(answer, dict) and "error" in answer:
        return "error"
    if isinstance(answer, tuple) and answer and isinstance(answer[0], dict) and "error" in answer[0]:
        return "error"
    return "ok"


def _logged(handler, message: str):
    """The handler, run inside the event's request context with its id set and its line logged."""
    name = message if isinstance(message, str) and _EVENT_NAME.fullmatch(message) else "other"

    @wraps(handler)
    def run(*args):
        g.request_id = event_id(request.environ)
        started, outcome = time.perf_counter(), "failed"
        try:
            answer = handler(*args)
            outcome = _outcome(answer)
            return answer
        except TypeError:
            outcome = "retried"  # Flask-SocketIO calls a handler again with fewer arguments (legacy signatures)
            raise
        finally:
            if outcome != "retried":
                log.info("EVENT %s %s %s %.1fms", getattr(request, "namespace", "/"), name, outcome,
                         (time.perf_counter() - started) * 1000)
    return run


def install(socketio) -> None:
    """Wrap the Socket.IO singleton's event dispatch once (it outlives the apps a test process creates)."""
    if getattr(socketio, _WRAPPED, False):
        return
    dispatch = socketio._handle_event

    def handle_event(handler, message, namespace, sid, *args):
        return dispatch(_logged(handler, message), message, namespace, sid, *args)

    socketio._handle_event = handle_event
    setattr(socketio, _WRAPPED, True)
