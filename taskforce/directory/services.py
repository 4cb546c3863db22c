"""Directory use cases that change a service: create, edit (optimistic locking), verify.

Who may edit: members of the organization that offers the service, and coordinators (any service). Who sees
a confidential site's street address: only the offering organization's own members — everyone else,
coordinators included, sees the city and phone (the rule lives in `may_see_address`, used by every page, the
JSON API and the edit form).
"""
import uuid

from sqlalchemy import select, update
from sqlalchemy.orm.exc import StaleDataError

from taskforce import audit
from taskforce.auth import members
from taskforce.dbtypes import utcnow
from taskforce.directory import conflicts, distance, validation
from taskforce.directory.models import Location, Service, ServiceCategory, ServiceHours, ServiceLanguage
from taskforce.errors import Conflict, NotFound, PermissionDenied, ValidationError
from taskforce.extensions import db

HIDDEN_ADDRESS_FIELDS = ("location_name", "address_1", "postal_code")


class EditConflict(Conflict):
    """Someone saved the service since this editor opened it: both versions go back, nothing is written."""

    def __init__(self, yours: dict, current: dict, current_version: int):
        super().__init__("Someone changed this service while you were editing. Nothing was overwritten: "
                         "compare both versions and apply your changes again.")
        self.yours = yours
        self.current = current
        self.current_version = current_version

    def rows(self) -> list[tuple[str, str, str, bool]]:
        """(field, yours, current, differs) as the conflict page shows them."""
        return conflicts.compare_versions(self.yours, self.current, validation.STATUSES)


def may_see_address(viewer, service: Service) -> bool:
    """Street address, postal code and coordinates of a confidential site stay inside its organization: the one
    that runs the site (and offers the service). A service seated at another organization's site — only an
    import could do that — does not open that site's address to the service's organization."""
    location = service.location
    if location is None or not location.is_confidential:
        return True
    viewer_organization = getattr(viewer, "organization_id", None) if viewer is not None else None
    return viewer_organization is not None and viewer_organization == service.organization_id \
        and viewer_organization == location.organization_id


def check_may_import(actor) -> None:
    """Imports create and rewrite any organization's entries: coordinators only. `None` is the command line,
    run by whoever operates the server."""
    if actor is not None and not actor.is_coordinator:
        raise PermissionDenied("Only coordinators import directory data.")


def may_import(actor) -> bool:
    """Whether `check_may_import` lets `actor` through: the directory then links the exchange page as "Import"."""
    try:
        check_may_import(actor)
    except PermissionDenied:
        return False
    return True


def home_point(viewer) -> tuple[float, float] | None:
    """Where the viewer's organization works from, for "how far" on the directory's cards: the first of its
    own sites with coordinates or a US ZIP (its own confidential site too: the point never leaves the server,
    only distances to other services do)."""
    organization_id = getattr(viewer, "organization_id", None)
    if organization_id is None:
        return None
    for latitude, longitude, postal_code, country in db.session.execute(
            select(Location.latitude, Location.longitude, Location.postal_code, Location.country)
            .where(Location.organization_id == organization_id).order_by(Location.id).limit(10)):
        point = distance.place_of({"latitude": latitude, "longitude": longitude, "postal_code": postal_code,
                                   "country": country})
        if point is not None:
            return point
    return None


def can_edit(actor, service: Service) -> bool:
    """The offering organization's members keep their own entries; coordinators may correct any."""
    return actor is not None and (actor.is_coordinator or actor.organization_id == service.organization_id)


def get_service(service_id) -> Service:
    """The service, or NotFound for an unknown or malformed id."""
    try:
        service = db.session.get(Service, int(service_id))
    except (TypeError, ValueError, OverflowError):
        service = None
    if service is None:
        raise NotFound("No such service in the directory.")
    return service


def get_editable_service(actor, service_id) -> Service:
    """The service if `actor` may edit it, else PermissionDenied (nothing is shown or changed)."""
    service = get_service(service_id)
    if not can_edit(actor, service):
        raise PermissionDenied("Only members of the organization that offers this service, or a coordinator, "
                               "can change it.")
    return service


def organization_choices(actor) -> list:
    """Organizations a service can be created for: any for a coordinator, else only the actor's own."""
    if actor.is_coordinator:
        return members.list_organizations(actor)
    return [actor.organization]


def form_values(actor, service: Service) -> dict:
    """A service as the edit form shows it; a hidden address is left out for those who may not see it."""
    location = service.location
    values = {
        "name": service.name, "description": service.description, "status": service.status,
        "categories": service.category_slugs, "languages": service.language_codes,
        "min_age": service.min_age, "max_age": service.max_age,
        "genders": [g for g in service.genders.split(",") if g],
        "trafficking_types": [t for t in service.trafficking_types.split(",") if t],
        "eligibility_notes": service.eligibility_notes, "open_24_7": service.open_24_7,
        "timezone": service.timezone, "service_area": service.service_area,
        "phone": validation.display_phone(service.phone), "email": service.email, "website": service.website,
        "location_name": location.name if location else "", "address_1": location.address_1 if location else "",
        "city": location.city if location else "", "state_province": location.state_province if location else "",
        "postal_code": location.postal_code if location else "", "country": location.country if location else "US",
        "is_confidential": bool(location and location.is_confidential),
    }
    for day in range(7):
        values[f"hours_{day}"] = validation.format_day_hours(
            (h.weekday, h.opens_at, h.closes_at) for h in service.hours if h.weekday == day)
    if not may_see_address(actor, service):
        for field in HIDDEN_ADDRESS_FIELDS:
            values[field] = ""
    return values


def _sync_children(existing: list, wanted: list[str], key: str, make) -> list:
    """Keep rows whose key is still wanted, add new ones (a delete+insert of one key would hit the unique key)."""
    by_key = {getattr(row, key): row for row in existing}
    return [by_key.get(value) or make(value) for value in wanted]


def _apply(service: Service, cleaned: dict, *, keep_hidden_address: bool) -> None:
    for field in ("name", "description", "status", "min_age", "max_age", "eligibility_notes", "open_24_7",
                  "timezone", "service_area", "phone", "email", "website"):
        setattr(service, field, cleaned[field])
    service.genders = ",".join(cleaned["genders"])
    service.trafficking_types = ",".join(cleaned["trafficking_types"])
    service.categories = _sync_children(service.categories, cleaned["categories"], "category",
                                        lambda slug: ServiceCategory(category=slug))
    service.languages = _sync_children(service.languages, cleaned["languages"], "code",
                                       lambda code: ServiceLanguage(code=code))
    service.hours = [ServiceHours(weekday=day, opens_at=opens, closes_at=closes)
                     for day, opens, closes in cleaned["hours"]]
    location = service.location
    wants_location = any(cleaned[f] for f in ("location_name", "address_1", "city", "postal_code"))
    if location is None and wants_location:
        location = Location(uuid=str(uuid.uuid4()), organization_id=service.organization_id)
        service.location = location
    if location is None:
        return
    location.city = cleaned["city"]
    location.state_province = cleaned["state_province"]
    location.country = cleaned["country"]
    if keep_hidden_address:
        return  # an outsider (a coordinator of another organization) never sees nor overwrites the hidden parts
    if location.address_1 != cleaned["address_1"] or location.postal_code != cleaned["postal_code"]:
        location.latitude = location.longitude = None  # old coordinates would point at the old address
    location.name = cleaned["location_name"]
    location.address_1 = cleaned["address_1"]
    location.postal_code = cleaned["postal_code"]
    location.is_confidential = cleaned["is_confidential"]


def create_service(actor, fields: dict, organization_id=None) -> Service:
    """A new directory entry for the actor's organization (a coordinator may name another organization)."""
    cleaned = validation.clean_service(fields)
    organization = actor.organization
    if organization_id not in (None, ""):
        try:
            organization_id = int(organization_id)
        except (TypeError, ValueError):
            raise ValidationError("Choose an organization.", field="organization_id") from None
        if organization_id != actor.organization_id:
            if not actor.is_coordinator:
                raise PermissionDenied("You can only add services of your own organization.")
            organization = members.get_organization(actor, organization_id)
    now = utcnow()
    service = Service(uuid=str(uuid.uuid4()), organization_id=organization.id, organization=organization,
                      name=cleaned["name"], last_verified_at=now, created_at=now, updated_at=now)
    db.session.add(service)
    _apply(service, cleaned, keep_hidden_address=False)
    db.session.flush()
    audit.record(actor, "directory.service_created", service)
    db.session.commit()
    return service


def update_service(actor, service_id, version, fields: dict) -> Service:
    """Save an edit made on `version`. If anyone saved since, raise EditConflict with both versions."""
    service = get_editable_service(actor, service_id)
    try:
        version = int(version)
    except (TypeError, ValueError):
        raise ValidationError("The form is missing its version; reload the page and edit again.") from None
    cleaned = validation.clean_service(fields)
    hidden = not may_see_address(actor, service)
    if version != service.version:
        raise EditConflict(_comparable(cleaned, hidden), _comparable(form_values(actor, service), hidden),
                           service.version)
    _apply(service, cleaned, keep_hidden_address=hidden)
    now = utcnow()
    service.updated_at = now  # always dirty the row, so even an hours-only edit bumps the version
    service.last_verified_at = now
    service.stale_reminded_at = None
    audit.record(actor, "directory.service_updated", service)
    try:
        db.session.commit()
    except StaleDataError:  # saved by someone else between our read and our write
        db.session.rollback()
        current = get_service(service_id)
        raise EditConflict(_comparable(cleaned, hidden), _comparable(form_values(actor, current), hidden),
                           current.version) from None
    return service


def _comparable(values: dict, hidden: bool) -> dict:
    """The fields of a version for the side-by-side conflict page (lists stay lists: `conflicts` compares them
    as sets and shows their labels)."""
    shown = {key: value for key, value in values.items() if key != "hours"}
    if "hours" in values:
        for day in range(7):
            shown[f"hours_{day}"] = validation.format_day_hours(h for h in values["hours"] if h[0] == day)
    if hidden:
        for field in HIDDEN_ADDRESS_FIELDS:
            shown.pop(field, None)
    if str(shown.get("phone", "")).startswith("+"):
        shown["phone"] = validation.display_phone(shown["phone"])
    return shown


def verify_service(actor, service_id) -> Service:
    """"Still accurate": the provider confirms the entry, which clears the stale flag and any reminder.

    Written without touching `version`, so a colleague's open edit form does not become a conflict."""
    service = get_editable_service(actor, service_id)
    now = utcnow()
    db.session.execute(update(Service.__table__).where(Service.__table__.c.id == service.id)
                       .values(last_verified_at=now, stale_reminded_at=None))
    audit.record(actor, "directory.service_verified", service)
    db.session.commit()
    db.session.expire(service)
    return service
