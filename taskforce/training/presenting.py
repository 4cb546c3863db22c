"""PURE: how the calendar pages lay out time — the viewer's zone, a month's weeks, a week's days — and the
schedule form's values from a training (input kept as typed, in the organizer's zone)."""
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from taskforce.training import timing

DEFAULT_ZONE = "UTC"


def viewer_zone(name) -> ZoneInfo:
    """The zone the browser told us (cookie), if it is a real IANA zone; UTC otherwise."""
    return ZoneInfo(name) if timing.is_known_zone(name) else ZoneInfo(DEFAULT_ZONE)


def _instant(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0, 0)).replace(tzinfo=zone).astimezone(timezone.utc)


def month_grid(first: date, zone: ZoneInfo) -> tuple[list[list[date]], datetime, datetime]:
    """Weeks (Monday first) covering the month, and the UTC range they span."""
    start = first - timedelta(days=first.weekday())
    weeks, day = [], start
    while True:
        weeks.append([day + timedelta(days=i) for i in range(7)])
        day += timedelta(days=7)
        if day.month != first.month and day > first:
            break
    return weeks, _instant(start, zone), _instant(day, zone)


def week_days(day: date, zone: ZoneInfo) -> tuple[list[date], datetime, datetime]:
    start = day - timedelta(days=day.weekday())
    days = [start + timedelta(days=i) for i in range(7)]
    return days, _instant(start, zone), _instant(start + timedelta(days=7), zone)


def form_values(training) -> dict:
    """What the schedule form shows for an existing training (or sensible defaults for a new one)."""
    if training is None:
        return {"format": "in_person", "tz": "America/New_York", "capacity": "20", "audience": "all",
                "repeat": "none", "reservation_release_days": "7", "offer_hours": "48", "topics": [], "co_hosts": []}
    tz = ZoneInfo(training.tz)

    def local(moment):
        return timing.to_local(moment, tz).isoformat(timespec="minutes") if moment else ""
    values = {"title": training.title, "description": training.description, "format": training.format.value,
              "is_exercise": "1" if training.is_exercise else "", "place": training.place, "link": training.link,
              "tz": training.tz, "starts_at": local(training.starts_at), "ends_at": local(training.ends_at),
              "rrule": training.rrule or "", "repeat": "none", "capacity": str(training.capacity),
              "reservation_release_days": str(training.reservation_release_days),
              "offer_hours": str(training.offer_hours), "audience": training.audience_sector or "all",
              "registration_opens": local(training.registration_opens_at),
              "registration_closes": local(training.registration_closes_at), "materials": training.materials,
              "topics": training.topics, "co_hosts": [str(i) for i in training.co_host_ids]}
    for sector, seats in training.reserved.items():
        values[f"reserved_{sector}"] = str(seats)
    return values


def local_time(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.astimezone(zone)


MY_STATE_TEXT = {"confirmed": "You are registered", "waitlisted": "You are waitlisted",
                 "offered": "Seat offered to you", "attended": "You attended", "no_show": "Missed"}


def entry_view(entry, zone: ZoneInfo) -> dict:
    """What one session link shows, computed once in Python (a month of a busy task force has hundreds)."""
    training, session = entry.training, entry.session
    cancelled = training.is_cancelled or session.cancelled
    classes = ["session"]
    if cancelled:
        classes.append("is-cancelled")
    if entry.my_state:
        classes += ["is-mine", f"state-{entry.my_state}"]
    if cancelled:
        meta = "Cancelled"
    elif entry.seats_left:
        meta = f"{entry.seats_left} seat{'' if entry.seats_left == 1 else 's'} left"
    else:
        meta = "Full · waitlist"
    if entry.my_state:
        meta += " · " + MY_STATE_TEXT.get(entry.my_state, entry.my_state)
    local = session.starts_at.astimezone(zone)
    return {"href": f"/training/{training.id}", "class": " ".join(classes), "iso": session.starts_at.isoformat(),
            "time": local.strftime("%H:%M"), "title": training.title, "meta": meta, "day": local.date()}


def month_cells(entries, weeks, first: date, zone: ZoneInfo, per_day: int = 3) -> list[list[dict]]:
    """The month grid: per day at most `per_day` sessions and how many more (the week view lists all)."""
    by_day: dict[date, list[dict]] = {}
    for entry in entries:
        view = entry_view(entry, zone)
        by_day.setdefault(view["day"], []).append(view)
    return [[{"day": day, "other": day.month != first.month, "sessions": by_day.get(day, [])[:per_day],
              "more": max(0, len(by_day.get(day, [])) - per_day), "label": day.strftime("%A %d %B")}
             for day in week] for week in weeks]
