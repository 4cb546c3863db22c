"""The real-time baseline: a bare python-socketio server that stores nothing and only broadcasts.

It speaks the `/channels` contract (DESIGN §5) in its barest form — `join` enters a room, `send` numbers the
message and emits `message_posted` to the room, acking `{id}` — with no sign-in, database or markup, and is
served as Taskforce is: async_mode "threading", simple-websocket, under gunicorn's gthread worker by
`bench/realtime.py` (or werkzeug's threaded server when run as a script), optionally with a Redis message
queue. `bench/realtime.py` runs it beside Taskforce.

    HOST=127.0.0.1 PORT=5100 SOCKETIO_MESSAGE_QUEUE=redis://… python bench/bare_socketio.py
"""
import html
import itertools
import os
import threading
from datetime import datetime, timezone

import socketio
from werkzeug.serving import run_simple

NAMESPACE = "/channels"


def create_bare_server(message_queue: str | None = None) -> socketio.Server:
    """A Socket.IO server with the channel events and nothing else (ids from a process-local counter; with
    two processes the ids interleave, which the benchmark does not need to be unique across processes)."""
    manager = socketio.RedisManager(message_queue) if message_queue else None
    sio = socketio.Server(async_mode="threading", client_manager=manager, cors_allowed_origins=[],
                          max_http_buffer_size=64 * 1024)
    counter = itertools.count(1)
    lock = threading.Lock()

    @sio.on("connect", namespace=NAMESPACE)
    def connect(sid, environ, auth=None):
        sio.enter_room(sid, "task_force", namespace=NAMESPACE)

    @sio.on("join", namespace=NAMESPACE)
    def join(sid, data):
        channel_id = int((data or {}).get("channel_id", 0))
        sio.enter_room(sid, f"channel:{channel_id}", namespace=NAMESPACE)
        return {"ok": True, "channel_id": channel_id}

    @sio.on("send", namespace=NAMESPACE)
    def send(sid, data):
        data = data or {}
        channel_id = int(data.get("channel_id", 0))
        with lock:
            message_id = next(counter)
        payload = {"id": message_id, "channel_id": channel_id, "author": {"id": 0, "display_name": "bare"},
                   "body_html": f"<p>{html.escape(str(data.get('body', '')))}</p>",
                   "created_at": datetime.now(timezone.utc).isoformat(), "client_id": data.get("client_id")}
        sio.emit("message_posted", payload, to=f"channel:{channel_id}", namespace=NAMESPACE)
        return {"id": message_id}

    return sio


def create_wsgi_app(message_queue: str | None = None):
    """The WSGI app: the Socket.IO server plus a tiny page at `/api/session` for readiness checks."""
    sio = create_bare_server(message_queue)

    def tiny(environ, start_response):
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b'{"csrf_token": "", "user": null}']

    return socketio.WSGIApp(sio, tiny)


def app_from_environment():
    """The WSGI app as gunicorn loads it (`'bench.bare_socketio:app_from_environment()'`), its message queue
    from SOCKETIO_MESSAGE_QUEUE as Taskforce's."""
    return create_wsgi_app(os.environ.get("SOCKETIO_MESSAGE_QUEUE") or None)


if __name__ == "__main__":
    run_simple(os.environ.get("HOST", "127.0.0.1"), int(os.environ.get("PORT", "5100")),
               create_wsgi_app(os.environ.get("SOCKETIO_MESSAGE_QUEUE") or None), threaded=True)
