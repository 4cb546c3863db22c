"""The first administrator of a real install (no invitation is possible before someone exists)."""
from sqlalchemy import func, select

from taskforce import audit
from taskforce.auth import passwords
from taskforce.auth.models import Organization, Role, Sector, User
from taskforce.auth.services import find_user_by_email
from taskforce.auth.validation import clean_choice, clean_email, clean_text
from taskforce.errors import Conflict, ValidationError
from taskforce.extensions import db


def create_first_admin(email, display_name, organization_name, sector, password) -> User:
    """Create an admin and, if needed, their organization. Run from the CLI by whoever owns the server."""
    email = clean_email(email)
    display_name = clean_text(display_name, "display_name", "Name", max_length=120)
    organization_name = clean_text(organization_name, "organization", "Organization", max_length=200)
    sector = clean_choice(sector, Sector, "sector", "Sector")
    problems = passwords.password_problems(password, [email, display_name])
    if problems:
        raise ValidationError(problems[0], field="password")
    if find_user_by_email(email):
        raise Conflict("Someone with this email already has an account.")
    organization = db.session.scalar(
        select(Organization).where(func.lower(Organization.name) == organization_name.lower()))
    if organization is None:
        organization = Organization(name=organization_name, sector=sector)
        db.session.add(organization)
        db.session.flush()
    user = User(email=email, display_name=display_name, organization_id=organization.id, role=Role.ADMIN,
                password_hash=passwords.hash_password(password))
    db.session.add(user)
    db.session.flush()
    audit.record(None, "auth.admin_created", user, actor_label="cli")
    db.session.commit()
    return user
