"""The version of the calendar's data: what a cached month view (`month.py`) is keyed by.

Every flush that writes a training, its topics, co-hosts, reserved seats, session changes or a registration
also bumps the one counter row (`TrainingDataVersion`) in the same transaction. So a reader that sees the
new rows sees the new version, on every process sharing the database, and one that reads the version
first and the data after it never caches data older than the version it files it under. Why not
max(updated_at): a writer that took its timestamp before waiting for a training's lock commits an older
one after a newer write, and the maximum does not move.

The bump runs after the flush's own statements: a transaction takes its row locks (the training's
`FOR UPDATE`, its updates) before the counter's, and none takes a training's lock after it, so two writers
cannot wait on each other in a cycle. Writes to these tables outside the ORM's flush (bulk UPDATE/DELETE)
must call `bump(session)` themselves; the training domain has none (the SQLite lock's no-op UPDATE
changes nothing).
"""
import uuid

from sqlalchemy import event, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from taskforce.training.models import (OccurrenceChange, Registration, SeatReservation, Training, TrainingCoHost,
                                       TrainingDataVersion, TrainingTopic)

CALENDAR_DATA = (Training, TrainingCoHost, TrainingTopic, SeatReservation, OccurrenceChange, Registration)
ROW_ID = 1


_TABLE = TrainingDataVersion.__table__
_CURRENT = select(_TABLE.c.epoch, _TABLE.c.version).where(_TABLE.c.id == ROW_ID)


def current(session) -> tuple[str, int] | None:
    """(epoch, version) as this transaction sees it; None before the first write (nothing to key by).
    A Core statement on the session's connection: every month view asks, and the ORM's layer around a
    one-row read cost more than the read."""
    row = session.connection().execute(_CURRENT).first()
    return (row[0], row[1]) if row else None


def bump(session) -> None:
    """Count one more change (an upsert: the first write of a new database creates the row, new epoch)."""
    connection = session.connection()
    insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    table = _TABLE
    statement = insert(table).values(id=ROW_ID, epoch=uuid.uuid4().hex, version=1)
    connection.execute(statement.on_conflict_do_update(index_elements=[table.c.id],
                                                       set_={"version": table.c.version + 1}))


def _touches_calendar(session) -> bool:
    return any(isinstance(obj, CALENDAR_DATA) for group in (session.new, session.dirty, session.deleted)
               for obj in group)


def _after_flush(session, _context) -> None:
    # `new`, `dirty` and `deleted` still hold what this flush wrote (the session is in its pre-flush state).
    if _touches_calendar(session):
        bump(session)


if not event.contains(Session, "after_flush", _after_flush):
    event.listen(Session, "after_flush", _after_flush)
