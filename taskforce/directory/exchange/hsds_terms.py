"""PURE: reading HSDS field values the directory keeps: taxonomy terms, category labels, language codes, dates
and weekly schedules. Shared by the records reader; nothing here knows where a value sits in a file."""
from datetime import datetime, timezone

from taskforce.directory.exchange import hsds
from taskforce.directory.taxonomy import CATEGORIES, CATEGORY_TAXONOMY

LABEL_TO_CATEGORY = {label.lower(): slug for slug, label in CATEGORIES.items()}


def terms_of(obj: dict, taxonomy: str) -> list[str]:
    """Codes of the attributes' taxonomy terms that belong to `taxonomy`."""
    codes = []
    for attr in obj.get("attributes") or []:
        term = attr.get("taxonomy_term") or {}
        if term.get("taxonomy") == taxonomy and term.get("code"):
            codes.append(term["code"])
    return codes


def categories_of(obj: dict) -> list[str]:
    """Our category slugs: terms of our taxonomy, or any term whose code or name is one of our categories."""
    slugs = []
    for attr in obj.get("attributes") or []:
        term = attr.get("taxonomy_term") or {}
        code, name = (term.get("code") or "").strip(), (term.get("name") or "").strip().lower()
        if code in CATEGORIES:
            slugs.append(code)
        elif name in LABEL_TO_CATEGORY:
            slugs.append(LABEL_TO_CATEGORY[name])
        elif term.get("taxonomy") == CATEGORY_TAXONOMY and name.replace(" ", "_") in CATEGORIES:
            slugs.append(name.replace(" ", "_"))
    return slugs


def language_code(lang: dict) -> str | None:
    code = (lang.get("code") or "").strip().lower().replace("_", "-").split("-")[0]
    return code if code.isalpha() and len(code) in (2, 3) else None


def date_of(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value[:10]).replace(tzinfo=timezone.utc)
    except ValueError:
        return None


def _clock(value) -> str | None:
    if not isinstance(value, str) or len(value) < 5 or value[2] != ":":
        return None
    hours, minutes = value[:2], value[3:5]
    if not (hours.isascii() and minutes.isascii() and hours.isdigit() and minutes.isdigit()) or int(hours) > 24 or int(minutes) > 59:
        return None
    return f"{hours}:{minutes}"


def hours_from_schedules(schedules: list[dict]) -> tuple[list[tuple[int, str, str]], bool]:
    """Weekly intervals from HSDS schedules (weekly, with byday and opening times); others are ignored.
    Returns (hours, open_24_7): every day 00:00 to 23:59/24:00 means open around the clock."""
    hours = set()
    for schedule in schedules or []:
        if not isinstance(schedule, dict):  # the schema lets null items through
            continue
        opens, closes = _clock(schedule.get("opens_at")), _clock(schedule.get("closes_at"))
        if (schedule.get("freq") or "WEEKLY") != "WEEKLY" or not (opens and closes and isinstance(schedule.get("byday"), str)):
            continue
        for code in schedule["byday"].upper().split(","):
            code = code.strip()[-2:]
            if code in hsds.WEEKDAY_CODES:
                hours.add((hsds.WEEKDAY_CODES.index(code), opens, closes))
    always = len(hours) == 7 and all(o == "00:00" and c in ("23:59", "24:00") for _, o, c in hours)
    return sorted(hours), always
