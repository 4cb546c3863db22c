"""Flask CLI commands: seed-demo, create-admin. Each domain may add a `demo.seed(rng, context)`."""
import random
import sys

import click
from sqlalchemy import func, select

from taskforce.extensions import db


def _database_is_empty() -> bool:
    from taskforce.auth.models import Organization
    return not db.session.scalar(select(func.count()).select_from(Organization))


def seed_demo_data(seed: int = 7, password: str = "taskforce-demo") -> dict:
    """Fill an empty database with the fictional demo task force, domain by domain, in one transaction."""
    from taskforce.domains import domain_modules
    rng = random.Random(seed)
    context = {"seed": seed, "password": password}
    for demo in domain_modules("demo"):
        context = demo.seed(rng, context) or context
    db.session.commit()
    for demo in domain_modules("demo"):  # what a domain does once the demo is stored (signals, channels)
        if hasattr(demo, "after_commit"):
            demo.after_commit(context)
    return context


def _print_accounts(context: dict) -> None:
    from taskforce.auth.demo import demo_totp_secret
    click.echo(f"Demo task force loaded (seed {context['seed']}). Every account's password: {context['password']}")
    click.echo("Fixed accounts:")
    for user in sorted(context["users"], key=lambda u: (not u.email.endswith("@taskforce.demo"), u.email)):
        line = f"  {user.email:<44} {user.role.value:<12} {user.organization.name}"
        if user.totp_secret:
            line += f"\n      TOTP secret: {demo_totp_secret(context['seed'], user.email)}"
        click.echo(line)


def _print_fixed_accounts(seed: int) -> None:
    from taskforce.auth.demo import FIXED_ACCOUNTS, demo_totp_secret
    from taskforce.auth.services import find_user_by_email
    for email, _name, _role, _org in FIXED_ACCOUNTS:
        user = find_user_by_email(email)
        if user is not None:
            secret = f"  TOTP secret: {demo_totp_secret(seed, email)}" if user.totp_secret else ""
            click.echo(f"  {email:<30} password: taskforce-demo{secret}")


def register(app):
    from taskforce.operations import register as register_operations  # backup, restore, purge
    register_operations(app)

    @app.cli.command("seed-demo")
    @click.option("--seed", default=7, show_default=True, type=int, help="Same seed, same demo data.")
    @click.option("--password", default="taskforce-demo", show_default=True, help="Password of every demo account.")
    @click.option("--if-empty", is_flag=True, help="Do nothing (exit 0) when the database already has data.")
    def seed_demo(seed, password, if_empty):
        """Load a realistic, fully fictional demo task force into an empty database."""
        if not _database_is_empty():
            if if_empty:
                click.echo("Database already has data; demo not reloaded. Demo sign-ins (if it is the demo):")
                _print_fixed_accounts(seed)
                return
            click.echo("The database is not empty; seed-demo only fills an empty database.", err=True)
            sys.exit(1)
        _print_accounts(seed_demo_data(seed, password))

    @app.cli.command("create-admin")
    @click.option("--email", prompt=True)
    @click.option("--name", "display_name", prompt="Display name")
    @click.option("--organization", prompt="Organization name")
    @click.option("--sector", default="government", show_default=True)
    @click.password_option()
    def create_admin(email, display_name, organization, sector, password):
        """Create the first administrator (and their organization) on a real install."""
        from taskforce.auth.bootstrap import create_first_admin
        from taskforce.errors import DomainError
        try:
            user = create_first_admin(email, display_name, organization, sector, password)
        except DomainError as error:
            click.echo(f"Error: {error.message}", err=True)
            sys.exit(1)
        click.echo(f"Administrator {user.email} created. Sign in at /auth/login and set up two-factor sign-in.")

