"""Invitations: the only way an account comes to exist (there is no open sign-up in a vetted space).

A coordinator invites a person to an organization with a role; the link is single-use, expires after 72
hours and sets the password. Only the token's hash is stored, so the link is shown once (and mailed when
SMTP is configured).
"""
from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from taskforce import audit, mail
from taskforce.auth import passwords
from taskforce.auth.models import Invitation, Organization, Role, User
from taskforce.auth.services import find_user_by_email
from taskforce.auth.signals import invitation_accepted
from taskforce.auth.validation import clean_choice, clean_email, clean_text
from taskforce.dbtypes import utcnow
from taskforce.errors import Conflict, NotFound, PermissionDenied, ValidationError
from taskforce.extensions import db

INVALID_LINK = "This invitation link is invalid, expired or already used. Ask your coordinator for a new one."


def check_may_invite(actor: User) -> None:
    """Coordinators invite people (and see the invitations page); everyone else is refused before any form."""
    if not actor.is_coordinator:
        raise PermissionDenied("Only coordinators invite people.")


def _check_can_grant(actor: User, role: Role) -> None:
    check_may_invite(actor)
    if role is Role.ADMIN and not actor.is_admin:
        raise PermissionDenied("Only an administrator can make someone an administrator.")


def invite_member(actor: User, email, display_name, organization_id, role) -> tuple[Invitation, str]:
    """Create an invitation and return it with the one-time token (for the link)."""
    role = clean_choice(role or "member", Role, "role", "Role")
    _check_can_grant(actor, role)
    email = clean_email(email)
    display_name = clean_text(display_name, "display_name", "Name", max_length=120, required=False)
    try:
        organization_id = int(organization_id)
    except (TypeError, ValueError):
        organization_id = 0
    organization = db.session.get(Organization, organization_id) if 0 < organization_id < 2**31 else None
    if organization is None:
        raise ValidationError("Choose an organization.", field="organization_id")
    if find_user_by_email(email):  # a typing mistake or a colleague already in: the form says so beside the field
        raise ValidationError("Someone with this email already has an account; find them on their organization's "
                              "page.", field="email")
    now = utcnow()
    for pending in db.session.scalars(select(Invitation).where(
            Invitation.email == email, Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))):
        pending.revoked_at = now  # a new invitation replaces any earlier link
    token = passwords.new_token()
    invitation = Invitation(
        token_hash=passwords.token_hash(token), email=email, display_name=display_name,
        organization=organization, role=role, invited_by_id=actor.id, created_at=now,
        expires_at=now + current_app.config["INVITATION_LIFETIME"],
    )
    db.session.add(invitation)
    db.session.flush()
    audit.record(actor, "auth.invitation_created", invitation)
    db.session.commit()
    return invitation, token


def revoke_invitation(actor: User, invitation_id: int) -> Invitation:
    if not actor.is_coordinator:
        raise PermissionDenied("Only coordinators manage invitations.")
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None:
        raise NotFound("No such invitation.")
    if invitation.state(utcnow()) != "pending":
        raise Conflict(f"This invitation is already {invitation.state(utcnow())}.")
    invitation.revoked_at = utcnow()
    audit.record(actor, "auth.invitation_revoked", invitation)
    db.session.commit()
    return invitation


def list_invitations(actor: User, limit: int = 100) -> list[Invitation]:
    if not actor.is_coordinator:
        raise PermissionDenied("Only coordinators manage invitations.")
    return db.session.scalars(select(Invitation).order_by(Invitation.id.desc()).limit(limit)).all()


def pending_invitation(token) -> Invitation:
    """The invitation a link stands for, if it can still be used."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        raise NotFound(INVALID_LINK)
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == passwords.token_hash(token)))
    if invitation is None or invitation.state(utcnow()) != "pending":
        raise NotFound(INVALID_LINK)
    return invitation


def accept_invitation(token, display_name, password) -> User:
    """Create the account the invitation describes; the link cannot be used again."""
    invitation = pending_invitation(token)
    display_name = clean_text(display_name or invitation.display_name, "display_name", "Name", max_length=120)
    problems = passwords.password_problems(password if isinstance(password, str) else "",
                                           [invitation.email, display_name])
    if problems:
        raise ValidationError(problems[0], field="password")
    if find_user_by_email(invitation.email):
        raise Conflict("Someone with this email already has an account.")
    user = User(email=invitation.email, display_name=display_name, organization_id=invitation.organization_id,
                role=invitation.role, password_hash=passwords.hash_password(password), active=True)
    db.session.add(user)
    invitation.accepted_at = utcnow()
    try:
        db.session.flush()
    except IntegrityError:  # the same link used twice at the same moment
        db.session.rollback()
        raise Conflict(INVALID_LINK) from None
    audit.record(user, "auth.invitation_accepted", invitation)
    db.session.commit()
    invitation_accepted.send(invitation, user=user)
    return user


def mail_invitation(invitation: Invitation, link: str) -> bool:
    """Send the link when SMTP is configured (through `taskforce.mail`); returns whether it was sent (the
    link is shown either way)."""
    return mail.send(invitation.email, "Your invitation to the task force platform",
                     f"You have been invited to join {invitation.organization.name} on the task force platform.\n\n"
                     f"Set your password here within 72 hours (the link works once):\n{link}\n",
                     purpose="invitation")
