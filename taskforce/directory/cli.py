"""`flask --app app directory …` commands. The group is shared: the exchange's `register` adds export-hsds and
import-hsds to it (taskforce/directory/exchange/cli.py)."""
import click
from flask import current_app, url_for
from flask.cli import AppGroup

directory = AppGroup("directory", help="Referral directory: stale-entry reminders, HSDS exchange.")


@directory.command("remind-stale")
def remind_stale_command():
    """Remind organizations of entries nobody verified for 90 days (recorded; mailed when SMTP is set)."""
    from taskforce.directory import capacity
    reminders = capacity.remind_stale()
    if not reminders:
        click.echo("No stale directory entries need a reminder.")
        return
    with current_app.test_request_context():
        link = url_for("directory.index", _external=True)
    for reminder in reminders:
        mailed = capacity.mail_stale_reminder(reminder, link)
        how = "mailed" if mailed else "recorded (no SMTP configured)" if reminder["recipients"] else "recorded (nobody to tell)"
        click.echo(f"{reminder['organization']}: {len(reminder['services'])} stale entries, reminder {how}"
                   f"{' to ' + ', '.join(reminder['recipients']) if mailed else ''}.")


def register(app):
    """Attach the `directory` command group to the app's CLI."""
    if "directory" not in app.cli.commands:
        app.cli.add_command(directory)
