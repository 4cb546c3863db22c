"""`flask --app app notifications …` commands."""
import click
from flask.cli import AppGroup

notifications_cli = AppGroup("notifications", help="Notifications: the daily digest email.")


@notifications_cli.command("send-digests")
def send_digests_command():
    """Mail today's digest to every member who chose one (for cron; running it again sends nothing twice)."""
    from taskforce.notifications import mailing
    result = mailing.send_digests()
    if result["skipped"] == -1:
        click.echo("No SMTP relay configured (MAIL_SERVER): no digest sent.")
        return
    click.echo(f"Digests sent: {result['sent']}, failed (retried next run): {result['failed']}, "
               f"nothing new: {result['skipped']}.")


def register(app):
    if "notifications" not in app.cli.commands:
        app.cli.add_command(notifications_cli)
