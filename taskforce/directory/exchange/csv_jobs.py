"""Spreadsheet imports for coordinators: check and preview first, then import with a progress bar.

`preview_csv` reads the whole file and writes nothing to the directory: it keeps the checked rows in a
`DirectoryImportJob` so the coordinator can look at the per-row errors before confirming. `run_job` imports
the rows in chunks; each chunk commits together with the job's progress, so the progress bar can be read by
any server process and survives a restart, and every row is written whole or not at all. Rows match existing
services by organization and name (case-insensitive), so running the same spreadsheet twice changes nothing.
A row that would make another organization's confidential site public or change its hidden address (the
importing coordinator is not one of its members) is skipped and listed with the job's errors.
"""
import json
import uuid as uuid_module

from sqlalchemy import func, select, update

from taskforce import audit
from taskforce.auth.models import User
from taskforce.dbtypes import utcnow
from taskforce.directory import services
from taskforce.directory.exchange import apply, csv_import
from taskforce.directory.exchange.hsds_write import STATUS_LENGTH
from taskforce.directory.exchange.models import DirectoryImportJob
from taskforce.directory.models import Service
from taskforce.errors import NotFound, PermissionDenied, ValidationError
from taskforce.extensions import db

CHUNK = 200
PREVIEW_ROWS = 20


class Rows:
    """What one kind of spreadsheet brings to the machinery (the directory's services here; another domain
    above the directory registers its own kind, e.g. the partner map's referral history): who may import,
    how the file is checked into (row number, JSON-able record) pairs, and how one checked row is written."""

    def check(self, actor) -> None:
        services.check_may_import(actor)

    def parse(self, actor, content: bytes, max_bytes: int):
        """A `csv_import.CsvResult` (records, errors, ignored_columns); CsvRejected for an unusable file."""
        result = csv_import.parse(content, max_bytes)
        kept = []
        for number, record in result.records:
            if len(record["status"]) > STATUS_LENGTH:
                result.errors.append({"row": number, "column": "status", "reason":
                                      f"Status “{record['status']}” cannot be stored by this directory yet."})
                continue
            kept.append((number, _jsonable(record)))
        result.records = kept
        return result

    def write(self, actor, record: dict, counts: dict, cache: dict) -> str | None:
        """Write one checked row, or say why it is refused (it is then listed with the job's errors)."""
        return _write_row(actor, record, counts, cache)


KINDS: dict[str, Rows] = {"csv": Rows()}


def register_kind(kind: str, rows: Rows) -> None:
    """Let a domain above the directory run its own spreadsheets through this machinery (kind ≤ 16 chars)."""
    KINDS[kind] = rows


def _check_importer(actor, kind: str = "csv") -> None:
    """A spreadsheet always comes through the web, from a signed-in member its kind allows (no command-line
    `None`)."""
    if actor is None:
        raise PermissionDenied("Only coordinators import directory data.")
    KINDS[kind].check(actor)


def preview_csv(actor, filename: str, content: bytes, max_bytes: int = csv_import.MAX_BYTES,
                kind: str = "csv") -> DirectoryImportJob:
    """Check every row of an uploaded spreadsheet; nothing is written until `start_job`."""
    _check_importer(actor, kind)
    try:
        result = KINDS[kind].parse(actor, content, max_bytes)
    except csv_import.CsvRejected as error:
        raise ValidationError(f"Nothing was imported: {error}", field="file") from None
    records = [[number, record] for number, record in result.records]
    if not records and not result.errors:
        raise ValidationError("The file has a header but no rows to import.", field="file")
    job = DirectoryImportJob(kind=kind, status="previewed", filename=(filename or "upload.csv")[:200],
                             created_by_id=actor.id, created_at=utcnow(), total=len(records),
                             rows_json=json.dumps(records), errors_json=json.dumps(sorted(result.errors,
                                                                                          key=lambda e: e["row"])),
                             message=("Columns ignored: " + ", ".join(result.ignored_columns))[:500]
                             if result.ignored_columns else "")
    db.session.add(job)
    db.session.commit()
    return job


def _jsonable(record: dict) -> dict:
    record = dict(record)
    record["hours"] = [list(h) for h in record["hours"]]
    return record


def get_job(actor, job_id, kind: str = "csv") -> DirectoryImportJob:
    """The job of this kind, only for the member who started it (or an administrator); others get NotFound."""
    try:
        job = db.session.get(DirectoryImportJob, int(job_id))
    except (TypeError, ValueError, OverflowError):
        job = None
    if job is None or actor is None or job.kind != kind or not (job.created_by_id == actor.id or actor.is_admin):
        raise NotFound("No such import.")
    return job


def preview(job: DirectoryImportJob) -> dict:
    """What the preview page shows: counts, the first rows as they will be imported, and every error."""
    rows = json.loads(job.rows_json) if job.status == "previewed" else []
    errors = json.loads(job.errors_json)
    return {"total": job.total, "error_count": len(errors), "errors": errors,
            "sample": [{"row": n, **r} for n, r in rows[:PREVIEW_ROWS]]}


def status(job: DirectoryImportJob) -> dict:
    """The progress bar's JSON."""
    errors = json.loads(job.errors_json)
    return {"id": job.id, "status": job.status, "total": job.total, "done": job.done, "created": job.created,
            "updated": job.updated, "errors": len(errors), "skipped": sum(1 for e in errors if e.get("skipped")),
            "message": job.message,
            "percent": 100 if job.total == 0 else round(100 * job.done / job.total)}


def start_job(actor, job_id, kind: str = "csv") -> DirectoryImportJob:
    """Confirm a previewed import. Only once: a second click (or a replay) finds it already running."""
    _check_importer(actor, kind)
    job = get_job(actor, job_id, kind)
    claimed = db.session.execute(update(DirectoryImportJob).where(DirectoryImportJob.id == job.id,
                                                                 DirectoryImportJob.status == "previewed")
                                 .values(status="running")).rowcount
    if not claimed:
        db.session.rollback()
        raise ValidationError("This import has already been started.")
    audit.record(actor, "directory.csv_import_started" if kind == "csv" else f"{kind}.csv_import_started", job)
    db.session.commit()
    return job


def run_job(job_id: int) -> None:
    """Import a confirmed job's rows chunk by chunk (called from a background thread with an app context)."""
    job = db.session.get(DirectoryImportJob, job_id)
    if job is None or job.status != "running":
        return
    actor = db.session.get(User, job.created_by_id)
    writer = KINDS[job.kind]
    rows = json.loads(job.rows_json)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    organizations: dict[str, object] = {}  # name (lower-case) → Organization, looked up once per job
    errors = json.loads(job.errors_json)
    try:
        for start in range(job.done, len(rows), CHUNK):
            for number, record in rows[start:start + CHUNK]:
                refusal = writer.write(actor, record, counts, organizations)
                if refusal:
                    column = "confidential" if job.kind == "csv" else ""
                    errors.append({"row": number, "column": column, "reason": refusal, "skipped": True})
            job.done = min(len(rows), start + CHUNK)
            job.errors_json = json.dumps(errors[:csv_import.MAX_ERRORS_KEPT])
            job.created, job.updated = counts["created"], counts["updated"]
            db.session.commit()
        job.status, job.finished_at, job.rows_json = "done", utcnow(), "[]"
        db.session.commit()
    except Exception as error:  # noqa: BLE001 — the job must end in a state the page can show
        db.session.rollback()
        job = db.session.get(DirectoryImportJob, job_id)
        job.status, job.finished_at = "failed", utcnow()
        job.message = (f"Stopped after {job.done} of {job.total} rows: {type(error).__name__}. The rows before "
                       "were imported; importing the same file again completes it without duplicates.")[:500]
        db.session.commit()
        raise


def _write_row(actor, record: dict, counts: dict, organizations: dict) -> str | None:
    """Write one checked row, or return why it is refused (another organization's site, see apply)."""
    key = record["organization_name"].lower()
    if key not in organizations:
        organizations[key] = apply.resolve_organization(
            actor, {"uuid": str(uuid_module.uuid4()), "name": record["organization_name"]}, {"created": 0, "matched": 0})
    organization = organizations[key]
    service = db.session.scalar(select(Service).where(Service.organization_id == organization.id,
                                                      func.lower(Service.name) == record["name"].lower()))
    fields = {k: v for k, v in record.items() if k not in ("organization_name", "location")}
    fields["hours"] = [tuple(h) for h in record["hours"]]
    location = None
    if record.get("location") and service is not None:
        refusal = apply.refusal_for_location(actor, service.location, record["location"], organization.id)
        if refusal:
            return f"Not imported: the site of “{service.name}” {refusal}."
    if record.get("location"):
        location_uuid = service.location.uuid if service is not None and service.location else str(uuid_module.uuid4())
        location = apply.upsert_location({"uuid": location_uuid, **record["location"]}, organization.id,
                                                  {"created": 0, "updated": 0, "unchanged": 0})
        db.session.flush()
    fields["uuid"] = service.uuid if service is not None else str(uuid_module.uuid4())
    if service is None:
        fields["last_verified_at"] = utcnow()
    apply.upsert_service(fields, organization.id, location, counts)
    return None
