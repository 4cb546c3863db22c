"""Configuration: environment first, the factory's dict over it; a secret key that makes itself; SQLite
set up for concurrent readers and enforced foreign keys."""
import stat

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from taskforce import create_app
from taskforce.auth.models import User
from taskforce.config import load_config
from taskforce.extensions import db


@pytest.fixture
def clean_env(monkeypatch):
    for name in ("DATABASE_URL", "SECRET_KEY", "SOCKETIO_MESSAGE_QUEUE", "SESSION_COOKIE_SECURE", "USE_BANNER"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_the_dict_overrides_the_environment(clean_env, tmp_path):
    clean_env.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'from-env.db'}")
    clean_env.setenv("SECRET_KEY", "from-env")
    clean_env.setenv("USE_BANNER", "Banner from the environment")
    from_env = create_app({"INSTANCE_DIR": str(tmp_path / "instance")})
    assert from_env.config["SQLALCHEMY_DATABASE_URI"].endswith("from-env.db")
    assert from_env.config["SECRET_KEY"] == "from-env" and from_env.config["USE_BANNER"] == "Banner from the environment"
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'from-dict.db'}", "SECRET_KEY": "from-dict",
                      "INSTANCE_DIR": str(tmp_path / "instance"), "TESTING": True})
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("from-dict.db")
    assert app.config["SECRET_KEY"] == "from-dict" and app.testing
    assert app.config["USE_BANNER"] == "Banner from the environment"  # what the dict leaves alone stays


def test_environment_switches(clean_env, tmp_path):
    clean_env.setenv("SESSION_COOKIE_SECURE", "true")
    clean_env.setenv("SOCKETIO_MESSAGE_QUEUE", "redis://127.0.0.1:6379/0")
    config = load_config({"INSTANCE_DIR": str(tmp_path), "SECRET_KEY": "x"})
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SOCKETIO_MESSAGE_QUEUE"] == "redis://127.0.0.1:6379/0"
    clean_env.setenv("SESSION_COOKIE_SECURE", "0")
    clean_env.setenv("SOCKETIO_MESSAGE_QUEUE", "")
    config = load_config({"INSTANCE_DIR": str(tmp_path), "SECRET_KEY": "x"})
    assert config["SESSION_COOKIE_SECURE"] is False and config["SOCKETIO_MESSAGE_QUEUE"] is None


def test_defaults_keep_the_documented_rules(clean_env, tmp_path):
    config = load_config({"INSTANCE_DIR": str(tmp_path), "SECRET_KEY": "x"})
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'taskforce.db'}"
    assert config["SESSION_IDLE_TIMEOUT"].total_seconds() == 30 * 60
    assert config["SESSION_ABSOLUTE_TIMEOUT"].total_seconds() == 12 * 3600
    assert config["INVITATION_LIFETIME"].total_seconds() == 72 * 3600
    assert config["LOGIN_MAX_FAILURES"] == 5 and config["LOGIN_FAILURE_WINDOW"].total_seconds() == 15 * 60
    assert config["SESSION_COOKIE_HTTPONLY"] is True and config["SESSION_COOKIE_SAMESITE"] == "Lax"


@pytest.mark.parametrize("given,expected", [
    ("postgres://u:p@db.example:5432/tf", "postgresql+psycopg://u:p@db.example:5432/tf"),
    ("postgresql://u:p@db.example/tf", "postgresql+psycopg://u:p@db.example/tf"),
    ("postgresql+psycopg://u@db.example/tf", "postgresql+psycopg://u@db.example/tf"),
    ("sqlite:////var/lib/tf.db", "sqlite:////var/lib/tf.db"),
])
def test_database_url_spellings_are_normalised_to_psycopg(clean_env, tmp_path, given, expected):
    assert load_config({"DATABASE_URL": given, "INSTANCE_DIR": str(tmp_path), "SECRET_KEY": "x"})[
        "SQLALCHEMY_DATABASE_URI"] == expected
    clean_env.setenv("DATABASE_URL", given)
    assert load_config({"INSTANCE_DIR": str(tmp_path), "SECRET_KEY": "x"})["SQLALCHEMY_DATABASE_URI"] == expected


def test_postgresql_engine_uses_psycopg_and_pings_only_idle_connections(clean_env, tmp_path):
    app = create_app({"DATABASE_URL": "postgres://nobody@127.0.0.1:1/none", "SECRET_KEY": "x",
                      "INSTANCE_DIR": str(tmp_path), "TESTING": True})
    with app.app_context():
        assert db.engine.dialect.name == "postgresql" and db.engine.dialect.driver == "psycopg"
        assert db.engine.pool._pre_ping is False  # tests/test_connections.py: what replaces it


def test_secret_key_is_generated_once_private_and_stable(clean_env, tmp_path):
    instance = tmp_path / "instance"
    first = create_app({"INSTANCE_DIR": str(instance), "DATABASE_URL": "sqlite://"})
    key_file = instance / "secret_key"
    assert key_file.exists()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first.config["SECRET_KEY"]) >= 64
    second = create_app({"INSTANCE_DIR": str(instance), "DATABASE_URL": "sqlite://"})
    assert second.config["SECRET_KEY"] == first.config["SECRET_KEY"] == key_file.read_text().strip()
    other = create_app({"INSTANCE_DIR": str(tmp_path / "elsewhere"), "DATABASE_URL": "sqlite://"})
    assert other.config["SECRET_KEY"] != first.config["SECRET_KEY"]


def test_a_given_secret_key_writes_no_file(clean_env, tmp_path):
    create_app({"INSTANCE_DIR": str(tmp_path / "a"), "DATABASE_URL": "sqlite://", "SECRET_KEY": "given"})
    clean_env.setenv("SECRET_KEY", "from-env")
    app = create_app({"INSTANCE_DIR": str(tmp_path / "b"), "DATABASE_URL": "sqlite://"})
    assert app.config["SECRET_KEY"] == "from-env"
    assert not (tmp_path / "a" / "secret_key").exists() and not (tmp_path / "b" / "secret_key").exists()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(app, backend, make_organization):
    if backend != "sqlite":
        pytest.skip("SQLite pragmas")
    assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert db.session.execute(text("PRAGMA busy_timeout")).scalar() >= 1000
    db.session.add(User(email="orphan@example.org", display_name="Orphan", organization_id=424242,
                        password_hash="x"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_postgresql_enforces_foreign_keys_too(app, backend):
    if backend != "postgresql":
        pytest.skip("PostgreSQL")
    db.session.add(User(email="orphan@example.org", display_name="Orphan", organization_id=424242,
                        password_hash="x"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_postgresql_sessions_run_without_jit(app, backend):
    """JIT compiled the search's capped statements for ~700 ms each (their estimated cost is far above what
    their LIMIT lets them run): connections turn it off."""
    if backend != "postgresql":
        pytest.skip("PostgreSQL")
    assert db.session.execute(text("SHOW jit")).scalar() == "off"
