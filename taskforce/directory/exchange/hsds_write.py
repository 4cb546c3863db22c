"""Writing one checked HSDS batch into the directory, in the order records depend on each other.

Organizations first (a site or service names its organization by HSDS id), then sites (a service names its
site), then services. Each step reports a record it refuses (another organization's site or service, an id
nothing knows) into the import's report and writes nothing of it; the caller owns the transaction.
"""
from dataclasses import dataclass, field

from sqlalchemy import select

from taskforce.directory.exchange import apply
from taskforce.directory.exchange.hsds_read import Batch
from taskforce.directory.models import Location, Service
from taskforce.extensions import db

STATUS_LENGTH = Service.__table__.c.status.type.length


@dataclass
class OrganizationIds:
    """HSDS organization id → directory organization id: the batch's own, then any other the directory knows
    (looked up once each)."""

    known: dict[str, int] = field(default_factory=dict)

    def id_for(self, uuid: str | None) -> int | None:
        if not uuid:
            return None
        if uuid not in self.known:
            found, _ = apply.find_organization({"uuid": uuid})
            if found is not None:
                self.known[uuid] = found.id
        return self.known.get(uuid)


def write_batch(actor, batch: Batch, report: dict) -> None:
    """Organizations, sites, services: each valid record written whole, each refused one in report["problems"]."""
    organizations = resolve_organizations(actor, batch, report)
    service_rows = _rows_by_uuid(Service, batch.services)
    owners = location_owners(batch, service_rows, organizations)
    locations, refused_locations = write_locations(actor, batch, report, organizations, owners)
    db.session.flush()
    write_services(actor, batch, report, organizations, service_rows, locations, refused_locations)
    db.session.flush()


def resolve_organizations(actor, batch: Batch, report: dict) -> OrganizationIds:
    """Find or create (unvetted) every organization of the batch; never changes one that exists."""
    organizations = OrganizationIds()
    for record in batch.organizations.values():
        organization = apply.resolve_organization(actor, record, report["organizations"])
        if organization is not None:
            organizations.known[record["uuid"]] = organization.id
    return organizations


def _rows_by_uuid(model, records: dict) -> dict:
    """The directory's rows of `model` whose HSDS ids the batch names."""
    if not records:
        return {}
    return {row.uuid: row for row in db.session.scalars(select(model).where(model.uuid.in_(list(records)))).all()}


def location_owners(batch: Batch, service_rows: dict, organizations: OrganizationIds) -> dict[str, int | None]:
    """Site id → the organization of the first service at it (a site's file often names no organization)."""
    owners = {}
    for record in batch.services.values():
        if record.get("location_uuid"):
            owner = organizations.id_for(record.get("organization_uuid"))
            if owner is None and record["uuid"] in service_rows:
                owner = service_rows[record["uuid"]].organization_id
            owners.setdefault(record["location_uuid"], owner)
    return owners


def write_locations(actor, batch: Batch, report: dict, organizations: OrganizationIds,
                    owners: dict) -> tuple[dict[str, Location], set[str]]:
    """Upsert the batch's sites; returns the written ones by id and the ids refused (their services follow)."""
    existing = _rows_by_uuid(Location, batch.locations)
    locations, refused = {}, set()
    for record in batch.locations.values():
        owner = organizations.id_for(record.get("organization_uuid")) or owners.get(record["uuid"])
        refusal = apply.refusal_for_location(actor, existing.get(record["uuid"]), record, owner)
        if refusal:
            file, path = record.get("_source", ("", ""))
            report["problems"].append({"file": file, "path": path, "reason": f"location {record['uuid']} {refusal}"})
            refused.add(record["uuid"])
            continue
        location = apply.upsert_location(record, owner, report["locations"])
        if location is None:
            report["notes"].append(f"Location {record['uuid']} belongs to no organization in this import or the "
                                   "directory and no service uses it; skipped.")
            continue
        locations[record["uuid"]] = location
    return locations, refused


def write_services(actor, batch: Batch, report: dict, organizations: OrganizationIds, service_rows: dict,
                   locations: dict[str, Location], refused_locations: set[str]) -> None:
    """Upsert the batch's services, each refused one (with its reason) in report["problems"]."""
    for record in batch.services.values():
        existing = service_rows.get(record["uuid"])
        organization_id = organizations.id_for(record.get("organization_uuid"))
        reason = _unplaceable(record, existing, organization_id)
        location = None
        if reason is None and record.get("location_uuid"):
            location, reason = _site_of(record["location_uuid"], locations, refused_locations)
        if reason is None:
            reason = apply.refusal_for_service(actor, existing, organization_id, location)
        if reason:
            file, path = record.get("_source", ("", ""))
            report["problems"].append({"file": file, "path": path, "reason": reason})
            continue
        apply.upsert_service(record, organization_id, location, report["services"])


def _unplaceable(record: dict, existing: Service | None, organization_id: int | None) -> str | None:
    """Why a service record cannot be stored at all (no such service, no organization, too long a status)."""
    if existing is None and not record.get("name"):
        return f"links service {record['uuid']}, which is neither in this import nor in the directory"
    if organization_id is None and existing is None:
        return ("names no organization the directory knows (give organization_id of an organization in "
                "this import, or a nested organization)")
    if len(record.get("status") or "") > STATUS_LENGTH:
        return f"status “{record['status']}” cannot be stored by this directory yet"
    return None


def _site_of(location_uuid: str, locations: dict[str, Location],
             refused_locations: set[str]) -> tuple[Location | None, str | None]:
    """The site a service record names (written by this batch, or already in the directory), or why not."""
    location = locations.get(location_uuid) or db.session.scalar(select(Location).where(Location.uuid == location_uuid))
    if location_uuid in refused_locations:
        return location, f"is at location {location_uuid}, which was refused (see its problem)"
    if location is None:
        return None, f"is at location {location_uuid}, which is neither in this import nor in the directory"
    return location, None
