"""PURE cores: words and weights, "open now" across time zones, overnight and 24:00, staleness."""
from datetime import datetime, timedelta, timezone

import pytest

from taskforce.directory import search

UTC = timezone.utc
LA = "America/Los_Angeles"
WEEKDAYS_9_5 = [(d, "09:00", "17:00") for d in range(5)]


def at_la(year, month, day, hour, minute=0) -> datetime:
    from zoneinfo import ZoneInfo
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(LA)).astimezone(UTC)


def test_words_fold_accents_and_drop_stop_words():
    assert search.words("Clínica Médica for the Niños") == ["clinica", "medica", "ninos"]


def test_name_weighs_more_than_organization_more_than_description():
    terms = search.index_terms("Shelter Beds", "Casa Shelter Network", "shelter, legal help")
    assert terms["beds"] == search.NAME_WEIGHT
    assert terms["network"] == search.ORGANIZATION_WEIGHT
    assert terms["legal"] == search.DESCRIPTION_WEIGHT
    assert terms["shelter"] == search.NAME_WEIGHT + search.ORGANIZATION_WEIGHT + search.DESCRIPTION_WEIGHT


def test_long_descriptions_keep_a_bounded_index():
    description = " ".join(f"word{n}" for n in range(500))
    assert len(search.index_terms("Name", "Org", description)) <= search.MAX_DESCRIPTION_TERMS + 2


def test_query_terms_are_distinct_and_capped():
    assert search.query_terms("Shelter shelter WOMEN the") == ["shelter", "women"]
    assert len(search.query_terms("a1 b2 c3 d4 e5 f6 g7 h8")) == search.MAX_QUERY_TERMS


def test_prefix_range_only_for_longer_words():
    assert search.term_range("shel") == ("shel", "shem")
    assert search.term_range("es") == ("es", None)


def test_rank_orders_by_score_then_name():
    assert search.rank([("b", 1), ("a", 8), ("c", 8)]) == ["a", "c", "b"]


@pytest.mark.parametrize("when, expected", [
    (at_la(2026, 3, 2, 9, 0), True),     # Monday opening minute
    (at_la(2026, 3, 2, 16, 59), True),
    (at_la(2026, 3, 2, 17, 0), False),   # closing minute is closed
    (at_la(2026, 3, 7, 12, 0), False),   # Saturday
    (at_la(2026, 3, 2, 8, 59), False),
])
def test_weekday_hours(when, expected):
    assert search.is_open_now(WEEKDAYS_9_5, False, LA, when) is expected


def test_open_now_uses_the_services_own_time_zone():
    # 17:30 UTC on a Monday in winter is 09:30 in Los Angeles and 02:30 on Tuesday in Tokyo.
    when = datetime(2026, 1, 5, 17, 30, tzinfo=UTC)
    assert search.is_open_now(WEEKDAYS_9_5, False, LA, when)
    assert not search.is_open_now(WEEKDAYS_9_5, False, "Asia/Tokyo", when)


def test_daylight_saving_shift_is_followed():
    summer = datetime(2026, 7, 6, 16, 30, tzinfo=UTC)  # 09:30 PDT (UTC-7)
    winter = datetime(2026, 1, 5, 16, 30, tzinfo=UTC)  # 08:30 PST (UTC-8)
    assert search.is_open_now(WEEKDAYS_9_5, False, LA, summer)
    assert not search.is_open_now(WEEKDAYS_9_5, False, LA, winter)


def test_overnight_interval_runs_into_the_next_day():
    friday_night = [(4, "22:00", "06:00")]
    assert search.is_open_now(friday_night, False, LA, at_la(2026, 3, 6, 23, 0))      # Friday 23:00
    assert search.is_open_now(friday_night, False, LA, at_la(2026, 3, 7, 5, 59))      # Saturday 05:59
    assert not search.is_open_now(friday_night, False, LA, at_la(2026, 3, 7, 6, 0))   # Saturday 06:00
    assert not search.is_open_now(friday_night, False, LA, at_la(2026, 3, 6, 5, 0))   # Friday early morning


def test_sunday_overnight_wraps_to_monday():
    assert search.is_open_now([(6, "20:00", "04:00")], False, LA, at_la(2026, 3, 2, 3, 0))  # Monday 03:00


def test_closing_at_24_00_means_midnight():
    hours = [(0, "18:00", "24:00")]
    assert search.is_open_now(hours, False, LA, at_la(2026, 3, 2, 23, 59))
    assert not search.is_open_now(hours, False, LA, at_la(2026, 3, 3, 0, 0))


def test_24_7_is_always_open_and_unknown_zone_is_never():
    assert search.is_open_now([], True, "Not/AZone", datetime.now(UTC))
    assert not search.is_open_now(WEEKDAYS_9_5, False, "Not/AZone", at_la(2026, 3, 2, 10))


def test_stale_after_90_days_or_never_verified():
    now = datetime(2026, 6, 1, tzinfo=UTC)
    assert search.is_stale(None, now)
    assert search.is_stale(now - timedelta(days=91), now)
    assert not search.is_stale(now - timedelta(days=89), now)


def test_ago_reads_naturally():
    now = datetime(2026, 6, 1, 12, tzinfo=UTC)
    assert search.ago(now - timedelta(seconds=20), now) == "just now"
    assert search.ago(now - timedelta(minutes=1), now) == "1 minute ago"
    assert search.ago(now - timedelta(hours=5), now) == "5 hours ago"
    assert search.ago(now - timedelta(days=100), now) == "100 days ago"
    assert search.ago(None, now) == "never"
