"""`flask --app app directory export-hsds DIR` and `import-hsds DIR|FILE…` (the public contract, DESIGN §5).

The CLI acts as the installation itself (no signed-in person): the audit log names it `cli`. Whoever runs it
operates the server and its database already, so an import from the CLI may also move services or sites between
organizations and change confidential sites — what the web import refuses to anyone outside the owning
organization (`apply.acts_for`).
"""
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from taskforce.directory.exchange import hsds_exchange, hsds_read
from taskforce.errors import DomainError


@click.command("export-hsds")
@with_appcontext
@click.argument("target", type=click.Path(file_okay=False, path_type=Path))
def export_hsds_command(target):
    """Write organization.json, service.json and service_at_location.json (HSDS 3.0) into TARGET."""
    counts = hsds_exchange.export_hsds(None, target)
    for name, count in counts.items():
        click.echo(f"{target / name}: {count} objects")


@click.command("import-hsds")
@with_appcontext
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def import_hsds_command(sources):
    """Import HSDS 3.0 files: a folder of *.json (our export, or the official examples), files, or zips."""
    files, total = [], 0
    for source in sources:
        paths = sorted(source.glob("*.json")) + sorted(source.glob("*.zip")) if source.is_dir() else [source]
        for path in paths:
            total += path.stat().st_size
            if total > hsds_read.MAX_BATCH_BYTES:  # the batch limit, also before anything is read
                click.echo(f"Error: nothing was imported: with {path} the files come to {total / hsds_read.MB:.1f} "
                           f"MB; the limit is {hsds_read.MAX_BATCH_BYTES / hsds_read.MB:.0f} MB per import.", err=True)
                sys.exit(1)
            if path.stat().st_size > hsds_read.MAX_FILE_BYTES:  # refused before it is read into memory
                click.echo(f"Error: nothing was imported: {path} is {path.stat().st_size / hsds_read.MB:.1f} MB; "
                           f"the limit is {hsds_read.MAX_FILE_BYTES / hsds_read.MB:.0f} MB per file.", err=True)
                sys.exit(1)
            files.append((path.name, path.read_bytes()))
    try:
        report = hsds_exchange.import_hsds(None, files)
    except DomainError as error:
        click.echo(f"Error: {error.message}", err=True)
        sys.exit(1)
    for kind in ("organizations", "locations", "services"):
        click.echo(f"{kind}: " + ", ".join(f"{n} {what}" for what, n in report[kind].items()))
    for note in report["notes"]:
        click.echo(f"note: {note}")
    for problem in report["problems"]:
        click.echo(f"refused: {problem['file']} {problem['path']}: {problem['reason']}", err=True)
    if report["problems"]:
        click.echo(f"{len(report['problems'])} problem(s); the valid records were imported.", err=True)
        sys.exit(2)


def register(app) -> None:
    """Put export-hsds and import-hsds on the shared `directory` group (attached to the app's CLI here too, so
    the commands exist whichever of the directory and the exchange registers first)."""
    from taskforce.directory import cli
    cli.directory.add_command(export_hsds_command)
    cli.directory.add_command(import_hsds_command)
    cli.register(app)
