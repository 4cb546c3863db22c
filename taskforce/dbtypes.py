"""Column types shared by every domain.

SQLite forgets time zones, PostgreSQL keeps them; `UTCDateTime` makes both hand back aware UTC datetimes so
that comparisons (session timeouts, invitation expiry) cannot mix naive and aware values.
"""
from datetime import datetime, timezone

from sqlalchemy import DateTime, Enum
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    """Timezone-aware now; every stored time is UTC."""
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def enum_column(enum_cls, name: str) -> Enum:
    """A Python enum stored as its string values (no native database enum: portable, easy to migrate)."""
    return Enum(enum_cls, native_enum=False, length=32, name=name,
                values_callable=lambda members: [m.value for m in members])


def enable_sqlite_pragmas(engine) -> None:
    """SQLite: write-ahead log (readers never block the writer) and enforced foreign keys, per connection."""
    if engine.dialect.name != "sqlite":
        return
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
