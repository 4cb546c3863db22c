"""The command line: `seed-demo` (the public demo contract, DESIGN §5) and `create-admin`."""
import re

import pyotp
import pytest
from sqlalchemy import func, select

from taskforce.audit import AuditEvent
from taskforce.auth.models import Organization, Role, Sector, User
from taskforce.auth.passwords import verify_password
from taskforce.extensions import db

DEMO_PASSWORD = "juniper-cobalt-fjord-37"
FIXED = {"member@taskforce.demo": Role.MEMBER, "trainer@taskforce.demo": Role.TRAINER,
         "coordinator@taskforce.demo": Role.COORDINATOR, "admin@taskforce.demo": Role.ADMIN}
STRONG = "saffron-glacier-tandem-84"


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def seed(app, *args):
    return app.test_cli_runner().invoke(args=["seed-demo", *args])


def snapshot() -> tuple:
    """What a seed decides in the auth domain: organizations and people (not times or hashes)."""
    organizations = db.session.execute(select(Organization.name, Organization.sector, Organization.jurisdiction,
                                              Organization.vetted_at.is_not(None)).order_by(Organization.name)).all()
    people = db.session.execute(select(User.email, User.display_name, User.role, Organization.name)
                                .join(Organization).order_by(User.email)).all()
    return tuple(map(tuple, organizations)), tuple(map(tuple, people))


def wipe():
    """Empty every table (children first), so that seed-demo sees an empty database again."""
    db.session.rollback()
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()
    db.session.expunge_all()  # the deleted rows' objects must not meet their reused ids


def totp_secrets(output: str) -> dict:
    """`email … \\n      TOTP secret: XXXX` pairs from the printed account list."""
    return dict(re.findall(r"^\s+(\S+@\S+)\s.*\n\s+TOTP secret: ([A-Z2-7]+)$", output, flags=re.M))


def test_seed_demo_fills_an_empty_database_deterministically(app, client):
    first = seed(app, "--seed", "3", "--password", DEMO_PASSWORD)
    assert first.exit_code == 0, first.output
    state = snapshot()
    organizations, people = state

    assert len(organizations) >= 12
    assert {sector for _n, sector, _j, _v in organizations} == set(Sector)
    assert len(people) >= 30
    assert {role for _e, _n, role, _o in people} == set(Role)
    users = {u.email: u for u in db.session.scalars(select(User))}
    for email, role in FIXED.items():
        assert users[email].role is role and users[email].active
        assert verify_password(users[email].password_hash, DEMO_PASSWORD)
        assert email in first.output
    assert DEMO_PASSWORD in first.output and "seed 3" in first.output
    for user in users.values():
        assert user.email in first.output  # it prints every account

    secrets = totp_secrets(first.output)
    for email in ("coordinator@taskforce.demo", "admin@taskforce.demo"):
        assert secrets[email] == users[email].totp_secret
    assert "member@taskforce.demo" not in secrets and users["member@taskforce.demo"].totp_secret is None
    # The printed secret and the password really sign the demo coordinator in.
    response = client.post("/auth/login", data={"email": "coordinator@taskforce.demo", "password": DEMO_PASSWORD,
                                                "totp": pyotp.TOTP(secrets["coordinator@taskforce.demo"]).now()})
    assert response.status_code == 302 and client.get("/partners/audit").status_code == 200

    # A database with data is refused; --if-empty leaves it alone and succeeds.
    refused = seed(app, "--seed", "3")
    assert refused.exit_code == 1 and "not empty" in refused.output
    assert seed(app, "--if-empty").exit_code == 0
    assert snapshot() == state

    wipe()
    again = seed(app, "--seed", "3", "--password", DEMO_PASSWORD)
    assert again.exit_code == 0, again.output
    assert snapshot() == state
    assert totp_secrets(again.output) == secrets

    wipe()
    other = seed(app, "--seed", "4", "--password", DEMO_PASSWORD)
    assert other.exit_code == 0, other.output
    assert snapshot()[1] != state[1]
    assert {u.email for u in db.session.scalars(select(User))} >= set(FIXED)


def admin_args(**overrides):
    values = {"--email": "root@example.org", "--name": "Rowan Root", "--organization": "Task Force Secretariat",
              "--sector": "government", "--password": STRONG}
    values.update(overrides)
    return ["create-admin", *[item for pair in values.items() for item in pair]]


def test_create_admin_makes_the_first_administrator(app, client):
    result = app.test_cli_runner().invoke(args=admin_args())
    assert result.exit_code == 0, result.output
    assert "root@example.org created" in result.output
    admin = db.session.scalar(select(User).where(User.email == "root@example.org"))
    assert admin.role is Role.ADMIN and admin.organization.name == "Task Force Secretariat"
    assert admin.organization.sector is Sector.GOVERNMENT and verify_password(admin.password_hash, STRONG)
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.target_id == str(admin.id))) \
        == "auth.admin_created"
    # An admin must set up two-factor before anything else.
    client.post("/auth/login", data={"email": "root@example.org", "password": STRONG})
    assert client.get("/partners/").headers["Location"].endswith("/auth/mfa")
    # A second admin joins the existing organization instead of making a duplicate.
    second = app.test_cli_runner().invoke(args=admin_args(**{"--email": "second@example.org",
                                                             "--organization": "task force secretariat"}))
    assert second.exit_code == 0, second.output
    assert count(Organization) == 1


@pytest.mark.parametrize("overrides,message", [
    ({"--password": "password1234"}, "Error:"),
    ({"--password": "short"}, "at least 12"),
    ({"--email": "not-an-email"}, "not valid"),
    ({"--sector": "cartel"}, "Sector must be one of"),
    ({"--name": "   "}, "Name is required"),
    ({"--organization": "o" * 201}, "too long"),
])
def test_create_admin_refuses_bad_input_and_writes_nothing(app, overrides, message):
    result = app.test_cli_runner().invoke(args=admin_args(**overrides))
    assert result.exit_code == 1
    assert message in result.output
    assert count(User) == 0 and count(Organization) == 0 and count(AuditEvent) == 0


def test_create_admin_refuses_a_taken_email(app, make_user):
    make_user(Role.MEMBER, email="root@example.org")
    organizations = count(Organization)
    result = app.test_cli_runner().invoke(args=admin_args(**{"--email": "ROOT@example.org"}))
    assert result.exit_code == 1 and "already has an account" in result.output
    assert count(User) == 1 and count(Organization) == organizations and count(AuditEvent) == 0
