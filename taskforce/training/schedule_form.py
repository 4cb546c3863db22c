"""The schedule form's fields, checked all at once: one ValidationError whose `details["fields"]` names
every field that is wrong (the form shows them all, with the input kept), so nothing is written unless all
are right. Pure of writes: `scheduling.py` creates and edits trainings from what `clean_schedule` returns.
"""
from sqlalchemy import select

from taskforce import ids
from taskforce.auth.models import Organization, Sector
from taskforce.auth.validation import clean_choice, clean_text
from taskforce.errors import ValidationError
from taskforce.extensions import db
from taskforce.training import seats, timing, topics
from taskforce.training.models import Format, Training

LIMITS = {"title": 200, "description": 10_000, "place": 300, "link": 500, "materials": 5_000}
MAX_RELEASE_DAYS = 90
MAX_OFFER_HOURS = 14 * 24
SECTOR_CHOICES = list(Sector)
SECTORS = [s.value for s in Sector]


def _url(value: str, field: str, label: str) -> str:
    if value and not value.lower().startswith(("https://", "http://")):
        raise ValidationError(f"{label} must be a web address starting with https://.", field=field)
    return value


def _whole(value, field: str, label: str, *, low: int, high: int, default=None) -> int:
    if value is None or (isinstance(value, str) and not value.strip()):
        if default is not None:
            return default
        raise ValidationError(f"{label} is required.", field=field)
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValidationError(f"{label} must be a whole number.", field=field)
    text = str(value).strip()
    if not (text.lstrip("-").isascii() and text.lstrip("-").isdigit()) or len(text) > 6:
        raise ValidationError(f"{label} must be a whole number between {low} and {high}.", field=field)
    number = int(text)
    if not low <= number <= high:
        raise ValidationError(f"{label} must be between {low} and {high}.", field=field)
    return number


def _list(data: dict, name: str) -> list:
    value = data.get(name)
    if value is None or value == "":
        return []
    return value if isinstance(value, list) else [value]


def series_rule(data: dict) -> str | None:
    """The RRULE the form asked for: the simple repeat fields, or an RRULE typed in directly."""
    if isinstance(data.get("rrule"), str) and data["rrule"].strip():
        return data["rrule"]
    repeat = data.get("repeat") or "none"
    if not isinstance(repeat, str):
        raise ValidationError("Repeat must be none, weekly or monthly.", field="repeat")
    if repeat == "none":
        return None
    if repeat not in ("weekly", "monthly"):
        raise ValidationError("Repeat must be none, weekly or monthly.", field="repeat")
    count, until = data.get("repeat_count"), data.get("repeat_until")
    count = str(count).strip() if isinstance(count, (str, int)) and not isinstance(count, bool) else ""
    until = until.strip() if isinstance(until, str) else ""
    if count and not (count.isascii() and count.isdigit()):
        raise ValidationError("The number of sessions must be a whole number.", field="repeat_count")
    if bool(count) == bool(until):
        raise ValidationError("Say how the series ends: a number of sessions or a last date (one of them).",
                              field="repeat_count")
    end = f"COUNT={count}" if count else f"UNTIL={until.replace('-', '')}"
    return f"FREQ={repeat.upper()};{end}"


def clean_schedule(data: dict, *, existing: Training | None = None) -> dict:
    """Every field of the form, checked; raises one ValidationError naming every wrong field."""
    errors: dict[str, str] = {}
    out: dict = {}

    def check(field, fn):
        try:
            out[field] = fn()
        except ValidationError as error:
            errors.setdefault(error.field or field, error.message)

    if not isinstance(data, dict):
        raise ValidationError("Send the training's fields.")
    for name, label, required in (("title", "Title", True), ("description", "Description", False),
                                  ("place", "Place", False), ("link", "Link", False),
                                  ("materials", "Materials", False)):
        check(name, lambda n=name, lb=label, r=required: clean_text(data.get(n), n, lb, max_length=LIMITS[n],
                                                                    required=r))
    if "link" in out:
        check("link", lambda: _url(out["link"], "link", "The link"))
    if "materials" in out:
        check("materials", lambda: "\n".join(_url(line.strip(), "materials", "Each material")
                                             for line in out["materials"].splitlines() if line.strip()))
    check("format", lambda: clean_choice(data.get("format") or "in_person", Format, "format", "Format"))
    if errors.get("format"):
        errors["format"] = "Format must be in person, virtual or hybrid."
    out["is_exercise"] = str(data.get("is_exercise", "")).lower() in ("1", "true", "on", "yes")
    if "format" in out and out["format"] is not Format.IN_PERSON and not out.get("link") and "link" not in errors:
        errors["link"] = "A virtual or hybrid training needs its link (shown to registrants only)."
    if "format" in out and out["format"] is not Format.VIRTUAL and not out.get("place") and "place" not in errors:
        errors["place"] = "Say where an in-person or hybrid training takes place."
    check("topics", lambda: _topics(_list(data, "topics")))
    check("tz", lambda: timing.zone(data.get("tz")))
    check("starts_local", lambda: timing.parse_local(data.get("starts_at"), "starts_at", "Start"))
    check("ends_local", lambda: timing.parse_local(data.get("ends_at"), "ends_at", "End"))
    if "tz" in out and "starts_local" in out:
        check("starts_at", lambda: timing.to_utc(out["starts_local"], out["tz"], "starts_at", "Start"))
    if "tz" in out and "ends_local" in out:
        check("ends_at", lambda: timing.to_utc(out["ends_local"], out["tz"], "ends_at", "End"))
    if "starts_at" in out and "ends_at" in out:
        check("span", lambda: timing.check_span(out["starts_at"], out["ends_at"]))
    if "starts_local" in out and "tz" in out:
        check("rrule", lambda: timing.clean_rrule(series_rule(data), out["starts_local"], out["tz"]))
    check("capacity", lambda: _whole(data.get("capacity"), "capacity", "Capacity", low=1, high=seats.MAX_CAPACITY))
    reserved = {}
    for sector in SECTORS:
        try:
            count = _whole(data.get(f"reserved_{sector}"), f"reserved_{sector}", "Reserved seats",
                           low=0, high=seats.MAX_CAPACITY, default=0)
            if count:
                reserved[sector] = count
        except ValidationError as error:
            errors[error.field] = error.message
    out["reserved"] = reserved
    if "capacity" in out:
        for problem in seats.reservation_problems(out["capacity"], reserved):
            errors.setdefault("reserved", problem)
    check("reservation_release_days", lambda: _whole(data.get("reservation_release_days"),
                                                     "reservation_release_days", "Release reserved seats",
                                                     low=0, high=MAX_RELEASE_DAYS, default=7))
    check("offer_hours", lambda: _whole(data.get("offer_hours"), "offer_hours", "Time to accept an offer",
                                        low=1, high=MAX_OFFER_HOURS, default=48))
    audience = data.get("audience") or "all"
    if not isinstance(audience, str) or (audience != "all" and audience not in SECTORS):
        errors["audience"] = "Audience must be all partners or one sector."
    out["audience_sector"] = None if audience == "all" else audience
    for name, label in (("registration_opens", "Registration opens"), ("registration_closes", "Registration closes")):
        raw = data.get(name)
        if raw and "tz" in out:
            check(f"{name}_at", lambda n=name, lb=label, v=raw: timing.to_utc(timing.parse_local(v, n, lb), out["tz"], n, lb))
        else:
            out[f"{name}_at"] = None
    opens, closes = out.get("registration_opens_at"), out.get("registration_closes_at")
    if opens and closes and closes <= opens:
        errors.setdefault("registration_closes", "Registration must close after it opens.")
    if closes and out.get("starts_at") and closes > out["ends_at"]:
        errors.setdefault("registration_closes", "Registration must close before the training ends.")
    check("co_hosts", lambda: _organizations(_list(data, "co_hosts")))
    if errors:
        raise ValidationError("Please correct the fields marked below.", details={"fields": errors})
    out["tz"] = out["tz"].key
    return out


def _topics(values) -> list[str]:
    if not all(isinstance(v, str) for v in values):
        raise ValidationError("Choose topics from the list.", field="topics")
    slugs = sorted(set(values))
    if topics.unknown(slugs):
        raise ValidationError("Choose topics from the list.", field="topics")
    if not slugs:
        raise ValidationError("Choose at least one topic.", field="topics")
    return slugs


def _organizations(values) -> list[int]:
    wanted = {ids.record_id(v) for v in values}
    if None in wanted:
        raise ValidationError("Choose co-hosts from the list of partners.", field="co_hosts")
    if not wanted:
        return []
    found = set(db.session.scalars(select(Organization.id).where(Organization.id.in_(sorted(wanted)))))
    if found != wanted:
        raise ValidationError("A co-host is not a partner organization.", field="co_hosts")
    return sorted(wanted)
