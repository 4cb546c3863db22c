"""PURE: when a training happens — IANA zones, local wall-clock times to UTC, and bounded recurrence.

Why local first: a weekly 09:00 training in New York is at 09:00 on both sides of a DST change, so a series
is expanded in the organizer's zone and each occurrence converted to UTC on its own. A local time that does
not exist (the spring-forward gap) is refused with a sentence, never silently shifted by an hour; an
ambiguous one (the autumn fold) takes its first, daylight-time reading.

A series is an RFC 5545 RRULE restricted to what a task force schedules (weekly or monthly), always
bounded (COUNT or UNTIL) and never longer than MAX_OCCURRENCES: an unbounded rule would make every feed and
calendar view expand it forever.
"""
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from dateutil.rrule import rrulestr

from taskforce.errors import ValidationError

MAX_OCCURRENCES = 104          # two years of weekly sessions
MAX_DURATION = timedelta(days=14)
FREQUENCIES = ("WEEKLY", "MONTHLY")
_ALLOWED_PARTS = {"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYSETPOS", "WKST"}
_RULE_TEXT = re.compile(r"^[A-Z0-9=;,+\-]{1,200}$")
_ZONES = frozenset(available_timezones())  # read once: the set of the tzdata shipped with the app


def zone(name) -> ZoneInfo:
    """The IANA zone of this name, or a ValidationError naming the problem ("Europe/Paris", not "CET+1")."""
    if not isinstance(name, str) or not name.strip():
        raise ValidationError("Choose the time zone the training is held in.", field="tz")
    name = name.strip()
    if name not in _ZONES:
        raise ValidationError(f"“{name[:60]}” is not a time zone we know; use an IANA name such as "
                              "America/New_York or Europe/Berlin.", field="tz")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):  # pragma: no cover - the set above comes from the same data
        raise ValidationError(f"“{name[:60]}” is not a time zone we know.", field="tz") from None


def is_known_zone(name) -> bool:
    return isinstance(name, str) and name in _ZONES


def parse_local(value, field: str, label: str) -> datetime:
    """A naive wall-clock datetime from a form's datetime-local value ("2026-03-08T09:30")."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None, second=0, microsecond=0)
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{label} is required.", field=field)
    try:
        parsed = datetime.fromisoformat(value.strip()[:32])
    except ValueError:
        raise ValidationError(f"{label} must be a date and time like 2026-03-14T09:30.", field=field) from None
    if parsed.tzinfo is not None:
        raise ValidationError(f"{label} is a local time in the training's zone; leave out the offset.", field=field)
    if not 2000 <= parsed.year <= 2100:
        raise ValidationError(f"{label} must be between the years 2000 and 2100.", field=field)
    return parsed.replace(second=0, microsecond=0)


def to_utc(local: datetime, tz: ZoneInfo, field: str = "starts_at", label: str = "Start") -> datetime:
    """The UTC instant of a wall-clock time in `tz`; refuses a time the clocks skip (DST gap)."""
    aware = local.replace(tzinfo=tz, fold=0)
    instant = aware.astimezone(timezone.utc)
    if instant.astimezone(tz).replace(tzinfo=None) != local:
        raise ValidationError(f"{label}: {local:%Y-%m-%d %H:%M} does not exist in {tz.key} (the clocks move "
                              "forward that night). Choose a time an hour later or earlier.", field=field)
    return instant


def to_local(instant: datetime, tz: ZoneInfo) -> datetime:
    """The naive wall-clock time of a UTC instant in `tz`."""
    return instant.astimezone(tz).replace(tzinfo=None)


@dataclass(frozen=True)
class Occurrence:
    """One session of a training: its start as first scheduled (the RECURRENCE-ID) and when it now is."""
    recurrence_id: datetime  # UTC, the original start
    starts_at: datetime      # UTC
    ends_at: datetime        # UTC
    cancelled: bool = False
    moved: bool = False


def clean_rrule(rule, first_local: datetime, tz: ZoneInfo) -> str | None:
    """A normalized, bounded weekly or monthly RRULE (without the "RRULE:" prefix), or None for a single
    session. Every occurrence must exist in `tz` (a series at 02:30 would hit the spring gap)."""
    if rule is None or (isinstance(rule, str) and not rule.strip()):
        return None
    if not isinstance(rule, str):
        raise ValidationError("The repeat rule must be text.", field="rrule")
    text = rule.strip().upper()
    if text.startswith("RRULE:"):
        text = text[6:]
    if not _RULE_TEXT.match(text):
        raise ValidationError("The repeat rule is not an RRULE (e.g. FREQ=WEEKLY;COUNT=6).", field="rrule")
    parts = {}
    for piece in text.split(";"):
        key, sep, value = piece.partition("=")
        if not sep or not value or key in parts:
            raise ValidationError("The repeat rule is not an RRULE (e.g. FREQ=WEEKLY;COUNT=6).", field="rrule")
        if key not in _ALLOWED_PARTS:
            raise ValidationError(f"The repeat rule may not use {key[:20]}; trainings repeat weekly or monthly.",
                                  field="rrule")
        parts[key] = value
    if parts.get("FREQ") not in FREQUENCIES:
        raise ValidationError("A training series repeats weekly or monthly (FREQ=WEEKLY or FREQ=MONTHLY).",
                              field="rrule")
    if ("COUNT" in parts) == ("UNTIL" in parts):
        raise ValidationError("A series needs an end: a number of sessions (COUNT) or a last date (UNTIL), "
                              "not both.", field="rrule")
    if "UNTIL" in parts:
        parts["UNTIL"] = _until_utc(parts["UNTIL"], tz)
    normalized = ";".join(f"{k}={parts[k]}" for k in ("FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY",
                                                        "BYMONTHDAY", "BYSETPOS", "WKST") if k in parts)
    starts = _expand_local(normalized, first_local, tz)
    if not starts:
        raise ValidationError("The repeat rule gives no session at all; check its end date.", field="rrule")
    for local in starts:
        to_utc(local, tz, "rrule", "A session of the series")
    return normalized


def _until_utc(value: str, tz: ZoneInfo) -> str:
    """UNTIL as RFC 5545 wants it with a zoned DTSTART: a UTC date-time. A bare date means its last minute."""
    try:
        if len(value) == 8:
            local = datetime.strptime(value, "%Y%m%d").replace(hour=23, minute=59, second=59)
            return to_utc(local, tz, "rrule", "The series' last date").strftime("%Y%m%dT%H%M%SZ")
        if value.endswith("Z"):
            return datetime.strptime(value, "%Y%m%dT%H%M%SZ").strftime("%Y%m%dT%H%M%SZ")
        local = datetime.strptime(value, "%Y%m%dT%H%M%S")
        return to_utc(local, tz, "rrule", "The series' end").strftime("%Y%m%dT%H%M%SZ")
    except ValueError:
        raise ValidationError("The series' end (UNTIL) must be a date like 20261231.", field="rrule") from None


def _expand_local(rule: str, first_local: datetime, tz: ZoneInfo) -> list[datetime]:
    """The local start of every session, at most MAX_OCCURRENCES (more is refused)."""
    try:
        # dateutil compares UNTIL (UTC) with aware starts; expand aware in the zone, then drop the zone.
        parsed = rrulestr(rule, dtstart=first_local.replace(tzinfo=tz), cache=False)
        starts = []
        for value in parsed:
            starts.append(value.replace(tzinfo=None))
            if len(starts) > MAX_OCCURRENCES:
                raise ValidationError(f"A series has at most {MAX_OCCURRENCES} sessions; this one has more.",
                                      field="rrule")
    except ValidationError:
        raise
    except (ValueError, TypeError, OverflowError):
        raise ValidationError("The repeat rule could not be read (e.g. FREQ=WEEKLY;BYDAY=TU;COUNT=6).",
                              field="rrule") from None
    return starts


def occurrences(starts_at: datetime, ends_at: datetime, tz_name: str, rule: str | None,
                changes: dict | None = None) -> list[Occurrence]:
    """Every session of a training in order: expanded in its zone, each converted to UTC, with the
    single-session changes applied (`changes`: recurrence_id (UTC) → ("skipped" | "cancelled" | "moved",
    new start, new end))."""
    tz = ZoneInfo(tz_name)
    changes = changes or {}
    first_local = to_local(starts_at, tz)
    local_duration = to_local(ends_at, tz) - first_local
    if rule:
        locals_ = _expand_local(rule, first_local, tz)
    else:
        locals_ = [first_local]
    result = []
    for local in locals_:
        start = local.replace(tzinfo=tz).astimezone(timezone.utc)
        end = (local + local_duration).replace(tzinfo=tz).astimezone(timezone.utc) if rule else ends_at
        change = changes.get(start)
        if change is None:
            result.append(Occurrence(start, start, end))
            continue
        kind, new_start, new_end = change
        if kind == "skipped":
            continue
        if kind == "cancelled":
            result.append(Occurrence(start, start, end, cancelled=True))
        else:
            result.append(Occurrence(start, new_start or start, new_end or end, moved=True))
    return sorted(result, key=lambda o: (o.starts_at, o.recurrence_id))


def describe_rule(rule: str | None) -> str:
    """A short sentence for the training page ("Weekly, 6 sessions")."""
    if not rule:
        return "One session"
    parts = dict(piece.partition("=")[::2] for piece in rule.split(";"))
    interval = int(parts.get("INTERVAL", "1") or 1)
    unit = {"WEEKLY": "week", "MONTHLY": "month"}.get(parts.get("FREQ"), "time")
    every = f"Every {interval} {unit}s" if interval > 1 else f"Every {unit}"
    if "COUNT" in parts:
        return f"{every}, {parts['COUNT']} sessions"
    until = parts.get("UNTIL", "")
    return f"{every} until {until[:4]}-{until[4:6]}-{until[6:8]}" if until else every


def check_span(starts_at: datetime, ends_at: datetime) -> None:
    """End after start, and a training of at most two weeks (a longer one is a typing mistake)."""
    if ends_at <= starts_at:
        raise ValidationError("The end must be after the start.", field="ends_at")
    if ends_at - starts_at > MAX_DURATION:
        raise ValidationError("A training lasts at most 14 days; schedule a series for longer courses.",
                              field="ends_at")
