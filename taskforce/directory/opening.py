"""PURE: when a service closes or next opens, in the words a card shows ("Open until 8 pm", "Opens 9 am").

An officer at 23:40 needs "open until 2 am" or "opens 7 am", not only "closed now". Hours are weekly
intervals in the service's own time zone ("HH:MM", "24:00" is midnight, closing before opening runs overnight
into the next day); touching intervals (Mon 18:00-24:00 and Tue 00:00-08:00) are one stretch, so a shelter
open through the night says "until 8 am", not "until midnight".
"""
from datetime import datetime

from taskforce.directory.search import zone

_WEEK = 7 * 1440
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _minutes(clock: str) -> int | None:
    try:
        hours, minutes = clock.split(":")
        value = int(hours) * 60 + int(minutes)
    except (AttributeError, ValueError):
        return None
    return value if 0 <= value <= 1440 else None


def _stretches(hours) -> list[tuple[int, int]]:
    """The week's open stretches as [start, end) minutes from Monday 00:00, merged where they touch; an end
    past the week's end wraps (Sunday night into Monday)."""
    spans = []
    for weekday, opens, closes in hours:
        start, end = _minutes(opens), _minutes(closes)
        if start is None or end is None or start == end or not 0 <= weekday <= 6:
            continue
        if end < start:
            end += 1440
        spans.append((weekday * 1440 + start, weekday * 1440 + end))
    spans.sort()
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    if len(merged) > 1 and merged[-1][1] >= _WEEK + merged[0][0]:  # Sunday night runs into Monday's stretch
        last = merged.pop()
        merged[0] = [last[0], merged[0][1] + _WEEK]
    return [(start, end) for start, end in merged]


def clock_words(minute_of_day: int) -> str:
    """9:00 → "9 am", 20:30 → "8:30 pm", 12:00 → "noon", 0:00 → "midnight"."""
    minute_of_day %= 1440
    if minute_of_day == 0:
        return "midnight"
    if minute_of_day == 720:
        return "noon"
    hour, minute = divmod(minute_of_day, 60)
    suffix = "am" if hour < 12 else "pm"
    hour = hour % 12 or 12
    return f"{hour}:{minute:02d} {suffix}" if minute else f"{hour} {suffix}"


def _when(target: int, now: int, *, closing: bool = False) -> str:
    """A moment of the week relative to now: "8 pm", "tomorrow 9 am", "Wed 9 am". A closing within a day is
    only its time ("open until 2 am" at 23:00 is clear); an opening names the day unless it is today."""
    delta = (target - now) % _WEEK
    days_ahead = (now % 1440 + delta) // 1440
    minute = target % 1440
    words = clock_words(minute)
    if days_ahead == 0 or (closing and delta < 1440) or (minute == 0 and days_ahead == 1):
        return words
    if days_ahead == 1:
        return f"tomorrow {words}"
    return f"{_DAYS[(target // 1440) % 7]} {words}"


def opening_note(hours, open_24_7: bool, timezone: str, now: datetime) -> str:
    """"Open 24/7", "Open until 8 pm", "Opens 9 am", "Opens tomorrow 9 am", "Opens Mon 9 am", or "" when the
    service lists no hours (or an unknown zone): the card then says only "Closed now"."""
    if open_24_7:
        return "Open 24/7"
    tz = zone(timezone)
    if tz is None:
        return ""
    local = now.astimezone(tz)
    at = local.weekday() * 1440 + local.hour * 60 + local.minute
    stretches = _stretches(hours)
    if not stretches:
        return ""
    for start, end in stretches:
        if end - start >= _WEEK:
            return "Open 24/7"
        for shift in (0, -_WEEK):  # a stretch from last Sunday night still open on Monday morning
            if start + shift <= at < end + shift:
                return f"Open until {_when((end + shift) % _WEEK, at, closing=True)}"
    upcoming = min(stretches, key=lambda stretch: (stretch[0] - at) % _WEEK)
    return f"Opens {_when(upcoming[0] % _WEEK, at)}"
