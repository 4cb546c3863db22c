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
    """Two members of different organizations and the task-force channel both read, in a migrated database."""
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
        coordinator = User(email="coordinator@police.test", display_name="Cora Lind", role=Role.COORDINATOR,
                           organization_id=police.id, password_hash=password_hash)
        db.session.add_all([alice, bob, coordinator])
        db.session.commit()
        channel = channels.create_channel(coordinator, "Task force", "task_force")
        seeded = {"channel_id": channel.id, "alice": alice.email, "bob": bob.email}
        db.session.remove()
        db.engine.dispose()
    return seeded


def nginx_binary() -> str | None:
    for candidate in (shutil.which("nginx"), "/usr/sbin/nginx"):
        if candidate and os.path.exists(candidate):
            return candidate
    return None
