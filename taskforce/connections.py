"""Check a pooled PostgreSQL connection before use only when it sat unused for a while.

SQLAlchemy's `pool_pre_ping` sends `SELECT 1` at every checkout: one more round trip, cursor and result per
request, for a check that matters after a connection sat idle — a server restart, an idle timeout, a
firewall dropping quiet connections. Here a connection back in the pool for less than IDLE_PING_AFTER is
handed out as is (under load, every request); an older one is pinged first and replaced when dead
(`DisconnectionError` makes the pool connect anew), like PgBouncer's `server_check_delay`.

The trade-off: when the server restarts while connections are in steady use, the first request on each of
them fails instead of being retried — SQLAlchemy then marks the whole pool stale, so the next requests get
new connections. A pre-ping would not have saved a request in flight either.
"""
import time
from functools import partial

from sqlalchemy import event, exc

IDLE_PING_AFTER = 10.0  # seconds back in the pool after which a connection is pinged before use

_RETURNED_AT = "taskforce_returned_at"


def _note_returned(_dbapi_connection, connection_record, *_args) -> None:
    connection_record.info[_RETURNED_AT] = time.monotonic()


def _ping_if_idle(dbapi_connection, connection_record, _proxy, *, dialect) -> None:
    if time.monotonic() - connection_record.info.get(_RETURNED_AT, 0.0) < IDLE_PING_AFTER:
        return
    try:
        dialect.do_ping(dbapi_connection)
    except Exception as error:  # the pool invalidates this connection and connects a new one
        raise exc.DisconnectionError(f"connection idle for {IDLE_PING_AFTER:.0f}+ s did not answer") from error


def ping_idle_connections(engine) -> None:
    """Watch a server database's pool (not SQLite's files): a new or returned connection is timestamped,
    an idle one pinged at checkout."""
    if engine.dialect.name == "sqlite" or event.contains(engine, "checkin", _note_returned):
        return
    event.listen(engine, "connect", _note_returned)
    event.listen(engine, "checkin", _note_returned)
    event.listen(engine, "checkout", partial(_ping_if_idle, dialect=engine.dialect))
