"""Scaffolding for proofs that need several processes: a private redis-server, `python app.py` servers,
sign-in over real HTTP, and Socket.IO clients that record what they receive.

Used by `tests/channels/test_multiprocess.py` and `bench/realtime.py`. Every wait is bounded and every
process started here is stopped by whoever started it (use the context managers / `stop()` in `finally`).
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
SESSION_COOKIE = "taskforce_session"


def free_port() -> int:
    """A loopback port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def wait_for(predicate, *, timeout: float, interval: float = 0.05, what: str = "condition"):
    """Poll `predicate` until it returns something truthy; raise TimeoutError naming `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = predicate()
        except Exception:  # noqa: BLE001 — a server still starting refuses connections
            result = None
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def redis_server_binary() -> str | None:
    """The redis-server to start privately: `TASKFORCE_REDIS_SERVER_BIN` (CI sets it) or the one on PATH."""
    configured = os.environ.get("TASKFORCE_REDIS_SERVER_BIN")
    if configured and os.path.exists(configured):
        return configured
    return shutil.which("redis-server")


class RedisProcess:
    """A throw-away redis-server on its own loopback port, never the machine's shared one: it can be
    killed (as in a crash) and started again on the same port while servers stay connected to its URL."""

    def __init__(self, binary: str, port: int | None = None, log_dir: str | None = None):
        self.binary = binary
        self.port = port or free_port()
        self.log_dir = log_dir or tempfile.mkdtemp(prefix="taskforce-redis-")
        self.log_path = Path(self.log_dir) / f"redis-{self.port}.log"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 15.0) -> "RedisProcess":
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--daemonize", "no", "--dir", self.log_dir, "--protected-mode", "no"],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log.close()
        wait_for(self.ping, timeout=timeout, what=f"redis-server on port {self.port}")
        return self

    def ping(self) -> bool:
        if self.process is None or self.process.poll() is not None:
            return False
        import redis
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=1, socket_connect_timeout=1)
        try:
            return bool(client.ping())
        finally:
            client.close()

    def kill(self) -> None:
        """SIGKILL, as a crash: no goodbye to subscribers; their connections just break."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        wait_for(lambda: not port_open(self.port), timeout=10, what=f"port {self.port} to close")

    def restart(self, timeout: float = 15.0) -> None:
        self.kill()
        self.start(timeout=timeout)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass

    def log_tail(self, lines: int = 40) -> str:
        return _tail(self.log_path, lines)


class ServerProcess:
    """One server process (`python app.py` or a bench server) on a loopback port, its output in a log file."""

    def __init__(self, name: str, argv: list[str], env: dict, port: int, log_dir: str):
        self.name, self.argv, self.port = name, argv, port
        self.env = env
        self.log_path = Path(log_dir) / f"{name}.log"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "ServerProcess":
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(self.argv, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        return self

    def wait_ready(self, path: str = "/api/session", timeout: float = 60.0) -> None:
        def ready():
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n{self.log_tail()}")
            return requests.get(self.url + path, timeout=2).status_code < 500

        deadline = time.monotonic() + timeout
        while True:
            try:
                if ready():
                    return
            except RuntimeError:
                raise
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.name} not ready on port {self.port} after {timeout:.0f} s:\n"
                                   f"{self.log_tail()}")
            time.sleep(0.1)

    def stop(self) -> None:
        """SIGTERM to the process group, then SIGKILL if it lingers; never raises."""
        if self.process is None or self.process.poll() is not None:
            return
        for sig, grace in ((signal.SIGTERM, 5), (signal.SIGKILL, 5)):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                return
            try:
                self.process.wait(timeout=grace)
                return
            except subprocess.TimeoutExpired:
                continue

    def log_tail(self, lines: int = 60) -> str:
        return _tail(self.log_path, lines)


def app_server(name: str, *, database_url: str, redis_url: str | None, secret_key: str, log_dir: str,
               port: int | None = None) -> ServerProcess:
    """`python app.py` configured only through the environment, as an administrator would run it (DESIGN §5)."""
    port = port or free_port()
    env = dict(os.environ)
    for key in ("FLASK_APP", "FLASK_DEBUG", "WERKZEUG_RUN_MAIN", "WERKZEUG_SERVER_FD"):
        env.pop(key, None)
    env.update({"HOST": "127.0.0.1", "PORT": str(port), "DATABASE_URL": database_url, "SECRET_KEY": secret_key,
                "PYTHONUNBUFFERED": "1"})
    if redis_url:
        env["SOCKETIO_MESSAGE_QUEUE"] = redis_url
    else:
        env.pop("SOCKETIO_MESSAGE_QUEUE", None)
    return ServerProcess(name, [sys.executable, "app.py"], env, port, log_dir)


@contextmanager
def running(servers: list, redis: "RedisProcess | None", clients: list, *, ready_timeout: float):
    """Start `redis` (if any) and `servers`, wait until each answers, and at the end — whatever happened —
    disconnect `clients` (the list as it is then), print each log's tail (pytest shows it on failure), stop all."""
    try:
        if redis:
            redis.start()
        for server in servers:
            server.start()
        for server in servers:
            server.wait_ready(timeout=ready_timeout)
        yield
    finally:
        for client in clients:
            client.disconnect()
        for server in servers:
            print(f"--- {server.name} (tail) ---\n{server.log_tail()}")
            server.stop()
        if redis:
            print(f"--- redis (tail) ---\n{redis.log_tail()}")
            redis.stop()


def sign_out(base_url: str, cookie: str) -> None:
    """Sign out through the real form (`POST /auth/logout` with the session's CSRF token) on `base_url`."""
    with requests.Session() as http:
        http.cookies.set(SESSION_COOKIE, cookie)
        token = http.get(base_url + "/api/session", timeout=30).json()["csrf_token"]
        response = http.post(base_url + "/auth/logout", data={"csrf_token": token}, allow_redirects=False, timeout=60)
        if response.status_code >= 400:
            raise AssertionError(f"sign-out failed: {response.status_code} {response.text[:300]}")


def sign_in(base_url: str, email: str, password: str, totp: str | None = None) -> str:
    """Sign in through the real form over HTTP; return the session cookie's value."""
    with requests.Session() as http:
        token = http.get(base_url + "/api/session", timeout=30).json()["csrf_token"]
        data = {"email": email, "password": password, "csrf_token": token}
        if totp:
            data["totp"] = totp
        response = http.post(base_url + "/auth/login", data=data, allow_redirects=False, timeout=60)
        if response.status_code != 302:
            raise AssertionError(f"sign-in of {email} failed: {response.status_code} {response.text[:300]}")
        cookie = http.cookies.get(SESSION_COOKIE)
        if not cookie:
            raise AssertionError(f"sign-in of {email} set no {SESSION_COOKIE} cookie")
        return cookie


class RecordingClient:
    """A python-socketio client on namespace `/channels` that keeps every `message_posted` and `error`."""

    NAMESPACE = "/channels"

    def __init__(self, base_url: str, cookie: str, name: str = "client"):
        import socketio
        self.name = name
        self.base_url = base_url
        self.cookie = cookie
        self.sio = socketio.Client(reconnection=True, reconnection_delay=0.2, reconnection_delay_max=1)
        self.posted: list[dict] = []
        self.errors: list = []
        self.removed_from: list[int] = []  # channel ids of `channel_removed` events
        self.connects = 0
        self.disconnects = 0
        self._lock = threading.Lock()
        self.sio.on("message_posted", self._on_posted, namespace=self.NAMESPACE)
        self.sio.on("error", self._on_error, namespace=self.NAMESPACE)
        self.sio.on("channel_removed", self._on_removed, namespace=self.NAMESPACE)
        self.sio.on("connect", self._on_connect, namespace=self.NAMESPACE)
        self.sio.on("disconnect", self._on_disconnect, namespace=self.NAMESPACE)

    def _on_posted(self, payload):
        with self._lock:
            self.posted.append(payload)

    def _on_removed(self, payload):
        with self._lock:
            self.removed_from.append(payload["channel_id"])

    def _on_error(self, payload=None):
        with self._lock:
            self.errors.append(payload)

    def _on_connect(self):
        with self._lock:
            self.connects += 1

    def _on_disconnect(self, *_reason):
        with self._lock:
            self.disconnects += 1

    def connect(self, timeout: float = 30.0) -> None:
        self.sio.connect(self.base_url, headers={"Cookie": f"{SESSION_COOKIE}={self.cookie}"},
                         namespaces=[self.NAMESPACE], transports=["websocket"], wait_timeout=timeout)

    def call(self, event: str, data, timeout: float = 30.0):
        return self.sio.call(event, data, namespace=self.NAMESPACE, timeout=timeout)

    def posted_ids(self, channel_id: int | None = None) -> list[int]:
        with self._lock:
            return [m["id"] for m in self.posted if channel_id is None or m["channel_id"] == channel_id]

    def disconnect(self) -> None:
        try:
            self.sio.disconnect()
        except Exception:  # noqa: BLE001 — best effort at teardown
            pass


def _tail(path: Path, lines: int) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return f"(no log at {path})"
    return "\n".join(text.splitlines()[-lines:])
