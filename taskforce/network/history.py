"""A year of referral history from a spreadsheet, through the directory's import machinery (csv_jobs: upload →
preview with per-row errors → confirm → chunks committed with a progress bar), not a copy of it.

Columns: from, to (organization names), service (optional: a service name of the "to" organization),
category (slug or label), month (YYYY-MM), count, accepted, declined_no_capacity, declined_not_eligible,
declined_no_response, completed, notes. Each row is checked by the same rules as the form
(`services.check_referral`) and taken whole or refused whole. An imported row replaces the same cell's
earlier import (same from, to, service, category and month), so loading the file twice counts it once.
A member imports their own organization's referrals; a coordinator any organization's.
"""
import csv
import io
from datetime import date

from sqlalchemy import func, select

from taskforce.dbtypes import utcnow
from taskforce.directory import offerings
from taskforce.directory.exchange import csv_import, csv_jobs
from taskforce.directory.taxonomy import CATEGORIES
from taskforce.errors import PermissionDenied, ValidationError
from taskforce.extensions import db
from taskforce.network import checks, reading, services
from taskforce.network.models import Referral
from taskforce.network.signals import referral_recorded

KIND = "network"
ALIASES = {"from_organization": "from", "referring_organization": "from", "to_organization": "to",
           "referred_to": "to", "service_name": "service", "people": "count", "referrals": "count",
           "no_capacity": "declined_no_capacity", "not_eligible": "declined_not_eligible",
           "no_response": "declined_no_response"}
COLUMNS = ("from", "to", "service", "category", "month", *checks.COUNT_FIELDS, "notes")
REQUIRED = ("from", "to", "category", "month", "count")
MAX_ROWS = 20_000
TEMPLATE = ("from,to,service,category,month,count,accepted,declined_no_capacity,declined_not_eligible,"
            "declined_no_response,completed,notes\r\n"
            "Riverside County Sheriff's Office,Casa Esperanza Shelter,,emergency_shelter,2026-03,3,2,1,0,0,1,\r\n")
_LABELS = {label.lower(): slug for slug, label in CATEGORIES.items()}


def _key(text: str) -> str:
    key = (text or "").strip().lower().replace("-", "_").replace(" ", "_")
    return ALIASES.get(key, key)


class ReferralRows(csv_jobs.Rows):
    def check(self, actor) -> None:
        if actor is None:
            raise PermissionDenied("Sign in to import referral history.")

    def parse(self, actor, content: bytes, max_bytes: int):
        text = csv_import.decode(content, max_bytes)
        if "\x00" in text:
            raise csv_import.CsvRejected("The file holds binary data; upload a CSV text file.")
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            header = [_key(h) for h in next(reader)]
        except (StopIteration, csv.Error):
            raise csv_import.CsvRejected("The file has no header row.") from None
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise csv_import.CsvRejected(f"The header row lacks the column(s): {', '.join(missing)}. The first row "
                                         f"must name the columns: {', '.join(COLUMNS)}.")
        result = csv_import.CsvResult(ignored_columns=sorted({h for h in header if h not in COLUMNS and h}))
        by_name = {name.lower(): oid for oid, name, _ in reading.organizations()}
        known, today = set(by_name.values()), services.today()
        service_ids = _service_ids()
        try:
            for number, cells in enumerate(reader, start=2):
                if not any(c.strip() for c in cells):
                    continue
                result.rows_seen += 1
                if result.rows_seen > MAX_ROWS:
                    raise csv_import.CsvRejected(f"The file has more than {MAX_ROWS:,} rows; split it.")
                row = {k: (cells[i].strip() if i < len(cells) else "") for i, k in enumerate(header) if k in COLUMNS}
                problem = _row_record(actor, row, by_name, known, today, service_ids)
                if "reason" in problem:
                    if len(result.errors) < csv_import.MAX_ERRORS_KEPT:
                        result.errors.append({"row": number, **problem})
                else:
                    result.records.append((number, problem))
        except csv.Error as error:
            raise csv_import.CsvRejected(f"The CSV could not be read near row {reader.line_num}: {error}.") from None
        return result

    def write(self, actor, record: dict, counts: dict, cache: dict) -> str | None:
        key = {"from_organization_id": record["from_organization_id"], "to_organization_id": record["to_organization_id"],
               "to_service_id": record["to_service_id"], "category": record["category"],
               "month": date.fromisoformat(record["month"])}
        table = Referral.__table__
        condition = [table.c[k] == v if v is not None else table.c[k].is_(None) for k, v in key.items()]
        existing = db.session.scalar(select(func.min(table.c.id)).where(*condition, table.c.source == "import"))
        values = {k: record[k] for k in checks.COUNT_FIELDS} | {"notes": record["notes"], "updated_at": utcnow()}
        if existing is not None:
            referral = db.session.get(Referral, existing)
            changed = any(getattr(referral, k) != v for k, v in values.items() if k != "updated_at")
            for k, v in values.items():
                setattr(referral, k, v)
            counts["updated" if changed else "unchanged"] += 1
        else:
            referral = Referral(**key, **values, source="import", created_by_id=actor.id, created_at=utcnow())
            db.session.add(referral)
            counts["created"] += 1
        return None


def _service_ids() -> dict:
    """{(organization id, service name lower-case): service id} of the directory."""
    return offerings.service_names()


def _row_record(actor, row: dict, by_name: dict, known: set, today: date, service_ids: dict):
    """The row's checked record, or {"column", "reason"} naming its first problem."""
    def org(column):
        name = row.get(column, "")
        if not name:
            return None, {"column": column, "reason": "Name the organization."}
        oid = by_name.get(name.lower())
        if oid is None:
            return None, {"column": column, "reason": f"“{name[:60]}” is not an organization of the task force."}
        return oid, None
    source, problem = org("from")
    if problem:
        return problem
    target, problem = org("to")
    if problem:
        return problem
    category = row.get("category", "")
    category = category if category in CATEGORIES else _LABELS.get(category.lower(), category)
    service_id = None
    if row.get("service"):
        service_id = service_ids.get((target, row["service"].lower()))
        if service_id is None:
            return {"column": "service", "reason": f"“{row['service'][:60]}” is not a service of that organization."}
    fields = {k: row.get(k, "") for k in checks.COUNT_FIELDS} | {
        "from_organization_id": source, "to_organization_id": target, "category": category,
        "month": row.get("month", ""), "notes": row.get("notes", "")}
    try:
        cleaned = services.check_referral(actor, fields, known=known, on=today)
    except PermissionDenied:
        return {"column": "from", "reason": "You import your own organization's referrals; a coordinator imports "
                                            "another organization's."}
    except ValidationError as error:
        errors = error.details.get("errors", {})
        column = next(iter(errors), "")
        return {"column": {"from_organization_id": "from", "to_organization_id": "to"}.get(column, column),
                "reason": errors.get(column, error.message)}
    cleaned["to_service_id"] = service_id
    cleaned["month"] = cleaned["month"].isoformat()
    return cleaned


def run(job_id: int) -> None:
    """Import a confirmed history job (a background thread with an app context), then tell the live map."""
    csv_jobs.run_job(job_id)
    referral_recorded.send(None, from_id=None, to_id=None)


csv_jobs.register_kind(KIND, ReferralRows())
