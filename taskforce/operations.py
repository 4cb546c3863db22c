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
