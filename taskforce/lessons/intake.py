"""What an author sends, made safe to look at: limits first, every problem at once, nothing scanned yet.

Why a module of its own: the identifying-details check costs time in proportion to the text, so a field
over its limit must be refused *before* anything reads it closely (a 438 KB field once took 8.5 s of a
request thread), and an author who left three fields empty hears about all three on the first save, each
beside its field — not one per round trip.
"""
from datetime import datetime, timezone

from taskforce.auth.models import Sector
from taskforce.errors import ValidationError
from taskforce.lessons import indicators, redaction
from taskforce.lessons.models import JurisdictionLevel, TraffickingType

LIMITS = {"title": 200, "summary": 2_000, "what_happened": 20_000, "what_worked": 10_000,
          "what_did_not": 10_000, "recommendation": 10_000}
LABELS = {"title": "Title", "summary": "Summary", "what_happened": "What happened", "what_worked": "What worked",
          "what_did_not": "What did not work", "recommendation": "Recommendation"}
REQUIRED = ("title", "summary")
EARLIEST_YEAR = 1990
# One lesson form, URL-encoded, at its limits: 52,200 characters (up to 12 bytes each once encoded), the
# decisions and the tags. Anything bigger is refused before the body is parsed (a 413).
MAX_REQUEST_BYTES = 1024 * 1024


class LessonInputError(ValidationError):
    """Every problem of one submitted lesson, by field (the page shows each beside its field)."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(" ".join(errors.values()), field=next(iter(errors)), details={"errors": dict(errors)})
        self.errors = dict(errors)


def normalise(texts: dict, decisions=(), replacements=()) -> tuple[dict, list, list]:
    """Browsers send textarea newlines as CRLF and authors leave stray spaces: use LF and strip, and move
    each decision's and replacement's offsets with its text so that it still anchors where the page put it.
    Not-text values are left as they are for `text_errors` to name."""
    out, decided, replaced = {}, [], []
    for field in redaction.FIELDS:
        value = texts.get(field)
        if value is None:
            value = ""
        if not isinstance(value, str):
            out[field] = value
            continue
        value = value.replace("\r\n", "\n").replace("\r", "\n")
        lead = len(value) - len(value.lstrip())
        out[field] = value.strip()
        decided.extend(d.moved(-lead) for d in decisions if d.field == field)
        replaced.extend(r.moved(-lead) for r in replacements if r.field == field)
    return out, decided, replaced


def text_errors(texts: dict, *, required: bool = True) -> dict[str, str]:
    """Per field: not text, too long, control characters, or (when `required`) missing. Cheap and linear:
    this is what runs before any scan."""
    errors = {}
    for field in redaction.FIELDS:
        value, label, limit = texts.get(field, ""), LABELS[field], LIMITS[field]
        if not isinstance(value, str):
            errors[field] = f"{label} must be text."
        elif len(value) > limit:
            errors[field] = (f"{label} is too long: {len(value):,} characters, at most {limit:,}. "
                             "Shorten it; nothing was saved or checked.")
        elif required and field in REQUIRED and not value:
            errors[field] = f"{label} is required."
        elif any(ord(ch) < 32 and ch not in "\t\n" for ch in value):
            errors[field] = f"{label} contains control characters."
    return errors


def missing(texts: dict) -> dict[str, str]:
    """The required fields still empty, for a check that should say what a save will need."""
    return {field: f"{LABELS[field]} is required." for field in REQUIRED if not texts.get(field)}


def clean_tags(tags: dict) -> tuple[dict, dict[str, str]]:
    """Trafficking type, indicators from the taxonomy, sectors, jurisdiction level and the case year —
    each problem collected, none raised."""
    errors, cleaned = {}, {}

    def choice(name, enum_cls, label, default):
        value = tags.get(name) or default
        try:
            cleaned[name] = enum_cls(value)
        except (ValueError, TypeError):
            errors[name] = f"{label} must be one of: {', '.join(m.value for m in enum_cls)}."

    choice("trafficking_type", TraffickingType, "Trafficking type", "unknown")
    choice("jurisdiction_level", JurisdictionLevel, "Jurisdiction level", "local")
    try:
        cleaned["case_year"] = clean_year(tags.get("case_year"))
    except ValidationError as error:
        errors["case_year"] = error.message
    slugs = sorted({s for s in tags.get("indicators") or [] if isinstance(s, str)})
    bad = indicators.unknown(slugs)
    if bad:
        errors["indicators"] = f"Unknown indicator: {bad[0][:60]}."
    cleaned["indicators"] = slugs
    sectors = set()
    for value in tags.get("sectors") or []:
        try:
            sectors.add(Sector(value).value)
        except (ValueError, TypeError):
            errors["sectors"] = f"Unknown sector: {str(value)[:60]}."
    cleaned["sectors"] = sorted(sectors)
    return cleaned, errors


def clean_year(value) -> int | None:
    """A year (never a date: a date can identify a case); empty means not given."""
    if value in (None, ""):
        return None
    try:
        year = int(str(value).strip()[:12])
    except ValueError:
        raise ValidationError("The case year must be a year, like 2023.", field="case_year") from None
    this_year = datetime.now(timezone.utc).year
    if not EARLIEST_YEAR <= year <= this_year:
        raise ValidationError(f"The case year must be between {EARLIEST_YEAR} and {this_year}.", field="case_year")
    return year
