"""Several gunicorn processes as the README runs them in production (`make serve`'s command, one per port),
on one migrated database and, when asked, a private redis-server they share rooms through — for the fault
proofs (a process killed, Redis restarted, the database cut). Every process started here is stopped when
the `with` block ends, whatever happened; their logs are printed then (pytest shows them on failure)."""
import os
import signal
import tempfile
import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field

from tests.channels.multiprocess_helpers import (RecordingClient, RedisProcess, ServerProcess, port_open, running,
                                                 wait_for)
from tests.deploy.servers import add_members, gunicorn_server, migrate


@dataclass
class Cluster:
    seeded: dict
    database_url: str          # the database itself (what the test counts rows in)
    servers: list[ServerProcess]
    redis: RedisProcess | None
    clients: list = field(default_factory=list)  # sockets to close at the end

    def client(self, server: ServerProcess, cookie: str, name: str) -> "PageClient":
        client = PageClient(server.url, cookie, name)
        self.clients.append(client)
        return client


@contextmanager
def gunicorn_cluster(count: int, database_url: str, tmp_path, *, redis_binary: str | None = None,
                     served_database_url: str | None = None):
    """`count` gunicorn processes on `database_url` (reached through `served_database_url` when given: a
    proxy the test can cut), sharing rooms through a private Redis when `redis_binary` is given."""
    secret_key = "faults-" + uuid.uuid4().hex
    migrate(database_url, secret_key)
    seeded = add_members(database_url, secret_key, str(tmp_path / "instance"))
    log_dir = tempfile.mkdtemp(prefix="taskforce-faults-", dir=tmp_path)
    redis = RedisProcess(redis_binary, log_dir=log_dir) if redis_binary else None
    servers = [gunicorn_server(f"process-{index}", database_url=served_database_url or database_url,
                               secret_key=secret_key, log_dir=log_dir, redis_url=redis.url if redis else None)
               for index in range(count)]
    cluster = Cluster(seeded, database_url, servers, redis)
    with running(servers, redis, cluster.clients, ready_timeout=90):
        yield cluster

def kill(server: ServerProcess) -> None:
    """SIGKILL to the process's group (gunicorn's arbiter and its worker at once), as a crash: no shutdown,
    no goodbye on its sockets' behalf."""
    os.killpg(server.process.pid, signal.SIGKILL)
    server.process.wait(timeout=10)
    wait_for(lambda: not port_open(server.port), timeout=10, what=f"port {server.port} to close")


class PageClient(RecordingClient):
    """What a signed-in page opens: the chat's `/channels` socket and the `/live` one on the same
    connection, recording `live_state` (live updates paused or back: taskforce/live/queue_watch.py)."""

    LIVE = "/live"

    def __init__(self, base_url: str, cookie: str, name: str):
        super().__init__(base_url, cookie, name)
        self.live_states: list[bool] = []
        self._states_lock = threading.Lock()
        self.sio.on("live_state", self._on_live_state, namespace=self.LIVE)

    def _on_live_state(self, payload):
        with self._states_lock:
            self.live_states.append(payload["live"])

    def live_now(self) -> bool | None:
        """What the page's notice shows now: the last `live_state` pushed, else the answer on connect."""
        with self._states_lock:
            return self.live_states[-1] if self.live_states else None

    def connect(self, timeout: float = 30.0) -> None:
        self.sio.connect(self.base_url, headers={"Cookie": f"taskforce_session={self.cookie}"},
                         namespaces=[self.NAMESPACE, self.LIVE], transports=["websocket"], wait_timeout=timeout)
        answer = self.sio.call("live_state", None, namespace=self.LIVE, timeout=timeout)  # as live.js on connect
        with self._states_lock:
            self.live_states.append(answer["live"])
