"""How a request's database transaction ends when the view left it open: one that wrote nothing is
committed, anything else is rolled back (Flask-SQLAlchemy's `session.remove()`, as before).

Why not always roll back: psycopg forgets every prepared statement of a connection on ROLLBACK (a rollback
could undo their PREPARE) and tells the server to deallocate them. A server whose read-only requests all end
in ROLLBACK never reuses a plan: PostgreSQL planned each search statement again on every request, 1.5–2.4 ms
of server CPU apiece at 1,000 services, as much as the Python side of the request. Committing a transaction
that wrote nothing is the same as rolling it back, so nothing else changes: a view that wrote and did not
commit (an error path) still has its writes rolled back.

A statement counts as a write unless it starts with SELECT, WITH, SHOW or EXPLAIN (the app writes no
data-modifying WITH); the mark lives on the connection and is cleared when a transaction begins or ends.
"""
import logging

from sqlalchemy import event

from taskforce.extensions import db

log = logging.getLogger(__name__)
_READS = ("SELECT", "WITH", "SHOW", "EXPLAIN")
_WROTE = "taskforce_wrote"


def _note_write(connection, _cursor, statement, _parameters, _context, _executemany) -> None:
    if not statement.lstrip()[:8].upper().startswith(_READS):
        connection.info[_WROTE] = True


def _forget_writes(connection, *_args) -> None:
    if connection.invalidated:  # lost (a disconnect): its info goes with it, and asking for it would raise
        return
    connection.info.pop(_WROTE, None)


def wrote_nothing(session) -> bool:
    """Whether the session's open transaction has written nothing, flushed or pending."""
    if session.new or session.dirty or session.deleted:
        return False
    return not session.connection().info.get(_WROTE)


def end_read_only_transaction(exception=None) -> None:
    """Teardown: commit the request's transaction if it is open and wrote nothing (see the module)."""
    session = db.session()  # this context's Session (the scoped proxy lacks in_transaction)
    if exception is not None or not session.in_transaction() or not wrote_nothing(session):
        return
    try:
        session.commit()
    except Exception:  # the connection broke: remove() rolls back and the pool replaces it
        log.warning("ending a read-only transaction failed", exc_info=True)


def register(app) -> None:
    """Watch the app's engine for writes, and end read-only transactions before the session is removed
    (teardown functions run in reverse order of registration: Flask-SQLAlchemy's was registered first)."""
    with app.app_context():
        engine = db.engine
    if not event.contains(engine, "before_cursor_execute", _note_write):
        event.listen(engine, "before_cursor_execute", _note_write)
        for name in ("begin", "commit", "rollback"):
            event.listen(engine, name, _forget_writes)
    app.teardown_appcontext(end_read_only_transaction)
