"""HSDS 3.0 exchange of the directory: export (any signed-in member, or the CLI) and import (coordinators).

Export writes organization.json, service.json and service_at_location.json, each a JSON array of objects valid
against the HSDS compiled schemas; confidential sites go out without street, postal code or coordinates.
Import takes the same files (or anyone's HSDS files, zips, API pages) in ONE transaction: valid records are
written whole, each invalid one is reported with its file, JSON path and reason and nothing of it is written,
and a file that cannot be read at all (too large, not UTF-8, not JSON) stops everything before any write.
Records keep their HSDS ids, so importing the same files twice changes nothing.

Someone importing through the web may not move another organization's service or site, make its confidential
site public or change what that site hides (`apply.refusal_for_*`): such a record is reported and
skipped. The CLI (`actor` None) is the operator of the installation and may (see `exchange.cli`).
"""
import io
import json
import zipfile
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from taskforce import audit
from taskforce.auth.models import Organization
from taskforce.directory.exchange import apply, hsds, hsds_read, hsds_write
from taskforce.directory.models import Location, Service
from taskforce.directory.services import check_may_import
from taskforce.errors import Conflict, PermissionDenied, ValidationError
from taskforce.extensions import db

FILES = ("organization.json", "service.json", "service_at_location.json")


def _check_may_export(actor) -> None:
    if actor is not None and not getattr(actor, "is_active", False):
        raise PermissionDenied("Sign in to download the directory.")


def _service_record(service: Service, organization_uuid: str) -> dict:
    location = service.location
    record = {column: getattr(service, column) for column in apply.SCALAR_FIELDS}
    record.update(uuid=service.uuid, organization_uuid=organization_uuid, categories=service.category_slugs,
                  languages=service.language_codes, hours=[(h.weekday, h.opens_at, h.closes_at) for h in service.hours],
                  genders=[g for g in service.genders.split(",") if g],
                  trafficking_types=[t for t in service.trafficking_types.split(",") if t],
                  last_verified_at=service.last_verified_at, updated_at=service.updated_at)
    record["location"] = _location_record(location, organization_uuid) if location else None
    return record


def _location_record(location: Location, organization_uuid: str) -> dict:
    record = {field: getattr(location, field) for field in apply.LOCATION_FIELDS}
    record.update(uuid=location.uuid, organization_uuid=organization_uuid, is_confidential=location.is_confidential)
    return record


def build_hsds(actor) -> dict[str, list[dict]]:
    """The three HSDS collections of the whole directory (confidentiality applied), keyed by file name."""
    _check_may_export(actor)
    refs = apply.organization_refs()
    services = db.session.scalars(select(Service).order_by(Service.id)).all()
    locations = db.session.scalars(select(Location).order_by(Location.id)).all()
    organization_ids = {s.organization_id for s in services} | {loc.organization_id for loc in locations}
    organizations = db.session.scalars(select(Organization).where(Organization.id.in_(organization_ids))
                                       .order_by(Organization.name)).all() if organization_ids else []
    org_records = {}
    for organization in organizations:
        org_records[organization.id] = {
            "uuid": apply.ensure_organization_uuid(organization, refs), "name": organization.name,
            "sector": organization.sector.value, "sector_label": organization.sector.label,
            "jurisdiction": organization.jurisdiction}
    service_records = [_service_record(s, org_records[s.organization_id]["uuid"]) for s in services]
    by_org: dict[int, list] = {}
    for service, record in zip(services, service_records):
        by_org.setdefault(service.organization_id, []).append(record)
    locations_by_org: dict[int, list] = {}
    for location in locations:
        locations_by_org.setdefault(location.organization_id, []).append(
            _location_record(location, org_records[location.organization_id]["uuid"]))
    result = {
        "organization.json": [hsds.organization_object(org_records[o.id], locations_by_org.get(o.id, []),
                                                       by_org.get(o.id, [])) for o in organizations],
        "service.json": [hsds.service_object(record, org_records[s.organization_id])
                         for s, record in zip(services, service_records)],
        "service_at_location.json": [hsds.service_at_location_object(r) for r in service_records if r["location"]],
    }
    audit.record(actor, "directory.hsds_exported", ("directory", ""),
                 **({"actor_label": "cli"} if actor is None else {}))
    db.session.commit()  # the organizations' new HSDS ids, and the audit row
    return result


def export_hsds(actor, directory) -> dict[str, int]:
    """Write the three files into `directory` (created if missing); returns how many objects each holds."""
    collections = build_hsds(actor)
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    for name, objects in collections.items():
        (target / name).write_text(json.dumps(objects, ensure_ascii=False, indent=1), encoding="utf-8")
    return {name: len(objects) for name, objects in collections.items()}


def export_zip(actor) -> bytes:
    """The three files in one zip, for the download button."""
    collections = build_hsds(actor)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, objects in collections.items():
            archive.writestr(name, json.dumps(objects, ensure_ascii=False))
        archive.writestr("README.txt", "Open Referral HSDS 3.0 export of the task force's referral directory.\n"
                         "Confidential sites are listed by city only; their street address is shared on referral.\n")
    return buffer.getvalue()


def import_hsds(actor, files: list[tuple[str, bytes]], max_bytes: int = hsds_read.MAX_FILE_BYTES) -> dict:
    """Import HSDS files in one transaction; returns counts, the refused records (file, path, reason), notes."""
    check_may_import(actor)
    if not files:
        raise ValidationError("Choose at least one HSDS file (.json or .zip).", field="files")
    try:
        batch = hsds_read.read_batch(files, max_bytes)
    except hsds_read.FileRejected as error:
        raise ValidationError(f"Nothing was imported: {error.file} {error.reason}", field="files") from None
    report = {"organizations": {"created": 0, "matched": 0},
              "locations": {"created": 0, "updated": 0, "unchanged": 0},
              "services": {"created": 0, "updated": 0, "unchanged": 0},
              "problems": [p.as_dict() for p in batch.problems], "notes": sorted(set(batch.notes)),
              "records_seen": batch.records_seen}
    try:
        hsds_write.write_batch(actor, batch, report)
        outcome = "ok" if not report["problems"] else "partial"
        audit.record(actor, "directory.hsds_imported", ("directory", ""), outcome=outcome,
                     **({"actor_label": "cli"} if actor is None else {}))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict("The directory changed while importing; nothing was imported. Try again.") from None
    return report

