"""The pure rules of when: zones, DST gaps, bounded series, occurrences across a DST change."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from taskforce.errors import ValidationError
from taskforce.training import seats, timing

NY = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")


def test_unknown_zone_is_refused_with_its_name():
    with pytest.raises(ValidationError, match="Mars/Olympus"):
        timing.zone("Mars/Olympus")
    with pytest.raises(ValidationError):
        timing.zone("")


def test_a_time_in_the_spring_gap_is_refused():
    with pytest.raises(ValidationError, match="does not exist in America/New_York"):
        timing.to_utc(datetime(2026, 3, 8, 2, 30), NY)
    assert timing.to_utc(datetime(2026, 3, 8, 3, 30), NY) == datetime(2026, 3, 8, 7, 30, tzinfo=timezone.utc)


def test_an_ambiguous_autumn_time_takes_the_first_reading():
    assert timing.to_utc(datetime(2026, 11, 1, 1, 30), NY) == datetime(2026, 11, 1, 5, 30, tzinfo=timezone.utc)


@pytest.mark.parametrize("rule,message", [
    ("FREQ=WEEKLY", "needs an end"),
    ("FREQ=WEEKLY;COUNT=3;UNTIL=20270101", "needs an end"),
    ("FREQ=DAILY;COUNT=3", "weekly or monthly"),
    ("FREQ=WEEKLY;COUNT=500", "at most 104"),
    ("hello world", "not an RRULE"),
    ("FREQ=WEEKLY;COUNT=3;BYHOUR=2", "may not use BYHOUR"),
    ("FREQ=WEEKLY;COUNT=3;COUNT=4", "not an RRULE"),
    ("FREQ=WEEKLY;BYDAY=XX;COUNT=3", "could not be read"),
    ("FREQ=WEEKLY;UNTIL=2026", "must be a date"),
])
def test_bad_or_unbounded_rules_are_refused(rule, message):
    with pytest.raises(ValidationError, match=message):
        timing.clean_rrule(rule, datetime(2026, 2, 3, 9, 0), NY)


def test_a_series_that_would_hit_the_gap_is_refused():
    with pytest.raises(ValidationError, match="does not exist"):
        timing.clean_rrule("FREQ=WEEKLY;COUNT=6", datetime(2026, 2, 22, 2, 30), NY)


def test_weekly_series_keeps_its_wall_clock_time_across_dst_in_two_zones():
    for tz, (before, after) in ((NY, (14, 13)), (BERLIN, (8, 7))):
        first = datetime(2026, 3, 3, 9, 0)
        rule = timing.clean_rrule("FREQ=WEEKLY;COUNT=6", first, tz)
        start = timing.to_utc(first, tz)
        sessions = timing.occurrences(start, timing.to_utc(datetime(2026, 3, 3, 11, 0), tz), tz.key, rule)
        assert len(sessions) == 6
        assert {timing.to_local(s.starts_at, tz).hour for s in sessions} == {9}
        assert sessions[0].starts_at.hour == before and sessions[-1].starts_at.hour == after
        assert all(s.ends_at - s.starts_at == sessions[0].ends_at - sessions[0].starts_at for s in sessions)


def test_until_is_stored_in_utc_and_bounds_the_series():
    rule = timing.clean_rrule("FREQ=MONTHLY;UNTIL=20260615", datetime(2026, 1, 10, 9, 0), NY)
    assert rule.endswith("UNTIL=20260616T035959Z")
    start = timing.to_utc(datetime(2026, 1, 10, 9, 0), NY)
    assert len(timing.occurrences(start, start.replace(hour=16), "America/New_York", rule)) == 6


def test_changes_skip_cancel_and_move_single_sessions():
    first = datetime(2026, 1, 6, 9, 0)
    rule = timing.clean_rrule("FREQ=WEEKLY;COUNT=4", first, NY)
    start, end = timing.to_utc(first, NY), timing.to_utc(datetime(2026, 1, 6, 10), NY)
    base = timing.occurrences(start, end, "America/New_York", rule)
    moved_to = base[2].starts_at.replace(hour=20)
    changes = {base[1].recurrence_id: ("skipped", None, None), base[2].recurrence_id: ("moved", moved_to, moved_to.replace(hour=21)),
               base[3].recurrence_id: ("cancelled", None, None)}
    sessions = timing.occurrences(start, end, "America/New_York", rule, changes)
    assert [s.recurrence_id for s in sessions] == [base[0].recurrence_id, base[2].recurrence_id, base[3].recurrence_id]
    assert sessions[1].moved and sessions[1].starts_at == moved_to and sessions[2].cancelled


def test_seat_rules_keep_reservations_until_release():
    plan = seats.SeatPlan(20, {"healthcare": 5}, released=False)
    assert seats.seats_for(plan, {"law_enforcement": 15}, "law_enforcement") == 0
    assert seats.seats_for(plan, {"law_enforcement": 15}, "healthcare") == 5
    assert seats.seats_for(plan, {"healthcare": 7}, "law_enforcement") == 13  # 2 beyond the reservation
    released = seats.SeatPlan(20, {"healthcare": 5}, released=True)
    assert seats.seats_for(released, {"law_enforcement": 15}, "law_enforcement") == 5
    assert seats.reservation_problems(4, {"healthcare": 5})
