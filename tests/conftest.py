"""Fixtures in the flaskr style (app, client) plus `make_*` factories.

Every test that takes `app` runs on SQLite, and on PostgreSQL too when TASKFORCE_TEST_DATABASE_URL is set
(in CI it must be). Each pytest process uses its own PostgreSQL database, so parallel runs never collide.
"""
import contextvars
import os
import re
import shutil
import time
import uuid

import pyotp
import pytest
from argon2 import PasswordHasher
from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from taskforce import create_app
from taskforce.auth.models import Organization, Role, Sector, User
from taskforce.extensions import db

TEST_PASSWORD = "violet-harbor-lantern-42"
# Argon2 reads its cost from the hash it verifies: fixture accounts carry a minimal-cost hash so the suite's
# thousands of sign-ins don't each spend 64 MiB and three passes. Accounts the app itself creates
# (invitations, password changes, the demo) still get the production parameters.
_PASSWORD_HASH = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(TEST_PASSWORD)
PG_URL = os.environ.get("TASKFORCE_TEST_DATABASE_URL")
REDIS_URL = os.environ.get("TASKFORCE_TEST_REDIS_URL")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true")

BACKENDS = ["sqlite"]
if PG_URL:
    BACKENDS.append("postgresql")


def pytest_configure(config):
    if IN_CI and not (PG_URL and REDIS_URL):
        raise pytest.UsageError("CI must set TASKFORCE_TEST_DATABASE_URL and TASKFORCE_TEST_REDIS_URL.")
    _reuse_url_builders()


def _reuse_url_builders():
    """Every test makes its own app, and werkzeug generates and `compile()`s two Python functions per URL rule
    for each one: ~85 % of `create_app`, ~0.3 s a test on this machine. A builder depends only on the rule's
    text, its parsed parts and its defaults (the converters are reached through the bound rule at call time),
    so the suite reuses the function made for an identical rule. Tests only: production makes one app."""
    from werkzeug.routing.rules import Rule
    make_builder = Rule._compile_builder
    builders = {}

    def reused_builder(self, append_unknown=True):
        key = (self.rule, tuple(self._trace), repr(self.defaults), append_unknown)
        if key not in builders:
            builders[key] = make_builder(self, append_unknown)
        return builders[key]
    Rule._compile_builder = reused_builder


def pytest_report_header(config):
    lines = [f"database backends: {', '.join(BACKENDS)}"]
    if not PG_URL:
        lines.append("PostgreSQL tests skipped: set TASKFORCE_TEST_DATABASE_URL to run them")
    if not REDIS_URL:
        lines.append("Redis tests skipped: set TASKFORCE_TEST_REDIS_URL to run them")
    return lines


def _admin_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_url():
    """A private PostgreSQL database for this pytest process, dropped at the end."""
    if not PG_URL:
        pytest.skip("PostgreSQL not configured (TASKFORCE_TEST_DATABASE_URL unset)")
    base = make_url(_admin_url(PG_URL))
    name = f"taskforce_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
        # a throwaway database: a commit need not wait for its WAL flush (a server crash could lose the last
        # commits; killed app processes, which the fault tests use, lose nothing)
        connection.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    yield base.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


_pg_schema_ready = False


def _empty_postgres_tables() -> None:
    """Delete every row and restart every sequence. `TRUNCATE` of all 47 tables cost ~1.5 s per test here
    (it swaps each table's files); `DELETE` on the few rows a test leaves costs ~0.1 s."""
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.execute(text("SELECT setval(c.oid::regclass, 1, false) FROM pg_class c WHERE c.relkind = 'S'"))
    db.session.commit()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """A SQLite file holding the empty schema, made once: each test copies it instead of running the DDL."""
    path = tmp_path_factory.mktemp("schema") / "template.db"
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "template",
                      "INSTANCE_DIR": str(path.parent / "instance"), "SERVER_NAME": None})
    with app.app_context():
        db.create_all()
        db.session.remove()
        db.engine.dispose()  # closing the last connection checkpoints the write-ahead log into the file
    return path


@pytest.fixture
def empty_database_url(backend, tmp_path, request):
    """A database with no tables at all (for migration tests): a new SQLite file or a new PostgreSQL db."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    base = make_url(request.getfixturevalue("postgres_url"))
    name = f"{base.database}_empty"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield base.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request.param


@pytest.fixture
def database_url(backend, tmp_path, request):
    if backend == "sqlite":
        path = tmp_path / "test.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def app(database_url, tmp_path):
    """A fresh app and empty schema for every test."""
    global _pg_schema_ready
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret",
                      "INSTANCE_DIR": str(tmp_path / "instance"), "SERVER_NAME": None})
    with app.app_context():
        if not database_url.startswith("sqlite"):
            if not _pg_schema_ready:
                db.drop_all()
                db.create_all()
                _pg_schema_ready = True
            _empty_postgres_tables()
        app.test_client_class = IsolatedClient
        yield app
        db.session.remove()
        db.engine.dispose()


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, as in production: its own `g` and database session.

    The test's own session commits before the request (so SQLite is not locked and the request sees the
    setup) and is expired after it (so the test reads what the request really wrote)."""

    def open(self, *args, **kwargs):
        if has_app_context():
            db.session.commit()
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():
            db.session.expire_all()
        return response


class CsrfClient:
    """Wraps Flask's test client: every form POST carries the session's CSRF token, as a browser's would."""

    def __init__(self, client):
        self._client = client

    def __getattr__(self, name):
        return getattr(self._client, name)

    def csrf_token(self) -> str:
        return self._client.get("/api/session").get_json()["csrf_token"]

    def post(self, *args, csrf=True, **kwargs):
        if csrf:
            if "json" in kwargs:
                kwargs.setdefault("headers", {})["X-CSRFToken"] = self.csrf_token()
            else:
                data = dict(kwargs.get("data") or {})
                data.setdefault("csrf_token", self.csrf_token())
                kwargs["data"] = data
        return self._client.post(*args, **kwargs)

    def raw(self):
        return self._client


@pytest.fixture
def client(app):
    return CsrfClient(app.test_client())


@pytest.fixture
def make_organization(app):
    counter = iter(range(1, 10_000))

    def make(name=None, sector=Sector.VICTIM_SERVICES_NGO, **fields):
        organization = Organization(name=name or f"Partner Org {next(counter)}", sector=sector, **fields)
        db.session.add(organization)
        db.session.commit()
        return organization
    return make


@pytest.fixture
def make_user(app, make_organization):
    counter = iter(range(1, 10_000))

    def make(role=Role.MEMBER, organization=None, email=None, totp=None, **fields):
        number = next(counter)
        organization = organization or make_organization()
        if totp is None:
            totp = role in (Role.COORDINATOR, Role.ADMIN)
        user = User(email=email or f"person{number}@example.test", display_name=fields.pop("display_name", f"Person {number}"),
                    organization_id=organization.id, role=role, password_hash=_PASSWORD_HASH,
                    totp_secret=pyotp.random_base32() if totp else None, **fields)
        db.session.add(user)
        db.session.commit()
        return user
    return make


@pytest.fixture
def member(make_user):
    return make_user(Role.MEMBER)


@pytest.fixture
def coordinator(make_user):
    return make_user(Role.COORDINATOR)


def totp_code(user: User) -> str:
    """The next code the person's app would show (a code already used is refused)."""
    totp = pyotp.TOTP(user.totp_secret)
    step = int(time.time() // totp.interval)
    if user.totp_last_step is not None and user.totp_last_step >= step:
        step = user.totp_last_step + 1
    return totp.generate_otp(step)


@pytest.fixture
def login(client):
    """Sign in through the real form (password, and TOTP where the account has it)."""
    def do_login(user, password=TEST_PASSWORD, the_client=None):
        target = the_client or client
        db.session.refresh(user)
        data = {"email": user.email, "password": password}
        if user.totp_secret:
            data["totp"] = totp_code(user)
        response = target.post("/auth/login", data=data)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response
    return do_login


def session_cookie(client) -> str | None:
    cookie = client.raw().get_cookie("taskforce_session")
    return cookie.value if cookie else None


def flashed_text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


@pytest.fixture
def live_server(app):
    """The app served over real HTTP + WebSocket on a free loopback port, in a thread (werkzeug, threaded)."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_port}"
    yield server
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def socket_for(app, login):
    """`socket_for(user)`: a member's real Socket.IO test client on the live layer's namespace (what
    static/js/live.js holds on every page), signed in through the real form; closed after the test."""
    from taskforce import live
    from taskforce.extensions import socketio
    sockets = []

    def make(user):
        http = CsrfClient(app.test_client())
        login(user, the_client=http)
        db.session.commit()
        sio = contextvars.Context().run(socketio.test_client, app, namespace=live.NAMESPACE,
                                        flask_test_client=http.raw())
        assert sio.is_connected(live.NAMESPACE)
        sockets.append(sio)
        return sio
    yield make
    for sio in sockets:
        if sio.is_connected(live.NAMESPACE):
            contextvars.Context().run(sio.disconnect, namespace=live.NAMESPACE)
