"""Partner-map use cases that write: record referral counts, log one from a directory page, agreements.

Who may write: a member records the referrals of their own organization (it is the one that referred);
coordinators may record for any organization, as they do when they load a partner's spreadsheet. Every
record is whole or refused whole: one commit at the end, after every rule passed. A new record changes the
data's version, which invalidates the cached figures, and is announced by `referral_recorded` (live.py).
"""
from datetime import date

from sqlalchemy import func, select, update

from taskforce import audit
from taskforce.auth import members
from taskforce.dbtypes import utcnow
from taskforce.directory import services as directory_services
from taskforce.errors import NotFound, PermissionDenied, ValidationError
from taskforce.extensions import db
from taskforce.network import checks
from taskforce.network.models import PARTNERSHIP_KINDS, Partnership, Referral
from taskforce.network.signals import partnership_recorded, referral_recorded


def today() -> date:
    return utcnow().date()


def _organization_id(value, field: str, errors: dict, known: set[int]) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        errors[field] = "Choose an organization from the list."
        return None
    if number not in known:
        errors[field] = "No such organization in the task force."
        return None
    return number


def organization_ids() -> set[int]:
    from taskforce.auth.models import Organization  # the ids only: which organizations exist
    return set(db.session.scalars(select(Organization.id)))


def check_referral(actor, fields: dict, known: set[int] | None = None, on: date | None = None) -> dict:
    """A referral record's values checked against every rule, or ValidationError with every problem in
    `details["errors"]` ({field: sentence}); writes nothing. Used by the form, the button and the import."""
    if actor is None:
        raise PermissionDenied("Sign in to record referrals.")
    known = organization_ids() if known is None else known
    errors = {}
    try:
        cleaned = checks.clean_referral(fields, on or today())
    except checks.RecordErrors as problems:
        errors.update(problems.errors)
        cleaned = {}
    source = fields.get("from_organization_id") or actor.organization_id
    cleaned["from_organization_id"] = _organization_id(source, "from_organization_id", errors, known)
    cleaned["to_organization_id"] = _organization_id(fields.get("to_organization_id"), "to_organization_id",
                                                     errors, known)
    if cleaned["from_organization_id"] is not None and cleaned["from_organization_id"] == cleaned["to_organization_id"]:
        errors["to_organization_id"] = "An organization does not refer to itself: choose the partner you referred to."
    if cleaned["from_organization_id"] not in (None, actor.organization_id) and not actor.is_coordinator:
        raise PermissionDenied("You record the referrals your own organization made; a coordinator records "
                               "another organization's.")
    cleaned["to_service_id"] = None
    service_value = fields.get("to_service_id")
    if service_value not in (None, ""):
        try:
            if not 0 < int(str(service_value).strip()) < 2**31:  # what an id column holds (PostgreSQL INTEGER)
                raise NotFound("No such service in the directory.")
            service = directory_services.get_service(service_value)
        except (NotFound, ValueError):
            errors["to_service_id"] = "No such service in the directory."
        else:
            if cleaned["to_organization_id"] is not None and service.organization_id != cleaned["to_organization_id"]:
                errors["to_service_id"] = "That service belongs to another organization."
            cleaned["to_service_id"] = service.id
    if errors:
        raise ValidationError("The referral was not recorded: " +
                              "; ".join(f"{checks.LABELS.get(k, k)}: {v}" for k, v in errors.items()),
                              field=next(iter(errors)), details={"errors": errors})
    return cleaned


def record_referral(actor, fields: dict) -> Referral:
    """"We referred 3 people to X for shelter in March": one aggregate record, checked whole."""
    cleaned = check_referral(actor, fields)
    referral = Referral(**cleaned, created_by_id=actor.id, created_at=utcnow(), updated_at=utcnow())
    db.session.add(referral)
    db.session.flush()
    audit.record(actor, "network.referral_recorded", referral)
    db.session.commit()
    referral_recorded.send(referral, from_id=referral.from_organization_id, to_id=referral.to_organization_id)
    return referral


def log_service_referral(actor, service_id) -> Referral:
    """The directory page's "Log a referral": one more person referred this month from the actor's
    organization to this service (its first category). Added in SQL, so simultaneous presses all count."""
    if actor is None:
        raise PermissionDenied("Sign in to log referrals.")
    service = directory_services.get_service(service_id)
    if service.organization_id == actor.organization_id:
        raise ValidationError("This is your own organization's service: a referral goes to a partner.")
    categories = service.category_slugs
    if not categories:
        raise ValidationError("This service has no category yet, so the referral cannot be counted.")
    key = {"from_organization_id": actor.organization_id, "to_organization_id": service.organization_id,
           "to_service_id": service.id, "category": categories[0], "month": checks.first_of_month(today())}
    now = utcnow()
    table = Referral.__table__
    existing = db.session.scalar(select(func.min(table.c.id)).where(*(table.c[k] == v for k, v in key.items()),
                                                                    table.c.source == "button"))
    if existing is not None:
        db.session.execute(update(table).where(table.c.id == existing).values(count=table.c.count + 1, updated_at=now))
        referral = db.session.get(Referral, existing)
    else:  # two first presses at once make two rows of one each: the map adds them up
        referral = Referral(**key, count=1, source="button", created_by_id=actor.id, created_at=now, updated_at=now)
        db.session.add(referral)
        db.session.flush()
    audit.record(actor, "network.referral_logged", referral)
    db.session.commit()
    db.session.refresh(referral)
    referral_recorded.send(referral, from_id=referral.from_organization_id, to_id=referral.to_organization_id)
    return referral


def get_referral(actor, referral_id) -> Referral:
    """A record, for its own organization (the one that referred) or a coordinator; others get NotFound."""
    try:
        referral = db.session.get(Referral, int(referral_id))
    except (TypeError, ValueError, OverflowError):
        referral = None
    if referral is None or actor is None or not (actor.is_coordinator or
                                                 actor.organization_id == referral.from_organization_id):
        raise NotFound("No such referral record.")
    return referral


def delete_referral(actor, referral_id) -> None:
    """Remove a record entered by mistake (own organization's, or any for a coordinator)."""
    referral = get_referral(actor, referral_id)
    from_id, to_id = referral.from_organization_id, referral.to_organization_id
    audit.record(actor, "network.referral_deleted", referral)
    db.session.delete(referral)
    db.session.commit()
    referral_recorded.send(None, from_id=from_id, to_id=to_id)


def recent_referrals(actor, limit: int = 20) -> list[Referral]:
    """The actor's organization's latest records (all organizations' for a coordinator)."""
    statement = select(Referral).order_by(Referral.updated_at.desc(), Referral.id.desc()).limit(limit)
    if not actor.is_coordinator:
        statement = statement.where(Referral.from_organization_id == actor.organization_id)
    return db.session.scalars(statement).all()


def _parse_day(value, field: str, errors: dict, required: bool) -> date | None:
    text = str(value or "").strip()
    if not text:
        if required:
            errors[field] = "Give a date (YYYY-MM-DD)."
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[field] = "Give a date as YYYY-MM-DD."
        return None


def record_partnership(actor, fields: dict) -> Partnership:
    """An agreement between two organizations. A member may record one their own organization is part of."""
    errors = {}
    known = organization_ids()
    a = _organization_id(fields.get("organization_a_id") or actor.organization_id, "organization_a_id", errors, known)
    b = _organization_id(fields.get("organization_b_id"), "organization_b_id", errors, known)
    if a is not None and a == b:
        errors["organization_b_id"] = "An agreement needs two different organizations."
    if not actor.is_coordinator and actor.organization_id not in (a, b):
        raise PermissionDenied("You record agreements your own organization is part of.")
    kind = str(fields.get("kind") or "")
    if kind not in PARTNERSHIP_KINDS:
        errors["kind"] = "Choose the kind of agreement."
    starts = _parse_day(fields.get("starts_on"), "starts_on", errors, required=True)
    ends = _parse_day(fields.get("ends_on"), "ends_on", errors, required=False)
    if starts and ends and ends < starts:
        errors["ends_on"] = "The agreement cannot end before it starts."
    if errors:
        raise ValidationError("The agreement was not recorded: " + "; ".join(errors.values()),
                              field=next(iter(errors)), details={"errors": errors})
    partnership = Partnership(organization_a_id=a, organization_b_id=b, kind=kind, starts_on=starts, ends_on=ends,
                              created_by_id=actor.id, created_at=utcnow())
    db.session.add(partnership)
    db.session.flush()
    audit.record(actor, "network.partnership_recorded", partnership)
    db.session.commit()
    partnership_recorded.send(partnership, from_id=a, to_id=b)
    return partnership


def organization_choices(actor) -> list:
    """Every partner organization, for the forms' lists."""
    return members.list_organizations(actor)
