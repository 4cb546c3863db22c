"""PURE: RFC 5545 feeds of trainings, built with `icalendar`, and a lint for what validators miss.

What calendar clients need and we keep (issue 15):
- a stable UID per training (a series is one UID; a changed session is a second VEVENT with the same UID
  and a RECURRENCE-ID), SEQUENCE growing with every change, DTSTAMP in UTC;
- times in the organizer's zone (DTSTART;TZID=…), with a VTIMEZONE for every TZID used; EXDATE and
  RECURRENCE-ID in the SAME TZID as DTSTART (clients ignore a UTC EXDATE against a zoned start); RRULE's
  UNTIL in UTC, as RFC 5545 wants with a zoned start;
- STATUS:CANCELLED for a cancelled training or session; REFRESH-INTERVAL and X-PUBLISHED-TTL so that
  subscribed calendars come back; CRLF line ends and 75-octet folding (icalendar does both).

Each VEVENT's bytes depend only on its training's data, so the caller may cache them by (uid, sequence,
variant); VTIMEZONE blocks are cached per zone and year range here (bytes: immutable, safe across threads).
"""
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, vRecur

PRODID = "-//Taskforce//Joint trainings//EN"


@dataclass(frozen=True)
class FeedSession:
    """A changed session of a series: its original start (RECURRENCE-ID) and what it is now."""
    recurrence_id: datetime
    starts_at: datetime
    ends_at: datetime
    cancelled: bool = False


@dataclass(frozen=True)
class FeedTraining:
    uid: str
    title: str
    starts_at: datetime          # UTC
    ends_at: datetime            # UTC
    tz: str
    sequence: int
    last_modified: datetime      # UTC, also the DTSTAMP (the information's last revision)
    created: datetime
    description: str = ""
    url: str = ""
    location: str = ""
    rrule: str | None = None
    cancelled: bool = False
    exdates: tuple = ()          # UTC original starts of skipped sessions
    overrides: tuple = ()        # FeedSession
    categories: tuple = field(default=())


def _local(moment: datetime, tz: ZoneInfo) -> datetime:
    return moment.astimezone(tz)


def _base(training: FeedTraining, tz: ZoneInfo, start: datetime, end: datetime, cancelled: bool) -> Event:
    event = Event()
    event.add("uid", training.uid)
    event.add("dtstamp", training.last_modified.astimezone(timezone.utc))
    event.add("sequence", training.sequence)
    event.add("summary", training.title)
    event.add("dtstart", _local(start, tz))
    event.add("dtend", _local(end, tz))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if training.description:
        event.add("description", training.description)
    if training.location:
        event.add("location", training.location)
    if training.url:
        event.add("url", training.url)
    if training.categories:
        event.add("categories", list(training.categories))
    event.add("created", training.created.astimezone(timezone.utc))
    event.add("last-modified", training.last_modified.astimezone(timezone.utc))
    return event


def events(training: FeedTraining) -> bytes:
    """The VEVENT(s) of one training: the master (with RRULE and EXDATE for a series) and one VEVENT per
    changed session."""
    tz = ZoneInfo(training.tz)
    master = _base(training, tz, training.starts_at, training.ends_at, training.cancelled)
    chunks = []
    if training.rrule:
        master.add("rrule", vRecur.from_ical(training.rrule))
        if training.exdates:
            master.add("exdate", [_local(moment, tz) for moment in sorted(training.exdates)])
    chunks.append(master.to_ical())
    if training.rrule:
        for session in sorted(training.overrides, key=lambda s: s.recurrence_id):
            override = _base(training, tz, session.starts_at, session.ends_at,
                             training.cancelled or session.cancelled)
            override.add("recurrence-id", _local(session.recurrence_id, tz))
            chunks.append(override.to_ical())
    return b"".join(chunks)


@lru_cache(maxsize=256)
def vtimezone(tzid: str, first_year: int, last_year: int) -> bytes:
    """The VTIMEZONE of a zone for the years a feed spans (transitions outside them are left out)."""
    component = Timezone.from_tzid(tzid, first_date=date(first_year, 1, 1), last_date=date(last_year, 12, 31))
    return component.to_ical()


def calendar(name: str, event_blocks: list[bytes], zones: dict[str, tuple[int, int]], *,
             refresh_minutes: int = 60) -> bytes:
    """A whole VCALENDAR: the header, a VTIMEZONE per zone used ({tzid: (first year, last year)}) and the
    events (each as `events()` made it)."""
    header = Calendar()
    header.add("prodid", PRODID)
    header.add("version", "2.0")
    header.add("calscale", "GREGORIAN")
    header.add("method", "PUBLISH")
    header.add("x-wr-calname", name)
    header.add("name", name)
    header.add("refresh-interval", timedelta(minutes=refresh_minutes), parameters={"VALUE": "DURATION"})
    header.add("x-published-ttl", f"PT{refresh_minutes}M")
    head = header.to_ical()
    end = b"END:VCALENDAR\r\n"
    assert head.endswith(end)
    timezones = [vtimezone(tzid, *years) for tzid, years in sorted(zones.items())]
    return head[: -len(end)] + b"".join(timezones) + b"".join(event_blocks) + end


def _unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")


def lint(feed: bytes) -> list[str]:
    """Problems validators do not catch (measured in issue 15): duplicate UID+RECURRENCE-ID, a DTSTAMP not
    in UTC, an EXDATE or RECURRENCE-ID in another zone than DTSTART, a TZID without VTIMEZONE, bare LF line
    ends, lines longer than 75 octets."""
    problems = []
    text = feed.decode("utf-8")
    if "\n" in text.replace("\r\n", ""):
        problems.append("a line ends with LF instead of CRLF")
    for raw in text.split("\r\n"):
        if len(raw.encode("utf-8")) > 75:
            problems.append(f"a line is longer than 75 octets: {raw[:30]}…")
            break
    lines = _unfold(text)
    defined = {line.split(":", 1)[1] for line in lines if line.startswith("TZID:")}
    used = set()
    seen = set()
    event: dict | None = None
    for line in lines:
        name, _, value = line.partition(":")
        prop, *params = name.split(";")
        tzid = next((p.split("=", 1)[1] for p in params if p.startswith("TZID=")), None)
        if tzid:
            used.add(tzid)
        if line == "BEGIN:VEVENT":
            event = {"exdate_tz": [], "dtstamp": None}
        elif line == "END:VEVENT":
            key = (event.get("uid"), event.get("recurrence_id"))
            if key in seen:
                problems.append(f"duplicate UID {key[0]} (RECURRENCE-ID {key[1]})")
            seen.add(key)
            if not (event.get("dtstamp") or "").endswith("Z"):
                problems.append(f"DTSTAMP of {event.get('uid')} is not in UTC")
            for other in event["exdate_tz"] + ([event["rid_tz"]] if "rid_tz" in event else []):
                if other != event.get("start_tz"):
                    problems.append(f"EXDATE/RECURRENCE-ID of {event.get('uid')} in {other}, DTSTART in "
                                    f"{event.get('start_tz')}")
            event = None
        elif event is None:
            continue
        elif prop == "UID":
            event["uid"] = value
        elif prop == "DTSTAMP":
            event["dtstamp"] = value if not tzid else value + "(TZID)"
        elif prop == "DTSTART":
            event["start_tz"] = tzid or ("UTC" if value.endswith("Z") else "floating")
        elif prop == "EXDATE":
            event["exdate_tz"].append(tzid or ("UTC" if value.endswith("Z") else "floating"))
        elif prop == "RECURRENCE-ID":
            event["recurrence_id"] = value
            event["rid_tz"] = tzid or ("UTC" if value.endswith("Z") else "floating")
    for tzid in sorted(used - defined):
        problems.append(f"TZID {tzid} has no VTIMEZONE")
    return problems
