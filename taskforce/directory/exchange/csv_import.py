"""PURE: a spreadsheet of services (one row per service) read into directory records, every problem located.

Columns (header names are forgiving: case, spaces, a few synonyms): organization, name (required), description,
categories (slugs or labels, ";"-separated), languages (ISO 639-1 codes or English names), phone, email,
website, location_name, address_1, city, state, postal_code, country, confidential, min_age, max_age, genders,
trafficking_types, eligibility, open_24_7, hours ("mon-fri 09:00-17:00; sat 10:00-14:00"), timezone,
service_area, status, capacity_total. A row is taken whole or refused whole with its spreadsheet row number
(the header is row 1), the column and the reason; the rules are the directory editor's own (`validation`).
"""
import csv
import io
from dataclasses import dataclass, field

from taskforce.auth.validation import clean_text
from taskforce.directory import validation
from taskforce.directory.languages import LANGUAGES
from taskforce.directory.taxonomy import CATEGORIES, GENDERS, TRAFFICKING_TYPES
from taskforce.errors import ValidationError

MB = 1024 * 1024
MAX_BYTES = 20 * MB
MAX_ROWS = 50_000
MAX_ERRORS_KEPT = 500
csv.field_size_limit(1_000_000)

ALIASES = {"organisation": "organization", "organization_name": "organization", "provider": "organization",
           "service": "name", "service_name": "name", "category": "categories", "language": "languages",
           "telephone": "phone", "phone_number": "phone", "url": "website", "web": "website", "address": "address_1",
           "street": "address_1", "street_address": "address_1", "state_province": "state", "zip": "postal_code",
           "zip_code": "postal_code", "postcode": "postal_code", "is_confidential": "confidential",
           "minimum_age": "min_age", "maximum_age": "max_age", "gender": "genders", "trafficking_type":
           "trafficking_types", "eligibility_notes": "eligibility", "24_7": "open_24_7", "open_24/7": "open_24_7",
           "capacity": "capacity_total", "beds": "capacity_total", "site_name": "location_name"}
COLUMNS = ("organization", "name", "description", "categories", "languages", "phone", "email", "website",
           "location_name", "address_1", "city", "state", "postal_code", "country", "confidential", "min_age",
           "max_age", "genders", "trafficking_types", "eligibility", "open_24_7", "hours", "timezone",
           "service_area", "status", "capacity_total")
REQUIRED = ("organization", "name")
TRUE, FALSE = {"yes", "y", "true", "1", "x", "oui", "si", "sí"}, {"no", "n", "false", "0", ""}
DAY_NAMES = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
DAY_GROUPS = {"daily": range(7), "every day": range(7), "weekdays": range(5), "weekends": (5, 6)}
LANGUAGE_NAMES = {name.lower(): code for code, name in LANGUAGES.items()}


class CsvRejected(Exception):
    """The file as a whole cannot be read; the message says what to do."""


@dataclass
class CsvResult:
    records: list = field(default_factory=list)  # (row number, record)
    errors: list = field(default_factory=list)  # {"row", "column", "reason"}
    rows_seen: int = 0
    ignored_columns: list = field(default_factory=list)
    errors_truncated: bool = False


def header_key(text: str) -> str:
    key = (text or "").strip().lower().replace("-", "_").replace(" ", "_")
    return ALIASES.get(key, key)


def decode(content: bytes, max_bytes: int = MAX_BYTES) -> str:
    """UTF-8 text of the upload (a BOM, as Excel writes it, is fine), or CsvRejected with a clear reason."""
    if not content or not content.strip():
        raise CsvRejected("The file is empty.")
    if len(content) > max_bytes:
        raise CsvRejected(f"The file is {len(content) / MB:.1f} MB; the limit is {max_bytes / MB:.0f} MB. "
                          "Split it into smaller files.")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CsvRejected(f"The file is not UTF-8 text (byte {error.start}). In your spreadsheet, save as "
                          "“CSV UTF-8” and upload again.") from None


def parse(content: bytes, max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS) -> CsvResult:
    """Read and check every row. Raises CsvRejected when the file itself is unusable."""
    text = decode(content, max_bytes)
    if "\x00" in text:
        raise CsvRejected("The file holds binary data; upload a CSV text file.")
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") and sample.count(";") > sample.count("\t") else \
        "\t" if sample.count("\t") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise CsvRejected("The file has no header row.") from None
    keys = [header_key(h) for h in header]
    missing = [c for c in REQUIRED if c not in keys]
    if missing:
        raise CsvRejected(f"The header row lacks the column(s): {', '.join(missing)}. The first row must name "
                          f"the columns, e.g. organization,name,categories,phone,city.")
    result = CsvResult(ignored_columns=sorted({h for h, k in zip(header, keys) if k not in COLUMNS and h.strip()}))
    seen: dict[tuple[str, str], int] = {}
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            result.rows_seen += 1
            if result.rows_seen > max_rows:
                raise CsvRejected(f"The file has more than {max_rows:,} rows; split it into smaller files.")
            row = {k: (cells[i] if i < len(cells) else "") for i, k in enumerate(keys) if k in COLUMNS}
            try:
                record = clean_row(row)
            except ValidationError as error:
                _error(result, number, error.field or "", error.message)
                continue
            key = (record["organization_name"].lower(), record["name"].lower())
            if key in seen:
                _error(result, number, "name", f"The same service as row {seen[key]} (same organization and name).")
                continue
            seen[key] = number
            result.records.append((number, record))
    except csv.Error as error:
        raise CsvRejected(f"The CSV could not be read near row {reader.line_num}: {error}.") from None
    return result


def _error(result: CsvResult, row: int, column: str, reason: str) -> None:
    if len(result.errors) < MAX_ERRORS_KEPT:
        result.errors.append({"row": row, "column": column, "reason": reason})
    else:
        result.errors_truncated = True


def _words(value: str) -> list[str]:
    return [p.strip() for p in value.replace("|", ";").replace(",", ";").split(";") if p.strip()]


def _pick(value: str, allowed: dict, column: str, label: str) -> list[str]:
    by_label = {text.lower(): slug for slug, text in allowed.items()}
    chosen = []
    for word in _words(value):
        slug = word.lower().replace(" ", "_") if word.lower().replace(" ", "_") in allowed else by_label.get(word.lower())
        if slug is None:
            raise ValidationError(f"{label}: “{word[:40]}” is not one of: {', '.join(allowed)}.", field=column)
        if slug not in chosen:
            chosen.append(slug)
    return chosen


def _flag(value: str, column: str) -> bool:
    word = value.strip().lower()
    if word in TRUE:
        return True
    if word in FALSE:
        return False
    raise ValidationError(f"“{value[:20]}” is not yes or no.", field=column)


def parse_hours(text: str) -> tuple[list[tuple[int, str, str]], bool]:
    """"mon-fri 09:00-17:00; sat 10:00-14:00" → weekly intervals; "24/7" → open around the clock."""
    text = (text or "").strip().lower()
    if text in ("24/7", "24x7", "24 hours", "always"):
        return [], True
    hours = []
    for part in [p.strip() for p in text.split(";") if p.strip()]:
        days_text, _, times = part.partition(" ")
        if not times.strip() or not any(ch.isdigit() for ch in times):
            raise ValidationError(f"Hours: “{part[:40]}” should look like mon-fri 09:00-17:00.", field="hours")
        days = _days(days_text.strip(), part)
        for day in days:
            try:
                hours += validation.parse_day_hours(times.strip(), day)
            except ValidationError:
                raise ValidationError(f"Hours: “{part[:40]}” should look like mon-fri 09:00-17:00.",
                                      field="hours") from None
    return sorted(set(hours)), False


def _days(text: str, part: str) -> list[int]:
    if text in DAY_GROUPS:
        return list(DAY_GROUPS[text])
    days = []
    for piece in text.split(","):
        ends = [p.strip()[:3] for p in piece.split("-")]
        if not all(e in DAY_NAMES for e in ends) or len(ends) > 2:
            raise ValidationError(f"Hours: “{part[:40]}” should start with days such as mon-fri or sat,sun.",
                                  field="hours")
        first, last = DAY_NAMES[ends[0]], DAY_NAMES[ends[-1]]
        days += list(range(first, last + 1)) if first <= last else list(range(first, 7)) + list(range(0, last + 1))
    return days


def clean_row(row: dict) -> dict:
    """One spreadsheet row as a directory record (organization by name, location when an address is given)."""
    get = lambda key: (row.get(key) or "").strip()  # noqa: E731
    organization = clean_text(get("organization"), "organization", "Organization", max_length=200)
    hours, always = parse_hours(get("hours"))
    fields = {"name": get("name"), "description": get("description"), "status": get("status").lower() or "active",
              "categories": _pick(get("categories"), CATEGORIES, "categories", "Categories"),
              "languages": [LANGUAGE_NAMES.get(w.lower(), w.lower()) for w in _words(get("languages"))],
              "min_age": get("min_age"), "max_age": get("max_age"),
              "genders": _pick(get("genders"), GENDERS, "genders", "Genders"),
              "trafficking_types": _pick(get("trafficking_types"), TRAFFICKING_TYPES, "trafficking_types",
                                         "Trafficking types"),
              "eligibility_notes": get("eligibility"), "open_24_7": _flag(get("open_24_7"), "open_24_7") or always,
              "timezone": get("timezone"), "service_area": get("service_area"), "phone": get("phone"),
              "email": get("email"), "website": get("website"), "location_name": get("location_name"),
              "address_1": get("address_1"), "city": get("city"), "state_province": get("state"),
              "postal_code": get("postal_code"), "country": get("country"),
              "is_confidential": _flag(get("confidential"), "confidential")}
    cleaned = validation.clean_service(fields)
    if not cleaned["open_24_7"]:
        cleaned["hours"] = hours
    record = {key: cleaned[key] for key in ("name", "description", "status", "categories", "languages", "min_age",
                                            "max_age", "genders", "trafficking_types", "eligibility_notes",
                                            "open_24_7", "timezone", "hours", "service_area", "phone", "email",
                                            "website")}
    record["organization_name"] = organization
    if get("capacity_total"):
        try:
            record["capacity_total"] = validation.clean_capacity(0, get("capacity_total"))[1]
        except ValidationError as error:  # name the spreadsheet's column, not the capacity form's
            raise ValidationError(f"Capacity: {error.message}", field="capacity_total") from None
    if any(cleaned[k] for k in ("location_name", "address_1", "city", "postal_code")):
        record["location"] = {"name": cleaned["location_name"], "address_1": cleaned["address_1"],
                              "city": cleaned["city"], "state_province": cleaned["state_province"],
                              "postal_code": cleaned["postal_code"], "country": cleaned["country"],
                              "is_confidential": cleaned["is_confidential"]}
    return record
