"""`flask backup` / `flask restore` through the CLI an operator runs: the demo task force backed up, restored
into an EMPTY database, and every table compared (row count and a checksum of its rows in key order); a
restore over a database that holds data is refused without --force and leaves it as it was."""
import hashlib

from sqlalchemy import create_engine, inspect, select, MetaData

from taskforce import create_app
from taskforce.cli import seed_demo_data
from taskforce.extensions import db


def table_fingerprints(url: str) -> dict[str, tuple[int, str]]:
    """{table: (rows, sha256 of its rows in primary-key order)} for every table in the database."""
    engine = create_engine(url)
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        fingerprints = {}
        with engine.connect() as connection:
            for table in metadata.sorted_tables:
                order = list(table.primary_key.columns) or list(table.columns)
                digest, count = hashlib.sha256(), 0
                for row in connection.execute(select(table).order_by(*order)):
                    digest.update(repr(tuple(row)).encode())
                    count += 1
                fingerprints[table.name] = (count, digest.hexdigest())
        return fingerprints
    finally:
        engine.dispose()


def target_app(url, tmp_path):
    return create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test-secret",
                       "INSTANCE_DIR": str(tmp_path / "instance-target")})


def test_backup_restores_into_an_empty_database_identically(app, database_url, empty_database_url, tmp_path):
    seed_demo_data(seed=3)
    db.session.remove()
    out = tmp_path / "taskforce.backup"
    result = app.test_cli_runner().invoke(args=["backup", str(out)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0

    source = table_fingerprints(database_url)
    assert source["users"][0] > 5 and source["channel_messages"][0] > 0 and source["lessons"][0] > 0
    restored_app = target_app(empty_database_url, tmp_path)
    with restored_app.app_context():  # the CLI runs in the current app context: make it the target's
        result = restored_app.test_cli_runner().invoke(args=["restore", str(out)])
        db.engine.dispose()
    assert result.exit_code == 0, result.output
    restored = table_fingerprints(empty_database_url)
    assert restored == source


def test_restore_refuses_a_database_holding_data_unless_forced(app, database_url, tmp_path):
    seed_demo_data(seed=3)
    db.session.remove()
    out = tmp_path / "taskforce.backup"
    assert app.test_cli_runner().invoke(args=["backup", str(out)]).exit_code == 0
    again = app.test_cli_runner().invoke(args=["backup", str(out)])
    assert again.exit_code == 1 and "already exists" in again.output  # a backup is never overwritten

    before = table_fingerprints(database_url)
    refused = app.test_cli_runner().invoke(args=["restore", str(out)])
    assert refused.exit_code == 1 and "not empty" in refused.output and "--force" in refused.output
    assert table_fingerprints(database_url) == before

    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("hello")
    wrong = app.test_cli_runner().invoke(args=["restore", str(not_a_backup), "--force"])
    assert wrong.exit_code == 1 and "is not a" in wrong.output
    assert table_fingerprints(database_url) == before

    forced = app.test_cli_runner().invoke(args=["restore", str(out), "--force"])
    assert forced.exit_code == 0, forced.output
    assert table_fingerprints(database_url) == before
