"""Writing exchanged records (HSDS or spreadsheet) into the directory, inside the caller's transaction.

Records are the plain dicts of `hsds.py`; only the keys a record carries are written, so a short listing
never blanks what a fuller file said. Writing the same record twice changes nothing (no version bump), which
makes every import idempotent. A confidential site's street address, postal code, coordinates and site name
are never overwritten by the blanks an export leaves in their place.

Ownership (the editor's rule, `services._apply(keep_hidden_address=…)`): an import by someone outside the
organization that owns an existing service or site never moves it to another organization, never makes a
confidential site public and never changes what a confidential site hides (`refusal_for_*` say why, and the
caller reports the record and skips it). The CLI runs as the installation's operator, who may do all of it.
"""
import uuid as uuid_module

from sqlalchemy import func, select

from taskforce import audit
from taskforce.auth.models import Organization, Sector
from taskforce.dbtypes import utcnow
from taskforce.directory.exchange import hsds
from taskforce.directory.exchange.models import DirectoryOrganizationRef
from taskforce.directory.models import Location, Service, ServiceCategory, ServiceHours, ServiceLanguage
from taskforce.extensions import db

SCALAR_FIELDS = ("name", "description", "status", "min_age", "max_age", "eligibility_notes", "open_24_7",
                 "timezone", "service_area", "phone", "email", "website")
LIST_FIELDS = ("genders", "trafficking_types")
LOCATION_FIELDS = ("name", "address_1", "city", "state_province", "postal_code", "country", "latitude", "longitude")
HIDDEN_WHEN_CONFIDENTIAL = ("name", "address_1", "postal_code", "latitude", "longitude")
WITHHELD = ("", None, hsds.CONFIDENTIAL_NAME)  # what a confidential export leaves in place of a hidden field


def acts_for(actor, organization_id: int | None) -> bool:
    """May this importer change what the owning organization decided? The CLI (operator), or its own members."""
    return actor is None or (organization_id is not None and actor.organization_id == organization_id)


def refusal_for_location(actor, location: Location | None, record: dict, organization_id: int | None) -> str | None:
    """Why an outsider's import may not write `record` over an existing site, or None when it may."""
    if location is None or acts_for(actor, location.organization_id):
        return None
    if organization_id is not None and organization_id != location.organization_id:
        return ("is a site of another organization; only its own members can move it to a different "
                "organization")
    if not location.is_confidential:
        return None
    if record.get("is_confidential", True) is False:
        return "is a confidential site of another organization; only its own members can make its address public"
    for field in HIDDEN_WHEN_CONFIDENTIAL:
        if field in record and record[field] not in WITHHELD and record[field] != getattr(location, field):
            return ("is a confidential site of another organization; only its own members can change its street "
                    "address, postal code, coordinates or site name")
    return None


def refusal_for_service(actor, service: Service | None, organization_id: int | None,
                        location: Location | None) -> str | None:
    """Why an outsider's import may not write this service (move it, or seat it at another's site), or None."""
    if service is not None and organization_id is not None and organization_id != service.organization_id \
            and not acts_for(actor, service.organization_id):
        return ("is a service of another organization; only its own members can move it to a different "
                "organization")
    owner = organization_id if organization_id is not None else service.organization_id if service else None
    if location is not None and location.organization_id != owner and not acts_for(actor, location.organization_id) \
            and (service is None or service.location_id != location.id):
        return f"is at location {location.uuid}, a site of another organization; only its own members can link to it"
    return None


def organization_refs() -> dict[int, str]:
    """organization id → HSDS id, for every organization that has one."""
    return dict(db.session.execute(select(DirectoryOrganizationRef.organization_id, DirectoryOrganizationRef.uuid)).all())


def ensure_organization_uuid(organization, known: dict[int, str]) -> str:
    """The organization's HSDS id, made (random, then kept) the first time it is exchanged."""
    if organization.id not in known:
        ref = DirectoryOrganizationRef(organization_id=organization.id, uuid=str(uuid_module.uuid4()))
        db.session.add(ref)
        known[organization.id] = ref.uuid
    return known[organization.id]


def find_organization(record: dict):
    """An organization named by an exchange: by its HSDS id first, then by name (case-insensitive)."""
    ref = db.session.scalar(select(DirectoryOrganizationRef).where(DirectoryOrganizationRef.uuid == record["uuid"]))
    if ref is not None:
        return db.session.get(Organization, ref.organization_id), True
    if record.get("name"):
        organization = db.session.scalar(
            select(Organization).where(func.lower(Organization.name) == record["name"].strip().lower()))
        if organization is not None:
            return organization, False
    return None, False


def resolve_organization(actor, record: dict, counts: dict):
    """The organization for a record: found (never changed by an import), or created unvetted."""
    organization, has_ref = find_organization(record)
    if organization is None:
        if not record.get("name"):
            return None
        sector = record.get("sector") if record.get("sector") in {s.value for s in Sector} else Sector.OTHER.value
        organization = Organization(name=record["name"].strip(), sector=Sector(sector), jurisdiction="",
                                    vetted_at=None)
        db.session.add(organization)
        db.session.flush()
        audit.record(actor, "org.created", organization, outcome="by_import",
                     **({"actor_label": "cli"} if actor is None else {}))
        counts["created"] += 1
    else:
        counts["matched"] += 1
    if not has_ref and db.session.scalar(select(DirectoryOrganizationRef.id).where(
            DirectoryOrganizationRef.organization_id == organization.id)) is None:
        db.session.add(DirectoryOrganizationRef(organization_id=organization.id, uuid=record["uuid"]))
    return organization


def upsert_location(record: dict, organization_id: int | None, counts: dict) -> Location | None:
    """Create or update a site by HSDS id; blanks from a confidential export never erase the real address."""
    location = db.session.scalar(select(Location).where(Location.uuid == record["uuid"]))
    if location is None:
        if organization_id is None:
            return None
        location = Location(uuid=record["uuid"], organization_id=organization_id, country="US")
        db.session.add(location)
        counts["created"] += 1
        changed = True
    else:
        changed = False
        if organization_id is not None and location.organization_id != organization_id:
            location.organization_id, changed = organization_id, True
    confidential = record.get("is_confidential", location.is_confidential if location.id else False)
    moved = False
    for field in LOCATION_FIELDS:
        if field not in record:
            continue
        value = record[field]
        if confidential and field in HIDDEN_WHEN_CONFIDENTIAL and value in WITHHELD:
            continue  # what a confidential export withheld stays as it is here
        if getattr(location, field) != value:
            setattr(location, field, value)
            changed = True
            moved = moved or field in ("address_1", "postal_code")
    if moved and location.id and "latitude" not in record and location.latitude is not None:
        location.latitude = location.longitude = None  # old coordinates would point at the old address
    if "is_confidential" in record and location.is_confidential != record["is_confidential"]:
        location.is_confidential, changed = record["is_confidential"], True
    if location.id and changed:
        counts["updated"] += 1
    elif location.id:
        counts["unchanged"] += 1
    return location


def upsert_service(record: dict, organization_id: int | None, location: Location | None, counts: dict) -> Service:
    """Create or update a service by HSDS id; bump its version only when something really changed."""
    service = db.session.scalar(select(Service).where(Service.uuid == record["uuid"]))
    now = utcnow()
    created = service is None
    if created:
        service = Service(uuid=record["uuid"], organization_id=organization_id, name=record["name"],
                          created_at=now, updated_at=now, last_verified_at=record.get("last_verified_at"))
        db.session.add(service)
    changed = False
    if organization_id is not None and service.organization_id != organization_id:
        service.organization_id, changed = organization_id, True
    if location is not None and service.location_id != location.id:
        service.location, changed = location, True
    for field in SCALAR_FIELDS:
        if field in record and getattr(service, field) != record[field]:
            setattr(service, field, record[field])
            changed = True
    for field in LIST_FIELDS:
        if field in record and getattr(service, field) != ",".join(record[field]):
            setattr(service, field, ",".join(record[field]))
            changed = True
    if "categories" in record and service.category_slugs != sorted(record["categories"]):
        kept = {row.category: row for row in service.categories}
        service.categories = [kept.get(s) or ServiceCategory(category=s) for s in record["categories"]]
        changed = True
    if "languages" in record and service.language_codes != sorted(record["languages"]):
        kept = {row.code: row for row in service.languages}
        service.languages = [kept.get(c) or ServiceLanguage(code=c) for c in record["languages"]]
        changed = True
    if "hours" in record:
        current = sorted((h.weekday, h.opens_at, h.closes_at) for h in service.hours)
        if current != sorted(record["hours"]):
            service.hours = [ServiceHours(weekday=d, opens_at=o, closes_at=c) for d, o, c in record["hours"]]
            changed = True
    if "capacity_total" in record and service.capacity_total != record["capacity_total"]:
        service.capacity_total = record["capacity_total"]
        if service.capacity_available is None or service.capacity_available > service.capacity_total:
            service.capacity_available = service.capacity_total
        service.capacity_updated_at = now
        changed = True
    verified = record.get("last_verified_at")
    if verified and (service.last_verified_at is None or service.last_verified_at.date() != verified.date()):
        service.last_verified_at, changed = verified, True
    if created:
        counts["created"] += 1
    elif changed:
        service.updated_at = now  # a children-only change still bumps the version (optimistic lock)
        counts["updated"] += 1
    else:
        counts["unchanged"] += 1
    return service
