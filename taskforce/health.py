"""What `/healthz` and `/readyz` report: can this process reach what it needs, and should it get traffic.

`/healthz` is for a person or a monitor: each check (the database; the message queue when
SOCKETIO_MESSAGE_QUEUE is set) with "ok" or "unavailable", and 503 when any is down. `/readyz` is for a
proxy deciding where to route: 503 while the process is shutting down (draining: `begin_draining`, called on
SIGTERM by `app.py`) or cannot reach its database, so requests go to a worker that can answer them; a message
queue outage is reported but does not make a process unready (every process shares the queue).

Each check is short-bounded (the database's connect timeout, 1 s for Redis), so a probe never hangs.
"""
import logging
import threading

from sqlalchemy import text

from taskforce.extensions import db

log = logging.getLogger(__name__)
QUEUE_TIMEOUT_SECONDS = 1.0
_DRAINING = "health.draining"
_QUEUE_CLIENT = "health.queue_client"
_client_lock = threading.Lock()


def database_reachable() -> bool:
    """One `SELECT 1` on a pooled connection (a dead one is replaced first, see taskforce.connections)."""
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception as error:  # unreachable, refused, timed out: all the same to a probe
        log.warning("health: database unreachable (%s)", type(error).__name__)
        return False


def _queue_client(app):
    """One Redis client per app (redis-py clients are thread-safe and pool their connections)."""
    with _client_lock:
        client = app.extensions.get(_QUEUE_CLIENT)
        if client is None:
            import redis
            client = redis.Redis.from_url(app.config["SOCKETIO_MESSAGE_QUEUE"],
                                          socket_connect_timeout=QUEUE_TIMEOUT_SECONDS,
                                          socket_timeout=QUEUE_TIMEOUT_SECONDS)
            app.extensions[_QUEUE_CLIENT] = client
        return client


def message_queue_reachable(app) -> bool:
    """A PING to the Socket.IO message queue (Redis: the only kind the app configures)."""
    try:
        return bool(_queue_client(app).ping())
    except Exception as error:
        log.warning("health: message queue unreachable (%s)", type(error).__name__)
        return False


def checks(app) -> dict[str, str]:
    """Every dependency this process needs, each "ok" or "unavailable"."""
    results = {"database": "ok" if database_reachable() else "unavailable"}
    if app.config.get("SOCKETIO_MESSAGE_QUEUE"):
        results["message_queue"] = "ok" if message_queue_reachable(app) else "unavailable"
    return results


def begin_draining(app) -> None:
    """From now on `/readyz` answers 503: the proxy stops sending new requests while those in flight end."""
    app.extensions[_DRAINING] = True


def is_draining(app) -> bool:
    return bool(app.extensions.get(_DRAINING))
