"""Configuration from the environment, overridable by the dict given to `create_app`.

The secret key is generated into `instance/` on first run so that a newcomer's `make run` is secure without
any setup, and stays stable across restarts (sessions survive a restart).
"""
import os
import secrets
import time
from datetime import timedelta
from pathlib import Path

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"


def _secret_key(instance_dir: Path) -> str:
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = instance_dir / "secret_key"
    if not key_file.exists():
        instance_dir.mkdir(parents=True, exist_ok=True)
        try:  # created 0600 from the start (never readable by others, even for a moment); first writer wins
            descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(descriptor, "w") as handle:
                handle.write(secrets.token_hex(32))
    for _ in range(50):  # another process may have created the file and not yet written it
        key = key_file.read_text().strip()
        if key:
            return key
        time.sleep(0.02)
    raise RuntimeError(f"{key_file} is empty; delete it or set SECRET_KEY")


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


AUDIT_MINIMUM_DAYS = 365  # the audit log answers "who did what" for at least a year, whatever is configured


def _positive(name: str, default: float, kind=int):
    """A positive number from the environment, or a clear error naming the variable (the app does not start)."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a {'whole ' if kind is int else ''}number.") from None
    if value <= 0:
        raise ValueError(f"{name}={raw!r} must be more than 0.")
    return value


def _optional_days(name: str) -> int | None:
    """A retention in days from the environment; unset or empty means keep for ever."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a whole number of days (leave it unset to keep for ever).") from None


def _check_retention(config: dict) -> None:
    """Refuse a retention that would lose what must be kept: the app does not start with it."""
    messages, audit = config.get("RETENTION_MESSAGE_DAYS"), config.get("RETENTION_AUDIT_DAYS")
    if messages is not None and (not isinstance(messages, int) or messages < 1):
        raise ValueError(f"RETENTION_MESSAGE_DAYS={messages!r}: give at least 1 day, or leave it unset to keep "
                         "messages for ever.")
    if audit is not None and (not isinstance(audit, int) or audit < AUDIT_MINIMUM_DAYS):
        raise ValueError(f"RETENTION_AUDIT_DAYS={audit!r} is below the minimum of {AUDIT_MINIMUM_DAYS} days: the "
                         "audit log is kept at least a year. Set 365 or more, or leave it unset to keep it for ever.")


def _normalise_database_url(url: str) -> str:
    """Accept the common `postgres://` and `postgresql://` spellings and use psycopg 3 for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _positive_float(value: str | None, default: float) -> float:
    try:
        number = float(value) if value else default
    except ValueError:
        raise RuntimeError(f"LIVE_SWEEP_INTERVAL must be a number of seconds, not {value!r}") from None
    return number if number > 0 else default


def load_config(overrides: dict | None = None) -> dict:
    """Build the configuration dict: environment first, then the caller's overrides."""
    overrides = dict(overrides or {})
    instance_dir = Path(overrides.get("INSTANCE_DIR", INSTANCE_DIR))
    config = {
        "INSTANCE_DIR": str(instance_dir),
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{instance_dir / 'taskforce.db'}"),
        "SOCKETIO_MESSAGE_QUEUE": os.environ.get("SOCKETIO_MESSAGE_QUEUE") or None,
        # Websockets only (no HTTP long-polling): a connection is one TCP stream, so a proxy needs no sticky
        # sessions; browsers behind a proxy that cannot pass websockets then get no live updates.
        "SOCKETIO_WEBSOCKET_ONLY": _flag("SOCKETIO_WEBSOCKET_ONLY"),
        "SESSION_IDLE_TIMEOUT": timedelta(minutes=_positive("SESSION_IDLE_TIMEOUT_MINUTES", 30)),
        "SESSION_ABSOLUTE_TIMEOUT": timedelta(hours=_positive("SESSION_ABSOLUTE_TIMEOUT_HOURS", 12)),
        # seconds between sweeps of sockets whose session ended (taskforce/live/sweep.py)
        "LIVE_SWEEP_INTERVAL": _positive_float(os.environ.get("LIVE_SWEEP_INTERVAL"), 30.0),
        "SESSION_COOKIE_NAME": "taskforce_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("SESSION_COOKIE_SECURE", "").lower() in ("1", "true"),
        "PREFER_HTTPS": False,
        "LOGIN_MAX_FAILURES": _positive("LOGIN_MAX_FAILURES", 5),
        "LOGIN_FAILURE_WINDOW": timedelta(minutes=_positive("LOGIN_FAILURE_WINDOW_MINUTES", 15)),
        "INVITATION_LIFETIME": timedelta(hours=_positive("INVITATION_LIFETIME_HOURS", 72)),
        # Flood limit per member and process: a burst of N channel messages, then N per S seconds.
        "CHANNELS_SEND_RATE": (_positive("CHANNEL_SEND_BURST", 20), _positive("CHANNEL_SEND_PER_SECONDS", 10, float)),
        # Seconds a duplicate submission waits for the first one's answer before a clear 409 (idempotency.py).
        "IDEMPOTENCY_DUPLICATE_WAIT": _positive("IDEMPOTENCY_DUPLICATE_WAIT", 3.0, float),
        # Proxies in front that set X-Forwarded-For/-Proto (deploy/nginx.conf: 1); 0 trusts none of them.
        "TRUSTED_PROXY_COUNT": int(os.environ.get("TRUSTED_PROXY_COUNT", "0") or 0),
        # Bytes per request (taskforce.limits): any request, and a file upload (HSDS/CSV imports).
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_CONTENT_LENGTH", 2 * 1024 * 1024)),
        "MAX_UPLOAD_LENGTH": int(os.environ.get("MAX_UPLOAD_LENGTH", 60 * 1024 * 1024)),
        "WTF_CSRF_TIME_LIMIT": None,  # the CSRF token lives as long as the (server-side) session
        "MAIL_SERVER": os.environ.get("MAIL_SERVER"),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "taskforce@localhost"),
        "MAIL_TIMEOUT": _positive("MAIL_TIMEOUT", 10, float),
        "USE_BANNER": os.environ.get(
            "USE_BANNER",
            "Authorized task-force partners only. Activity is logged. Never enter a survivor's name, "
            "contact details, birth date or case number.",
        ),
        # Retention (`flask --app app purge`): unset keeps for ever; the audit log never less than a year.
        "RETENTION_MESSAGE_DAYS": _optional_days("RETENTION_MESSAGE_DAYS"),
        "RETENTION_AUDIT_DAYS": _optional_days("RETENTION_AUDIT_DAYS"),
        # "json": one JSON object per log line with the request id (taskforce.request_ids); else plain text.
        "LOG_FORMAT": os.environ.get("LOG_FORMAT", "text").strip().lower(),
        "TESTING": False,
    }
    config.update(overrides)
    _check_retention(config)
    config["DATABASE_URL"] = _normalise_database_url(config["DATABASE_URL"])
    config["SQLALCHEMY_DATABASE_URI"] = config["DATABASE_URL"]
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = _secret_key(instance_dir)
    # Never let a database error put bound values (message or lesson text) into a log.
    engine_options = {"hide_parameters": True}
    if config["DATABASE_URL"].startswith("postgresql"):
        # No pool_pre_ping: taskforce.connections checks each pooled connection's socket at checkout (no
        # round trip) and pings only one the server spoke on or that sat idle. A bounded connect: while the
        # server is unreachable, requests get the outage's 503 within seconds instead of hanging.
        # No JIT: the search's capped statements are estimated far dearer than they run (the planner cannot
        # see their LIMIT stop early), and compiling them took ~700 ms for a 4 ms query at 50,000 services.
        engine_options["connect_args"] = {"options": "-c jit=off",
                                          "connect_timeout": int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5"))}
    config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options)
    return config
