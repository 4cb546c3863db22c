"""Scaffolding for the production-mode proofs: gunicorn processes configured as the README says, a migrated
database, a member to sign in, and nginx on loopback. Every process started here is stopped in `finally`."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.channels.multiprocess_helpers import ROOT, ServerProcess, free_port
from tests.conftest import TEST_PASSWORD

VENV_BIN = Path(sys.executable).parent


def server_env(database_url: str, secret_key: str, redis_url: str | None = None, **extra) -> dict:
    env = dict(os.environ)
    for key in ("FLASK_APP", "FLASK_DEBUG", "WERKZEUG_RUN_MAIN", "WERKZEUG_SERVER_FD", "SOCKETIO_MESSAGE_QUEUE",
                "LOG_FORMAT"):
        env.pop(key, None)
    env.update({"DATABASE_URL": database_url, "SECRET_KEY": secret_key, "PYTHONUNBUFFERED": "1"})
    if redis_url:
        env["SOCKETIO_MESSAGE_QUEUE"] = redis_url
    env.update(extra)
    return env


def flask_command(args: list[str], env: dict, timeout: float = 120) -> subprocess.CompletedProcess:
    """`flask --app app …` as an operator types it (the README's commands)."""
    return subprocess.run([str(VENV_BIN / "flask"), "--app", "app", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)


def migrate(database_url: str, secret_key: str) -> None:
    result = flask_command(["db", "upgrade"], server_env(database_url, secret_key))
    assert result.returncode == 0, f"db upgrade failed:\n{result.stdout}\n{result.stderr}"


def gunicorn_server(name: str, *, database_url: str, secret_key: str, log_dir: str, redis_url: str | None = None,
                    port: int | None = None, **extra_env) -> ServerProcess:
    """`gunicorn -c deploy/gunicorn.conf.py app:app` on a free loopback port; access log in `<name>.access.log`."""
    port = port or free_port()
    env = server_env(database_url, secret_key, redis_url, HOST="127.0.0.1", PORT=str(port),
                     GUNICORN_ACCESS_LOG=str(Path(log_dir) / f"{name}.access.log"), GUNICORN_THREADS="20",
                     **extra_env)
    return ServerProcess(name, [str(VENV_BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "app:app"],
                         env, port, log_dir)


def add_members(database_url: str, secret_key: str, instance_dir: str) -> dict:
    """Three members (two organizations) and the task-force channel they all read, in a migrated database."""
    from taskforce import create_app
    from taskforce.auth.models import Organization, Role, Sector, User
    from taskforce.auth.passwords import hash_password
    from taskforce.channels import services as channels
    from taskforce.extensions import db
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": secret_key,
                      "INSTANCE_DIR": instance_dir})
    with app.app_context():
        police = Organization(name="Harbor City Police Department", sector=Sector.LAW_ENFORCEMENT)
        clinic = Organization(name="Eastside Community Clinic", sector=Sector.HEALTHCARE)
        db.session.add_all([police, clinic])
        db.session.flush()
        password_hash = hash_password(TEST_PASSWORD)
        alice = User(email="alice@police.test", display_name="Alice Moreno", organization_id=police.id,
                     role=Role.MEMBER, password_hash=password_hash)
        bob = User(email="bob@clinic.test", display_name="Bob Okafor", organization_id=clinic.id,
                   role=Role.MEMBER, password_hash=password_hash)
        dana = User(email="dana@clinic.test", display_name="Dana Reyes", organization_id=clinic.id,
                    role=Role.MEMBER, password_hash=password_hash)
        coordinator = User(email="coordinator@police.test", display_name="Cora Lind", role=Role.COORDINATOR,
                           organization_id=police.id, password_hash=password_hash)
        db.session.add_all([alice, bob, dana, coordinator])
        db.session.commit()
        channel = channels.create_channel(coordinator, "Task force", "task_force")
        seeded = {"channel_id": channel.id, "alice": alice.email, "bob": bob.email, "dana": dana.email}
        db.session.remove()
        db.engine.dispose()
    return seeded


def nginx_binary() -> str | None:
    for candidate in (shutil.which("nginx"), "/usr/sbin/nginx"):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


class NginxProcess:
    """nginx with deploy/nginx.conf rendered for these upstreams, its prefix (logs, temp, pid) in `prefix`."""

    def __init__(self, binary: str, upstream_ports: list[int], prefix: Path, port: int | None = None,
                 sticky: bool = True):
        self.binary, self.prefix = binary, Path(prefix)
        self.port = port or free_port()
        for sub in ("logs", "temp"):
            (self.prefix / sub).mkdir(parents=True, exist_ok=True)
        servers = " ".join(f"server 127.0.0.1:{p};" for p in upstream_ports)
        template = (ROOT / "deploy" / "nginx.conf").read_text()
        if not sticky:  # websocket-only clients (README): the config without its sticky line
            template = "\n".join(line for line in template.splitlines() if "hash $cookie" not in line)
        assert "@UPSTREAM_SERVERS@" in template and "@LISTEN@" in template
        self.config = self.prefix / "nginx.conf"
        self.config.write_text(template.replace("@UPSTREAM_SERVERS@", servers)
                               .replace("@LISTEN@", f"127.0.0.1:{self.port}"))
        self.access_log = self.prefix / "logs" / "access.log"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def argv(self) -> list[str]:
        # As root nginx would run its workers as `nobody`, who cannot enter a private tmp dir.
        globals_ = "daemon off;" + (" user root;" if os.geteuid() == 0 else "")
        return [self.binary, "-p", str(self.prefix) + "/", "-c", str(self.config), "-g", globals_]

    def check_config(self) -> subprocess.CompletedProcess:
        return subprocess.run(self.argv() + ["-t"], capture_output=True, text=True, timeout=30)

    def start(self) -> "NginxProcess":
        from tests.channels.multiprocess_helpers import port_open, wait_for
        log = open(self.prefix / "logs" / "stderr.log", "ab")
        self.process = subprocess.Popen(self.argv(), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                        start_new_session=True)
        log.close()
        wait_for(lambda: self.process.poll() is None and port_open(self.port), timeout=15,
                 what=f"nginx on port {self.port}")
        return self

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        import signal
        try:
            os.killpg(self.process.pid, signal.SIGTERM)  # fast shutdown of the master and its workers
            self.process.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def upstream_of_last(self, path_prefix: str) -> int | None:
        """The upstream port of the last logged request whose path starts with `path_prefix`."""
        for line in reversed(self.access_log.read_text().splitlines()):
            if f" {path_prefix}" in line and "upstream=127.0.0.1:" in line:
                return int(line.rsplit("upstream=127.0.0.1:", 1)[1].split()[0].rstrip(","))
        return None
