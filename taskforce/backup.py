"""`flask --app app backup OUT` / `restore IN`: a consistent copy of the whole database and its way back.

SQLite is copied through its online backup API (`sqlite3.Connection.backup`): pages are copied while the
server keeps serving, and the copy is a consistent snapshot (a plain file copy of a WAL database is not).
PostgreSQL goes through `pg_dump` / `pg_restore` in the custom format (compressed, restorable object by
object); the connection settings reach them through libpq's environment (PGHOST, PGPASSWORD…), never argv,
so a password is not visible in `ps`.

A restore replaces everything in the target, so it refuses a database that holds any row unless forced: an
operator who points DATABASE_URL at the wrong database loses nothing.
"""
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import URL, make_url

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
IGNORED_TABLES = {"alembic_version"}  # a freshly migrated database is still empty


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


def backup(engine, out: Path) -> Path:
    """Write a backup of the database behind `engine` to `out` (which must not exist)."""
    out = Path(out)
    if out.exists():
        raise BackupError(f"{out} already exists; choose a new file name (backups are never overwritten).")
    url = engine.url
    if url.get_backend_name() == "sqlite":
        _sqlite_copy(_sqlite_path(url), out)
    elif url.get_backend_name() == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(out)], url)
    else:
        raise BackupError(f"No backup method for {url.get_backend_name()} databases.")
    return out


def restore(engine, source: Path, *, force: bool = False) -> None:
    """Replace the database behind `engine` with the backup `source`."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source} is not a file.")
    url = engine.url
    backend = url.get_backend_name()
    magic = source.read_bytes()[:16] if source.stat().st_size >= 16 else b""
    expected = SQLITE_MAGIC if backend == "sqlite" else PG_DUMP_MAGIC
    if not magic.startswith(expected):
        raise BackupError(f"{source} is not a {backend} backup made by `flask backup`.")
    busy = non_empty_tables(engine)
    if busy and not force:
        raise BackupError(f"The database is not empty ({len(busy)} tables hold rows, e.g. {busy[0]}); "
                          "restore into an empty database, or pass --force to replace everything in it.")
    engine.dispose()  # no pooled connection keeps the old pages or schema
    if backend == "sqlite":
        _sqlite_copy(source, _sqlite_path(url))
    else:
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
              "--exit-on-error", "--dbname", url.database, str(source)], url)


def non_empty_tables(engine) -> list[str]:
    """Tables that hold at least one row (the schema's own bookkeeping aside)."""
    names = [n for n in inspect(engine).get_table_names() if n not in IGNORED_TABLES]
    preparer = engine.dialect.identifier_preparer
    with engine.connect() as connection:
        return [n for n in names
                if connection.execute(text(f"SELECT 1 FROM {preparer.quote(n)} LIMIT 1")).first() is not None]


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("An in-memory SQLite database has nothing to back up.")
    return Path(url.database)


def _sqlite_copy(source: Path, target: Path) -> None:
    """Page-by-page online copy; readers and writers of `source` carry on meanwhile."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst, pages=1024)
    src.close()
    dst.close()


def _libpq_environment(url: URL) -> dict:
    url = make_url(url)
    env = dict(os.environ)
    for key, value in (("PGHOST", url.host), ("PGPORT", url.port), ("PGUSER", url.username),
                       ("PGPASSWORD", url.password), ("PGDATABASE", url.database)):
        if value is not None:
            env[key] = str(value)
    return env


def _run(argv: list[str], url: URL) -> None:
    if shutil.which(argv[0]) is None:
        raise BackupError(f"{argv[0]} not found; install the PostgreSQL client (Debian: postgresql-client).")
    result = subprocess.run(argv, env=_libpq_environment(url), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{argv[0]} failed (exit {result.returncode}): {result.stderr.strip()[:2000]}")
