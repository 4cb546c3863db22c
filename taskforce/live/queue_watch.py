"""Whether this process's live updates reach the other processes right now, told to its pages.

With several processes, a push crosses to the others through Redis pub/sub (SOCKETIO_MESSAGE_QUEUE). When Redis
is down, sends are still stored and each process still pushes to its own sockets, but nothing crosses: a
member's open page would look live while it misses what members on other processes say. So each process watches
its own link: every PROBE_EVERY seconds it publishes a probe on the Socket.IO channel and waits for its own
listener to hear it back. Probes that do not come back within PROBE_WAIT, twice in a row, mean paused — Redis
unreachable, or reachable but this process's listener not subscribed again yet (python-socketio's listener
retries after 1, 2, 4… up to 60 s), since only hearing the probe proves live updates cross again.

On each change every local `/live` socket gets `live_state {live: bool}` (sent to this process's sockets only:
the queue may be what is down); a page asks the same (`live_state`, acked with `{live}`) each time its socket
connects, and pages rendered while paused show the notice from the start. static/js/live.js shows or hides the
notice, and the chat page catches up (`sync`) when `live` comes back. The probe is not JSON, so other processes'
listeners ignore it, and this process's listener drops it before python-socketio sees it."""
import logging
import threading
import time
import uuid

import socketio as python_socketio

from taskforce.live.rooms import NAMESPACE

log = logging.getLogger(__name__)
PROBE_EVERY = 1.0  # seconds between probes
PROBE_WAIT = 2.0   # seconds a probe may take to come back before it counts as lost
MISSES_TO_PAUSE = 2  # lost probes in a row before live updates count as paused (one slow round is no outage)
PROBE_PREFIX = b"taskforce-queue-probe:"
STATE_EVENT = "live_state"


class WatchedRedisManager(python_socketio.RedisManager):
    """python-socketio's Redis manager whose listener also hears this process's own probes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.probe_tag = PROBE_PREFIX + uuid.uuid4().hex.encode() + b":"
        self.heard = 0  # number of the last own probe the listener received
        self._heard_changed = threading.Condition()

    def _listen(self):
        for message in super()._listen():
            if isinstance(message, bytes) and message.startswith(PROBE_PREFIX):
                if message.startswith(self.probe_tag):
                    with self._heard_changed:
                        self.heard = max(self.heard, int(message[len(self.probe_tag):]))
                        self._heard_changed.notify_all()
                continue  # another process's probe: nothing for python-socketio
            yield message

    def wait_heard(self, number: int, timeout: float) -> bool:
        with self._heard_changed:
            return self._heard_changed.wait_for(lambda: self.heard >= number, timeout=timeout)


class QueueWatch:
    """The probe loop of one process and its verdict. Like the sweep, it runs only while this process holds
    sockets (`has_sockets`): started with the first one, it ends after a probe that finds none."""

    def __init__(self, server, manager: WatchedRedisManager, url: str, has_sockets):
        import redis
        self.server = server  # this app's Socket.IO server (tests make many apps)
        self.manager = manager
        self.has_sockets = has_sockets
        self.client = redis.Redis.from_url(url, socket_connect_timeout=1.0, socket_timeout=1.0)
        self.live = True
        self.probes = 0
        self.misses = 0  # lost probes in a row
        self._lock = threading.Lock()
        self._running = False

    @property
    def paused(self) -> bool:
        return not self.live

    def ensure_running(self) -> None:
        with self._lock:
            if self._running:
                return
            self._running = True
        thread = threading.Thread(target=self._run, name="taskforce-queue-watch", daemon=True)
        thread.start()

    def _run(self) -> None:
        while True:
            started = time.monotonic()
            try:
                heard = self.probe()
                self.misses = 0 if heard else self.misses + 1
                self._set(heard or self.misses < MISSES_TO_PAUSE)
            except Exception:  # never end the loop: the next probe decides again
                log.exception("message queue probe failed")
            with self._lock:
                if not self.has_sockets():
                    self._running = False
                    return
            time.sleep(max(0.0, PROBE_EVERY - (time.monotonic() - started)))

    def probe(self) -> bool:
        """Publish one probe and wait for this process's listener to hear it."""
        self.probes += 1
        number = self.probes
        try:
            self.client.publish(self.manager.channel, self.manager.probe_tag + str(number).encode())
        except Exception as error:
            log.debug("message queue probe not published (%s)", type(error).__name__)
            return False
        return self.manager.wait_heard(number, PROBE_WAIT)

    def _set(self, live: bool) -> None:
        if live == self.live:
            return
        self.live = live
        if live:
            log.info("message queue reachable again: live updates cross between processes")
        else:
            log.warning("message queue unreachable: live updates paused on this process")
        self.server.emit(STATE_EVENT, {"live": live}, namespace=NAMESPACE, ignore_queue=True)
