"""The live layer of one app: its `/live` namespace, this process's sockets, presence, flood limits and
sweep, bound by `register(app)` (called from `create_app` right after Socket.IO is initialised).

Shared state goes to Redis when `SOCKETIO_MESSAGE_QUEUE` names a redis:// URL (several processes), and
stays in memory otherwise (the embedded default).
"""
from dataclasses import dataclass, field
from collections.abc import Callable

from flask import current_app, request

from taskforce.live import registry
from taskforce.live.presence import MemoryPresence
from taskforce.live.ratelimit import TokenBuckets

PRESENCE_TTL_SWEEPS = 3  # a socket's presence outlives three missed sweeps before it counts as gone


@dataclass
class LiveState:
    local: registry.LocalSockets = field(default_factory=registry.LocalSockets)
    presence: object = field(default_factory=MemoryPresence)
    redis: object = None
    ended_sessions: Callable | None = None  # ids -> the ended ones; set by `watch_sessions`
    sweeper: object = None
    queue_watch: object = None  # with a Redis message queue: whether live updates cross (queue_watch)


def state(app=None) -> LiveState:
    return (app or current_app).extensions["live"]


def _redis_url(app) -> str | None:
    url = app.config.get("SOCKETIO_MESSAGE_QUEUE")
    return url if url and url.startswith(("redis://", "rediss://", "unix://")) else None


def register(app) -> None:
    """Bind the live layer to `app`: Socket.IO itself, the `/live` namespace, the socket registry's model,
    shared state (the chat namespace registers itself through `register_namespace`)."""
    from taskforce.extensions import socketio
    from taskforce.live import models  # noqa: F401  (the registry's table)
    from taskforce.live.namespace import LiveNamespace
    from taskforce.live.rooms import NAMESPACE
    from taskforce.live.sweep import Sweeper

    # Flask-SocketIO keeps the client manager of an earlier init_app (a message queue) in its options even
    # when this app has none: each app chooses its own (two apps in one process — tests, CLI — stay apart).
    socketio.server_options.pop("client_manager", None)
    url = _redis_url(app)
    queue = {}
    if url and url.startswith(("redis://", "rediss://")):  # the manager Flask-SocketIO would make, but whose
        # listener also hears this process's probes (taskforce.live.queue_watch)
        from taskforce.live.queue_watch import WatchedRedisManager
        queue["client_manager"] = WatchedRedisManager(url, channel="flask-socketio")
    # manage_session=False: socket events read the same server-side session as HTTP (a logout ends both)
    socketio.init_app(app, message_queue=app.config["SOCKETIO_MESSAGE_QUEUE"], manage_session=False, **queue,
                      cors_allowed_origins=app.config.get("SOCKETIO_CORS_ORIGINS"),  # None: same origin only
                      max_http_buffer_size=64 * 1024,
                      transports=["websocket"] if app.config.get("SOCKETIO_WEBSOCKET_ONLY") else None)
    from taskforce.live.packets import TolerantSocketPacket
    socketio.server.packet_class = TolerantSocketPacket  # unreadable JSON becomes a `malformed` event, not a crash
    from taskforce.live import event_log
    event_log.install(socketio)  # one log line per event, with `<connection id>.<n>` as its request id
    live = LiveState()
    if url:
        from taskforce.live import shared
        if queue:
            from taskforce.live.queue_watch import QueueWatch
            live.queue_watch = QueueWatch(socketio.server, queue["client_manager"], url,
                                          has_sockets=lambda: len(live.local) > 0)
        live.redis = shared.connect(url)
        ttl = max(60.0, PRESENCE_TTL_SWEEPS * float(app.config.get("LIVE_SWEEP_INTERVAL", 30)))
        live.presence = shared.RedisPresence(live.redis, ttl)
    app.extensions["live"] = live
    live.sweeper = Sweeper(app, live)
    socketio.on_namespace(LiveNamespace(NAMESPACE))
    app.context_processor(lambda: {"live_paused": live_paused(app)})


def live_paused(app=None) -> bool:
    """Whether live updates from other processes are paused here (the message queue is down)."""
    watch = state(app).queue_watch
    return bool(watch and watch.paused)


def register_namespace(namespace) -> None:
    """Bind a domain's own Socket.IO namespace (the chat's `/channels`) to the current Socket.IO server."""
    from taskforce.extensions import socketio
    socketio.on_namespace(namespace)


def watch_sessions(app, ended_sessions: Callable) -> None:
    """Tell the sweep how to find ended sign-in sessions: `ended_sessions(ids) -> set of ids` (the auth
    domain's session store, connected in `taskforce.wiring`, so the live layer imports no domain)."""
    state(app).ended_sessions = ended_sessions


def flood_limit(app, name: str, capacity: int, per_seconds: float):
    """A per-key token bucket (`allow(key)`, `retry_after(key)`): in Redis when configured, so every
    process draws from the same bucket; in memory otherwise."""
    live = state(app)
    if live.redis is not None:
        from taskforce.live.shared import RedisTokenBuckets
        return RedisTokenBuckets(live.redis, name, capacity, per_seconds)
    return TokenBuckets(capacity, per_seconds)


def presence():
    """This app's presence store (memory or Redis)."""
    return state().presence


def admit(user, session_row_id: int) -> None:
    """Called by a namespace's connect handler once it checked the sign-in: the socket joins its home rooms,
    is registered, and the sweep watches it."""
    live = state()
    registry.admit(user, session_row_id, local=live.local)
    live.sweeper.ensure_running()
    if live.queue_watch is not None:
        live.queue_watch.ensure_running()


def release() -> None:
    """Called by a namespace's disconnect handler."""
    registry.release(request.sid, local=state().local)
