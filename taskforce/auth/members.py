"""Organizations and their members, as coordinators manage them.

Who may do what: coordinators and admins manage every organization and member; a member sees the
organizations of the task force and the people of their own organization. Role changes and deactivation
end the person's sessions at once (a copied cookie or open socket must not keep the old rights).
"""
from sqlalchemy import func, select

from taskforce import audit
from taskforce.auth.models import Organization, Role, Sector, User
from taskforce.auth.services import end_all_sessions, end_sessions_of
from taskforce.auth.validation import clean_choice, clean_text
from taskforce.dbtypes import utcnow
from taskforce.errors import Conflict, NotFound, PermissionDenied
from taskforce.extensions import db


def _require_coordinator(actor: User, what: str) -> None:
    if not actor.is_coordinator:
        raise PermissionDenied(f"Only coordinators {what}.")


def get_organization(actor: User, organization_id: int) -> Organization:
    organization = db.session.get(Organization, organization_id)
    if organization is None:
        raise NotFound("No such organization.")
    return organization


def list_organizations(actor: User, sector: str | None = None) -> list[Organization]:
    """Every partner organization (the task force knows who its partners are)."""
    stmt = select(Organization).order_by(Organization.name)
    if sector:
        stmt = stmt.where(Organization.sector == clean_choice(sector, Sector, "sector", "Sector"))
    return db.session.scalars(stmt).all()


def _organization_fields(name, sector, jurisdiction) -> dict:
    return {
        "name": clean_text(name, "name", "Name", max_length=200),
        "sector": clean_choice(sector, Sector, "sector", "Sector"),
        "jurisdiction": clean_text(jurisdiction, "jurisdiction", "Jurisdiction", max_length=200, required=False),
    }


def _check_name_free(name: str, except_id: int | None = None) -> None:
    stmt = select(Organization.id).where(func.lower(Organization.name) == name.lower())
    if except_id:
        stmt = stmt.where(Organization.id != except_id)
    if db.session.scalar(stmt):
        raise Conflict(f"An organization called “{name}” already exists.")


def create_organization(actor: User, name, sector, jurisdiction="", vetted=False) -> Organization:
    _require_coordinator(actor, "add organizations")
    fields = _organization_fields(name, sector, jurisdiction)
    _check_name_free(fields["name"])
    organization = Organization(**fields, vetted_at=utcnow() if vetted else None)
    db.session.add(organization)
    db.session.flush()
    audit.record(actor, "org.created", organization)
    db.session.commit()
    return organization


def update_organization(actor: User, organization_id: int, name, sector, jurisdiction) -> Organization:
    _require_coordinator(actor, "edit organizations")
    organization = get_organization(actor, organization_id)
    fields = _organization_fields(name, sector, jurisdiction)
    _check_name_free(fields["name"], except_id=organization.id)
    sector_changed = fields["sector"] is not organization.sector
    for key, value in fields.items():
        setattr(organization, key, value)
    audit.record(actor, "org.updated", organization)
    if sector_changed:  # sector rooms and sector-only lessons follow the sector: sign its people in afresh
        end_sessions_of(organization.members)
    else:
        db.session.commit()
    return organization


def set_vetted(actor: User, organization_id: int, vetted: bool) -> Organization:
    """Vetting is the coordinator's statement that the partner was checked (MOU signed, references)."""
    _require_coordinator(actor, "vet organizations")
    organization = get_organization(actor, organization_id)
    organization.vetted_at = utcnow() if vetted else None
    audit.record(actor, "org.vetted" if vetted else "org.unvetted", organization)
    db.session.commit()
    return organization


def get_member(actor: User, user_id: int) -> User:
    member = db.session.get(User, user_id)
    if member is None or (not actor.is_coordinator and member.organization_id != actor.organization_id):
        raise NotFound("No such member.")
    return member


def may_list_members(actor: User, organization_id: int) -> bool:
    """Whether an organization's page lists its people to `actor`: coordinators see every organization's, a
    member their own (`list_members` refuses the rest)."""
    return actor.is_coordinator or organization_id == actor.organization_id


def list_members(actor: User, organization_id: int | None = None, query: str = "") -> list[User]:
    """Coordinators see everyone; a member sees the people of their own organization."""
    if not actor.is_coordinator:
        if organization_id is not None and not may_list_members(actor, organization_id):
            raise PermissionDenied("You can list only your own organization's members.")
        organization_id = actor.organization_id
    stmt = select(User).order_by(User.display_name)
    if organization_id:
        stmt = stmt.where(User.organization_id == organization_id)
    query = (query or "").strip()[:100]
    if query:
        like = f"%{query.lower()}%"
        stmt = stmt.where(func.lower(User.display_name).like(like) | func.lower(User.email).like(like))
    return db.session.scalars(stmt).all()


def grantable_roles(actor: User) -> list[Role]:
    """The roles `actor` may give (invite with, or change a member to): the lists offer only these."""
    if actor is None or not actor.is_coordinator:
        return []
    return [role for role in Role if role is not Role.ADMIN or actor.is_admin]


def may_manage(actor: User, member: User) -> bool:
    """Whether the Manage controls for `member` are offered to `actor` (the same rule `_check_can_manage` keeps)."""
    try:
        _check_can_manage(actor, member)
    except PermissionDenied:
        return False
    return True


def _check_can_manage(actor: User, member: User) -> None:
    _require_coordinator(actor, "manage members")
    if member.id == actor.id:
        raise PermissionDenied("Ask another coordinator to change your own account.")
    if member.role is Role.ADMIN and not actor.is_admin:
        raise PermissionDenied("Only an administrator can change an administrator's account.")


def change_role(actor: User, user_id: int, role) -> User:
    member = get_member(actor, user_id)
    role = clean_choice(role, Role, "role", "Role")
    _check_can_manage(actor, member)
    if role is Role.ADMIN and not actor.is_admin:
        raise PermissionDenied("Only an administrator can make someone an administrator.")
    if member.role is role:
        return member
    member.role = role
    audit.record(actor, f"member.role_changed:{role.value}", member)
    end_all_sessions(member)
    return member


def set_active(actor: User, user_id: int, active: bool) -> User:
    member = get_member(actor, user_id)
    _check_can_manage(actor, member)
    if member.active == active:
        return member
    member.active = active
    audit.record(actor, "member.reactivated" if active else "member.deactivated", member)
    end_all_sessions(member)
    return member


def unlock(actor: User, user_id: int) -> User:
    """Lift a lockout before its 15 minutes pass (the person called the coordinator)."""
    member = get_member(actor, user_id)
    _require_coordinator(actor, "unlock accounts")
    if member.role is Role.ADMIN and not actor.is_admin:
        raise PermissionDenied("Only an administrator can change an administrator's account.")
    member.locked_until, member.failed_logins, member.failed_window_start = None, 0, None
    audit.record(actor, "member.unlocked", member)
    db.session.commit()
    return member
