"""The operator's commands: `flask --app app backup OUT`, `restore IN [--force]`, `purge [--apply]`.

They log what they did (counts, file names, never a row's text) so a cron job's output and the server log
show each run; the purge is audited too (a restore replaces the audit log with the backup's own).
"""
import logging
import sys
from pathlib import Path

import click

from taskforce.extensions import db

log = logging.getLogger("taskforce.operations")


def register(app):
    register_purge(app)

    @app.cli.command("backup")
    @click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
    def backup_command(out):
        """Write a consistent backup of the whole database to OUT (SQLite file or pg_dump custom format)."""
        from taskforce.backup import BackupError, backup
        try:
            backup(db.engine, out)
        except BackupError as error:
            click.echo(f"Error: {error}", err=True)
            sys.exit(1)
        log.info("backup written: %s (%d bytes)", out, out.stat().st_size)
        click.echo(f"Backup written to {out} ({out.stat().st_size} bytes).")

    @app.cli.command("restore")
    @click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--force", is_flag=True, help="Replace a database that already holds data.")
    def restore_command(source, force):
        """Replace the database with the backup SOURCE (refuses a non-empty database without --force)."""
        from taskforce.backup import BackupError, restore
        try:
            restore(db.engine, source, force=force)
        except BackupError as error:
            click.echo(f"Error: {error}", err=True)
            sys.exit(1)
        log.info("database restored from %s (force=%s)", source, force)
        click.echo(f"Database restored from {source}. Run `flask --app app db upgrade` if the backup is older "
                   "than this version of Taskforce.")


def register_purge(app):
    @app.cli.command("purge")
    @click.option("--apply", "apply_", is_flag=True, help="Delete (without it, only list what would go).")
    def purge_command(apply_):
        """Delete messages and audit events past their retention (RETENTION_*_DAYS); a dry run by default."""
        from taskforce import retention
        from taskforce.dbtypes import utcnow
        now = utcnow()
        if not apply_:
            for line in retention.plan(app.config, now).lines():
                click.echo(line)
            click.echo("Dry run: nothing deleted. Run with --apply to delete.")
            return
        result = retention.purge(app.config, now)
        log.info("retention purge: %d messages in %d channels, %d audit events deleted",
                 result.messages, len(result.messages_by_channel), result.audit_events)
        for line in result.lines():
            click.echo(line)
        click.echo(f"Deleted {result.messages} messages and {result.audit_events} audit events.")
