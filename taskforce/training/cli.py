"""`flask training sweep-offers`: pass lapsed seat offers to the next in line (run it from cron every few
minutes; pages and seat changes sweep too)."""
import click
from flask.cli import AppGroup

from taskforce.training import offers

group = AppGroup("training", help="Joint trainings.")


@group.command("sweep-offers")
def sweep_offers():
    """Lapse offers past their deadline and offer those seats to the next in line."""
    click.echo(f"{offers.sweep_offers()} lapsed offer(s) passed on.")


def register(app):
    app.cli.add_command(group)
