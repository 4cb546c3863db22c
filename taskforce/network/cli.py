"""`flask --app app network export --format graphml|gexf|json|csv OUT`: the whole task force's map to a file."""
from pathlib import Path

import click
from flask.cli import AppGroup

from taskforce.network import exports, formats, reading, services

group = AppGroup("network", help="The partner map: exports.")


@group.command("export")
@click.option("--format", "fmt", type=click.Choice(sorted(formats.FORMATS)), required=True)
@click.option("--exact", is_flag=True, help="Exact counts (default: small cells shown as 1–4, as for sharing).")
@click.option("--start", default="", help="First month (YYYY-MM); default twelve months back.")
@click.option("--end", default="", help="Last month (YYYY-MM); default this month.")
@click.argument("out", type=click.Path(dir_okay=False, writable=True))
def export_command(fmt, exact, start, end, out):
    """Write every organization (with `sector`) and every referral link of the window."""
    today = services.today()
    view = reading.parse_view({"start": start, "end": end}, today)
    viewer = exports.OPERATOR_EXACT if exact else exports.OPERATOR_SUPPRESSED
    body = exports.export(viewer, view, today, fmt, wait=True)
    Path(out).write_bytes(body)
    click.echo(f"Partner map written to {out} ({fmt}, {'exact' if exact else 'small cells suppressed'}).")


def register(app):
    app.cli.add_command(group)
