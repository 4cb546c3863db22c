"""PURE: checks on a service as submitted by a provider (web form, JSON), before anything is written.

Every rule a referral depends on is checked here: a phone that can be dialled (stored E.164), a website that
is http(s) only (no `javascript:` links), languages from the fixed ISO 639-1 list, categories from the
taxonomy, weekly hours as "HH:MM-HH:MM", ages 0–120 with min ≤ max. A bad field raises `ValidationError`
with a sentence the provider can act on and the field's name.
"""
import re
from urllib.parse import urlsplit

import phonenumbers

from taskforce.auth.validation import clean_email, clean_text
from taskforce.directory import search
from taskforce.directory.languages import is_language_code
from taskforce.directory.taxonomy import CATEGORIES, GENDERS, TRAFFICKING_TYPES, WEEKDAYS
from taskforce.errors import ValidationError

STATUSES = {"active": "Active", "temporarily closed": "Temporarily closed", "inactive": "Inactive",
            "defunct": "Closed for good"}
MAX_INTERVALS_PER_DAY = 4
MAX_LIST_ITEMS = 40
DEFAULT_REGION = "US"


def _choices(values, allowed: dict, field: str, label: str) -> list[str]:
    if values is None:
        values = []
    if isinstance(values, str):
        values = [v for v in values.split(",") if v.strip()]
    if not isinstance(values, (list, tuple)) or len(values) > MAX_LIST_ITEMS:
        raise ValidationError(f"{label}: choose from the list.", field=field)
    cleaned = []
    for value in values:
        value = value.strip() if isinstance(value, str) else value
        if value not in allowed:
            raise ValidationError(f"{label}: “{str(value)[:40]}” is not one of the choices.", field=field)
        if value not in cleaned:
            cleaned.append(value)
    return cleaned


def clean_languages(values) -> list[str]:
    """ISO 639-1 codes from the fixed list, lower-cased, without repeats."""
    if isinstance(values, str):
        values = [v for v in values.split(",") if v.strip()]
    if not isinstance(values, (list, tuple)) or len(values) > MAX_LIST_ITEMS:
        raise ValidationError("Languages: choose from the list.", field="languages")
    codes = []
    for value in values:
        code = value.strip().lower() if isinstance(value, str) else value
        if not is_language_code(code):
            raise ValidationError(f"Languages: “{str(value)[:20]}” is not an ISO 639-1 language code.",
                                  field="languages")
        if code not in codes:
            codes.append(code)
    return codes


def clean_age(value, field: str, label: str) -> int | None:
    """An age in whole years 0–120, or None when left blank (no limit)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValidationError(f"{label} must be a whole number of years.", field=field)
    try:
        age = int(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError):
        raise ValidationError(f"{label} must be a whole number of years.", field=field) from None
    if not 0 <= age <= 120:
        raise ValidationError(f"{label} must be between 0 and 120.", field=field)
    return age


def clean_phone(value, region: str = DEFAULT_REGION) -> str:
    """A dialable number stored as E.164 (+15551234567); blank stays blank."""
    text = clean_text(value, "phone", "Phone", max_length=40, required=False)
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise ValidationError("That phone number could not be read; write it as you would dial it.",
                              field="phone") from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError("That phone number is not a valid number.", field="phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str, region: str = DEFAULT_REGION) -> str:
    """A stored number as people read it: national format at home, international otherwise."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, region)
    except phonenumbers.NumberParseException:
        return e164
    home = phonenumbers.region_code_for_number(number) == region
    style = phonenumbers.PhoneNumberFormat.NATIONAL if home else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, style)


def clean_website(value) -> str:
    """An http(s) address with a host; anything else (javascript:, data:, ftp:) is refused."""
    text = clean_text(value, "website", "Website", max_length=500, required=False)
    if not text:
        return ""
    refused = ValidationError("The website must be an http:// or https:// address.", field="website")
    if "://" not in text:
        if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:(?!\d)", text):  # javascript:, data:, mailto: …
            raise refused
        text = "https://" + text
    parts = urlsplit(text)
    try:
        parts.port  # noqa: B018  (raises on a malformed port)
    except ValueError:
        raise refused from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or any(c.isspace() for c in text):
        raise refused
    return text


def parse_day_hours(text, weekday: int) -> list[tuple[int, str, str]]:
    """One day's opening hours, "09:00-12:00, 13:00-17:00", as (weekday, opens, closes) intervals."""
    label = WEEKDAYS[weekday].capitalize()
    text = clean_text(text, f"hours_{weekday}", label, max_length=80, required=False)
    intervals = []
    for part in [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]:
        pieces = [p.strip() for p in part.replace("–", "-").split("-")]
        if len(pieces) != 2:
            raise ValidationError(f"{label}: write hours as HH:MM-HH:MM, e.g. 09:00-17:00.", field=f"hours_{weekday}")
        opens, closes = (p.zfill(5) if len(p) == 4 else p for p in pieces)
        if not search.is_clock(opens) or not (search.is_clock(closes) or closes == "24:00"):
            raise ValidationError(f"{label}: “{part[:20]}” is not HH:MM-HH:MM (00:00 to 24:00).",
                                  field=f"hours_{weekday}")
        if opens == closes:
            raise ValidationError(f"{label}: opening and closing times are the same.", field=f"hours_{weekday}")
        intervals.append((weekday, opens, closes))
    if len(intervals) > MAX_INTERVALS_PER_DAY:
        raise ValidationError(f"{label}: at most {MAX_INTERVALS_PER_DAY} intervals.", field=f"hours_{weekday}")
    return intervals


def format_day_hours(intervals) -> str:
    """The inverse of `parse_day_hours`, to fill the edit form."""
    return ", ".join(f"{opens}-{closes}" for _day, opens, closes in intervals)


class _Problems:
    """Runs each field's check, keeping every refusal: a provider sees all the form's mistakes at once, not one
    per save."""

    def __init__(self):
        self.found: list[tuple[str | None, str]] = []

    def check(self, clean, *args, fallback=None, **kwargs):
        try:
            return clean(*args, **kwargs)
        except ValidationError as error:
            self.found.append((error.field, error.message))
            return fallback

    def add(self, field: str, message: str) -> None:
        self.found.append((field, message))

    def raise_any(self) -> None:
        """One ValidationError naming the first problem; `details["errors"]` holds every (field, message)."""
        if self.found:
            field, message = self.found[0]
            raise ValidationError(message, field=field, details={"errors": list(self.found)})


def clean_service(fields: dict) -> dict:
    """Every field of a service, checked and normalised. Any problem raises one ValidationError whose
    `details["errors"]` lists every problem of the submission, field by field."""
    if not isinstance(fields, dict):
        raise ValidationError("Send the service as a set of fields.")
    problems = _Problems()
    check = problems.check
    min_age = check(clean_age, fields.get("min_age"), "min_age", "Minimum age")
    max_age = check(clean_age, fields.get("max_age"), "max_age", "Maximum age")
    if min_age is not None and max_age is not None and min_age > max_age:
        problems.add("min_age", "The minimum age is above the maximum age.")
    timezone = check(clean_text, fields.get("timezone") or "America/Los_Angeles", "timezone", "Time zone",
                     max_length=64)
    if timezone is not None and search.zone(timezone) is None:
        problems.add("timezone", "Time zone must be an IANA name such as America/Los_Angeles.")
    status = fields.get("status") or "active"
    if not isinstance(status, str) or status not in STATUSES:
        problems.add("status", "Status: choose from the list.")
    categories = check(_choices, fields.get("categories"), CATEGORIES, "categories", "Categories", fallback=[None])
    if not categories:
        problems.add("categories", "Choose at least one category, so people can find the service.")
    country = check(clean_text, fields.get("country") or "US", "country", "Country", max_length=2, fallback="US")
    country = country.upper()
    if not (len(country) == 2 and country.isalpha()):
        problems.add("country", "Country must be a two-letter code such as US.")
    email = fields.get("email")
    hours = [] if fields.get("open_24_7") else [
        interval for day in range(7)
        for interval in check(parse_day_hours, fields.get(f"hours_{day}"), day, fallback=[])]
    cleaned = {
        "name": check(clean_text, fields.get("name"), "name", "Name", max_length=200),
        "description": check(clean_text, fields.get("description"), "description", "Description", max_length=5000,
                             required=False),
        "status": status,
        "categories": categories,
        "languages": check(clean_languages, fields.get("languages")),
        "min_age": min_age,
        "max_age": max_age,
        "genders": check(_choices, fields.get("genders"), GENDERS, "genders", "Genders served"),
        "trafficking_types": check(_choices, fields.get("trafficking_types"), TRAFFICKING_TYPES, "trafficking_types",
                                   "Trafficking types"),
        "eligibility_notes": check(clean_text, fields.get("eligibility_notes"), "eligibility_notes",
                                   "Eligibility notes", max_length=2000, required=False),
        "open_24_7": bool(fields.get("open_24_7")),
        "timezone": timezone,
        "hours": hours,
        "service_area": check(clean_text, fields.get("service_area"), "service_area", "Service area",
                              max_length=200, required=False),
        "phone": check(clean_phone, fields.get("phone")),
        "email": check(clean_email, email, "email") if isinstance(email, str) and email.strip() else "",
        "website": check(clean_website, fields.get("website")),
        "location_name": check(clean_text, fields.get("location_name"), "location_name", "Site name",
                               max_length=200, required=False),
        "address_1": check(clean_text, fields.get("address_1"), "address_1", "Street address", max_length=200,
                           required=False),
        "city": check(clean_text, fields.get("city"), "city", "City", max_length=120, required=False),
        "state_province": check(clean_text, fields.get("state_province"), "state_province", "State",
                                max_length=120, required=False),
        "postal_code": check(clean_text, fields.get("postal_code"), "postal_code", "Postal code", max_length=20,
                             required=False),
        "country": country,
        "is_confidential": bool(fields.get("is_confidential")),
    }
    problems.raise_any()
    return cleaned


def clean_capacity(available, total) -> tuple[int, int]:
    """Beds or slots: whole numbers with 0 ≤ available ≤ total ≤ 10,000."""
    values = []
    for value, label in ((available, "Available"), (total, "Total")):
        if isinstance(value, bool) or value is None:
            raise ValidationError(f"{label} must be a whole number.", field=label.lower())
        try:
            number = int(value.strip() if isinstance(value, str) else value)
        except (TypeError, ValueError, OverflowError):
            raise ValidationError(f"{label} must be a whole number.", field=label.lower()) from None
        if isinstance(value, float) and value != number:
            raise ValidationError(f"{label} must be a whole number.", field=label.lower())
        values.append(number)
    available, total = values
    if not 0 <= total <= 10_000:
        raise ValidationError("Total must be between 0 and 10,000.", field="total")
    if not 0 <= available <= total:
        raise ValidationError("Available must be between 0 and the total.", field="available")
    return available, total


def clean_capacity_delta(value) -> int:
    """A change of available beds or slots (−1 or +1 from the buttons): a whole number, −10,000 to 10,000, not 0."""
    if isinstance(value, bool) or value is None or (isinstance(value, str) and len(value) > 12):
        raise ValidationError("The change must be a whole number such as -1 or 1.", field="delta")
    try:
        delta = int(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError, OverflowError):
        raise ValidationError("The change must be a whole number such as -1 or 1.", field="delta") from None
    if isinstance(value, float) and value != delta:
        raise ValidationError("The change must be a whole number such as -1 or 1.", field="delta")
    if delta == 0 or not -10_000 <= delta <= 10_000:
        raise ValidationError("The change must be between -10,000 and 10,000, and not 0.", field="delta")
    return delta
