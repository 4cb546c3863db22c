"""`flask backup` / `flask restore` through the CLI an operator runs: the demo task force backed up, restored
into an EMPTY database, and every table compared (row count and a checksum of its rows in key order); a
restore over a database that holds data is refused without --force and leaves it as it was."""
import hashlib

import pytest

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


@pytest.mark.slow
def test_the_readme_commands_back_up_and_restore(tmp_path):
    """`flask --app app backup` / `restore` / `purge` exactly as an operator types them (SQLite here; the
    PostgreSQL path of the same functions is proved above)."""
    from tests.deploy.servers import flask_command, migrate, server_env
    source, target = tmp_path / "live.db", tmp_path / "restored.db"
    source_url, target_url = f"sqlite:///{source}", f"sqlite:///{target}"
    migrate(source_url, "k")
    env = server_env(source_url, "k")
    assert flask_command(["seed-demo", "--seed", "5"], env).returncode == 0
    out = tmp_path / "taskforce-backup.db"
    backed = flask_command(["backup", str(out)], env)
    assert backed.returncode == 0 and "Backup written" in backed.stdout, backed.stderr
    restored = flask_command(["restore", str(out)], server_env(target_url, "k"))
    assert restored.returncode == 0, restored.stderr
    assert table_fingerprints(target_url) == table_fingerprints(source_url)
    refused = flask_command(["restore", str(out)], server_env(target_url, "k"))
    assert refused.returncode == 1 and "--force" in refused.stderr
    dry = flask_command(["purge"], dict(env, RETENTION_MESSAGE_DAYS="1", RETENTION_AUDIT_DAYS="365"))
    assert dry.returncode == 0 and "Dry run: nothing deleted" in dry.stdout, dry.stderr
    too_short = flask_command(["purge"], dict(env, RETENTION_AUDIT_DAYS="90"))
    assert too_short.returncode != 0 and "below the minimum of 365 days" in too_short.stderr
