"""The per-process sweep: sockets whose sign-in session ended without a logout (idle 30 min, 12 h old, or
revoked while the message queue was down) are disconnected within one interval.

Without it such a socket would keep receiving room broadcasts for as long as it stays open, because a
session's timeout is only noticed when a request or a socket event re-reads the session. The sweep reads
the sessions of this process's sockets in one query every `LIVE_SWEEP_INTERVAL` seconds (default 30) and
disconnects the dead ones here (each process sweeps its own sockets). It also keeps this process's
presence entries alive in Redis, takes crashed processes' members offline, and prunes registry rows a
crash left behind. It runs only while this process holds sockets, so an idle server (or a test's app)
keeps no thread.
"""
import logging
import threading
import time

from taskforce.extensions import socketio
from taskforce.live import registry
from taskforce.live.rooms import CHANNELS, TASK_FORCE
from taskforce.live.transport import push

log = logging.getLogger(__name__)
PRUNE_EVERY = 600.0  # seconds between deletions of crash leftovers in the registry


class Sweeper:
    def __init__(self, app, state):
        self.app = app
        self.state = state
        self.server = socketio.server  # the Socket.IO server of this app (tests make many apps)
        self._lock = threading.Lock()
        self._running = False
        self._last_prune = 0.0
        self.sweeps = 0

    @property
    def interval(self) -> float:
        return float(self.app.config.get("LIVE_SWEEP_INTERVAL", 30))

    def ensure_running(self) -> None:
        """Start the loop if it is not running (called after each socket is admitted)."""
        with self._lock:
            if self._running:
                return
            self._running = True
        socketio.start_background_task(self._run)

    def _run(self) -> None:
        while True:
            socketio.sleep(self.interval)
            try:
                with self.app.app_context():
                    self.sweep_once()
            except Exception:  # a database or Redis outage must not end the loop
                log.exception("live sweep failed; trying again in %.0f s", self.interval)
            with self._lock:
                if len(self.state.local) == 0:
                    self._running = False
                    return

    def sweep_once(self) -> int:
        """One pass (in an app context): disconnect the sockets of ended sessions; returns how many."""
        sockets = self.state.local.snapshot()
        if not sockets:  # nothing to sweep (and the loop is about to end): touch neither database nor Redis
            return 0
        ended = self.state.ended_sessions({session_id for _ns, _user, session_id in sockets.values()}) \
            if self.state.ended_sessions else set()
        closed = 0
        for sid, (namespace, _user_id, session_id) in sorted(sockets.items()):
            if session_id in ended:
                self.server.disconnect(sid, namespace=namespace)
                closed += 1
        self._keep_presence(sockets, ended)
        if time.monotonic() - self._last_prune > PRUNE_EVERY:
            self._last_prune = time.monotonic()
            registry.prune_leftovers()
        self.sweeps += 1
        if closed:
            log.info("live sweep disconnected %d socket(s) of ended sessions", closed)
        return closed

    def _keep_presence(self, sockets, ended) -> None:
        chat = {}
        for sid, (namespace, user_id, session_id) in sockets.items():
            if namespace == CHANNELS and session_id not in ended:
                chat.setdefault(user_id, []).append(sid)
        presence = self.state.presence
        presence.refresh(chat)
        for user_id in presence.prune():
            push(TASK_FORCE, "presence", {"user_id": user_id, "online": False}, namespace=CHANNELS)
