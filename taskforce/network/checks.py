"""PURE: the rules a referral record keeps, on plain values, every problem found at once.

A record is a count for one month — never a person: no day (a month is the finest date kept), no future
month, counts that are whole numbers ≥ 0, outcomes that do not exceed what they are outcomes of, and notes
that the lessons' anonymizer finds nothing identifying in. The form, the "Log a referral" button and the
CSV import all go through `clean_referral`, so the rules are the same whichever way counts come in.
"""
import re
from datetime import date

from taskforce.directory.taxonomy import CATEGORIES
from taskforce.lessons import anonymizer

MAX_COUNT = 100_000
MAX_NOTES = 2000
EARLIEST = date(2000, 1, 1)
COUNT_FIELDS = ("count", "accepted", "declined_no_capacity", "declined_not_eligible", "declined_no_response",
                "completed")
LABELS = {"count": "People referred", "accepted": "Accepted", "declined_no_capacity": "Declined: no capacity",
          "declined_not_eligible": "Declined: not eligible", "declined_no_response": "Declined: no response",
          "completed": "Completed", "month": "Month", "category": "Service category", "notes": "Notes",
          "from_organization_id": "From", "to_organization_id": "To", "to_service_id": "Service"}
_MONTH = re.compile(r"^([0-9]{4})-([0-9]{1,2})$")  # ASCII digits: \d would take "٢٠٢٦-٠١"


class RecordErrors(Exception):
    """Every problem of one record: {field: sentence}."""

    def __init__(self, errors: dict):
        super().__init__("; ".join(f"{LABELS.get(k, k)}: {v}" for k, v in errors.items()))
        self.errors = errors


def first_of_month(today: date) -> date:
    return today.replace(day=1)


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def parse_month(value, today: date) -> date:
    """"2026-03" (or a date in it: the day is dropped) → the first of that month; never a future month."""
    if isinstance(value, date):
        month = value.replace(day=1)
    else:
        text = str(value or "").strip()
        if len(text) == 10 and text[4] == "-" and text[7] == "-":
            if not text.isascii() or not _is_date(text):
                raise ValueError("Give the month as YYYY-MM, e.g. 2026-03.")
            text = text[:7]  # a full date from a spreadsheet: keep only its month
        match = _MONTH.match(text)
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise ValueError("Give the month as YYYY-MM, e.g. 2026-03.")
        month = date(int(match.group(1)), int(match.group(2)), 1)
    if month > first_of_month(today):
        raise ValueError("That month has not happened yet.")
    if month < EARLIEST:
        raise ValueError("Months before 2000 are not kept.")
    return month


def parse_count(value, label: str) -> int:
    if isinstance(value, bool):
        raise ValueError("Give a whole number.")
    if isinstance(value, int):
        number = value
    else:
        text = str(value if value is not None else "").strip()
        if text == "":
            return 0
        if not re.fullmatch(r"-?\d{1,7}", text):
            raise ValueError("Give a whole number.")
        number = int(text)
    if number < 0:
        raise ValueError("A count cannot be negative.")
    if number > MAX_COUNT:
        raise ValueError(f"{label} above {MAX_COUNT:,} is not plausible for one month.")
    return number


def describe_findings(findings) -> str:
    kinds = sorted({f.kind for f in findings})
    quoted = ", ".join(f"“{f.text[:30]}” ({f.kind.lower()})" for f in findings[:5])
    return (f"Notes must not identify anyone; remove {quoted}" + (" and more" if len(findings) > 5 else "")
            + f". Found: {', '.join(kinds)}.")


def clean_referral(fields: dict, today: date) -> dict:
    """The record's values, checked; raises RecordErrors listing every problem. Organizations and the
    service are checked by the service layer (they need the database)."""
    errors, cleaned = {}, {}
    try:
        cleaned["month"] = parse_month(fields.get("month"), today)
    except ValueError as error:
        errors["month"] = str(error)
    category = str(fields.get("category") or "").strip()
    if category not in CATEGORIES:
        errors["category"] = "Choose a service category from the list."
    cleaned["category"] = category
    for name in COUNT_FIELDS:
        try:
            cleaned[name] = parse_count(fields.get(name), LABELS[name])
        except ValueError as error:
            errors[name] = str(error)
    if "count" not in errors and cleaned.get("count", 0) == 0 and not errors.get("count"):
        errors["count"] = "Record at least one person referred."
    if not any(name in errors for name in COUNT_FIELDS):
        decided = cleaned["accepted"] + sum(cleaned[k] for k in COUNT_FIELDS if k.startswith("declined"))
        if decided > cleaned["count"]:
            errors["accepted"] = (f"Accepted and declined add up to {decided}, more than the {cleaned['count']} "
                                  "referred.")
        if cleaned["completed"] > cleaned["accepted"]:
            errors["completed"] = "Completed cannot exceed accepted."
    notes = fields.get("notes")
    notes = "" if notes is None else str(notes)
    if "\x00" in notes:
        errors["notes"] = "Notes hold a character that cannot be stored."
    elif len(notes) > MAX_NOTES:
        errors["notes"] = f"Notes are limited to {MAX_NOTES} characters."
    else:
        notes = notes.strip()
        findings = anonymizer.scan(notes) if notes else []
        if findings:
            errors["notes"] = describe_findings(findings)
    cleaned["notes"] = notes
    if errors:
        raise RecordErrors(errors)
    return cleaned
