"""A pooled PostgreSQL connection the server dropped is replaced before a request uses it.

When the server restarts, fails over or terminates a backend, every pooled connection is dead, and the
request that next uses one would fail. SQLAlchemy's `pool_pre_ping` prevents it with a `SELECT 1` round trip
at every checkout — one more round trip, cursor and result per request. This does the same for nothing in
the common case: a server that ends a connection says so on its socket (PostgreSQL sends the FATAL
"terminating connection" message, then closes; a dead server process leaves a closed socket), so an idle
pooled connection whose socket has anything to read is no longer a clean idle connection. At checkout:

- the socket has something to read (a zero-timeout `poll`, no round trip), or
- the connection sat in the pool for IDLE_PING_AFTER or more (a firewall or NAT may have dropped it
  silently, which no socket shows),

then it is pinged, and replaced when the ping fails (`DisconnectionError` makes the pool connect anew, up
to three times, then the outage is a 503: taskforce.outage). bench/connections.py measures this against no
check and against `pool_pre_ping`, in the same run.

What nothing at checkout can save is a request whose connection dies while it runs; that request gets the
outage's 503 (nothing of its transaction was committed), and the pool then drops every older connection.
"""
import select
import time
from functools import partial

from sqlalchemy import event, exc

IDLE_PING_AFTER = 10.0  # seconds back in the pool after which a connection is pinged before use

_RETURNED_AT = "taskforce_returned_at"
_UNCLEAN = select.POLLIN | select.POLLPRI | select.POLLERR | select.POLLHUP


def _note_returned(_dbapi_connection, connection_record, *_args) -> None:
    connection_record.info[_RETURNED_AT] = time.monotonic()


def server_spoke(dbapi_connection) -> bool:
    """Whether an idle connection's socket has anything to read — a goodbye, an EOF — or is in error. An
    idle connection between requests has nothing pending; anything there means it is no longer usable as is."""
    try:
        descriptor = dbapi_connection.fileno()
    except Exception:  # already closed on our side
        return True
    poller = select.poll()
    poller.register(descriptor, _UNCLEAN)
    return bool(poller.poll(0))


def _check_out(dbapi_connection, connection_record, _proxy, *, dialect) -> None:
    idle_for = time.monotonic() - connection_record.info.get(_RETURNED_AT, 0.0)
    if idle_for < IDLE_PING_AFTER and not server_spoke(dbapi_connection):
        return
    try:
        dialect.do_ping(dbapi_connection)
    except Exception as error:  # the pool invalidates this connection and connects a new one
        raise exc.DisconnectionError("a pooled connection was dropped by the server") from error


def check_connections_at_checkout(engine) -> None:
    """Watch a server database's pool (not SQLite's files): a new or returned connection is timestamped,
    and checked at checkout as the module says."""
    if engine.dialect.name == "sqlite" or event.contains(engine, "checkin", _note_returned):
        return
    event.listen(engine, "connect", _note_returned)
    event.listen(engine, "checkin", _note_returned)
    event.listen(engine, "checkout", partial(_check_out, dialect=engine.dialect))
