"""The card's "Open until 8 pm" / "Opens 9 am": across midnight, closed days, the week's end, time zones."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from taskforce.directory.opening import clock_words, opening_note

LA = "America/Los_Angeles"
WEEKDAYS_9_TO_5 = [(d, "09:00", "17:00") for d in range(5)]
NIGHT_SHELTER = [(d, "18:00", "08:00") for d in range(7)]  # overnight, every night


def at(day: int, clock: str) -> datetime:
    """An instant in Los Angeles on a weekday (0 = Monday) of the week of Mon 2 Dec 2024 (PST, UTC-8)."""
    hours, minutes = map(int, clock.split(":"))
    return datetime(2024, 12, 2 + day, hours, minutes, tzinfo=ZoneInfo(LA))


@pytest.mark.parametrize("hours, when, note", [
    (WEEKDAYS_9_TO_5, at(0, "10:00"), "Open until 5 pm"),
    (WEEKDAYS_9_TO_5, at(0, "08:15"), "Opens 9 am"),
    (WEEKDAYS_9_TO_5, at(0, "17:00"), "Opens tomorrow 9 am"),       # closing time itself is closed
    (WEEKDAYS_9_TO_5, at(4, "18:00"), "Opens Mon 9 am"),            # Friday evening: the weekend is closed
    (WEEKDAYS_9_TO_5, at(5, "12:00"), "Opens Mon 9 am"),
    ([(0, "09:00", "20:30")], at(0, "09:00"), "Open until 8:30 pm"),
    ([(0, "09:00", "20:00")], at(0, "20:01"), "Opens Mon 9 am"),   # once a week: next Monday
    (NIGHT_SHELTER, at(2, "23:30"), "Open until 8 am"),            # across midnight
    (NIGHT_SHELTER, at(3, "02:00"), "Open until 8 am"),
    (NIGHT_SHELTER, at(3, "12:00"), "Opens 6 pm"),
    ([(6, "20:00", "02:00")], at(0, "01:00"), "Open until 2 am"),  # Sunday night into Monday (week wraps)
    ([(6, "20:00", "02:00")], at(0, "03:00"), "Opens Sun 8 pm"),
    ([(0, "18:00", "24:00"), (1, "00:00", "08:00")], at(0, "19:00"), "Open until 8 am"),  # touching stretches
    ([(2, "12:00", "24:00")], at(2, "13:00"), "Open until midnight"),
    ([(d, "00:00", "24:00") for d in range(7)], at(3, "03:00"), "Open 24/7"),
    ([], at(0, "10:00"), ""),                                      # no hours listed: the card says closed now
])
def test_opening_notes(hours, when, note):
    assert opening_note(hours, False, LA, when) == note


def test_the_sunday_night_case_names_the_day_correctly():
    # Sunday 23:59 in Los Angeles, a Monday-to-Friday office: it opens in 9 hours, "tomorrow".
    assert opening_note(WEEKDAYS_9_TO_5, False, LA, at(6, "23:59")) == "Opens tomorrow 9 am"


def test_the_viewers_instant_is_read_in_the_services_zone():
    noon_utc = datetime(2024, 12, 2, 20, 0, tzinfo=timezone.utc)  # 12:00 in Los Angeles, 15:00 in New York
    assert opening_note([(0, "09:00", "14:00")], False, LA, noon_utc) == "Open until 2 pm"
    assert opening_note([(0, "09:00", "14:00")], False, "America/New_York", noon_utc) == "Opens Mon 9 am"
    assert opening_note([(0, "09:00", "14:00")], True, LA, noon_utc) == "Open 24/7"
    assert opening_note([(0, "09:00", "14:00")], False, "Mars/Olympus", noon_utc) == ""


def test_clock_words():
    assert [clock_words(m) for m in (0, 540, 720, 750, 1230, 1440)] == [
        "midnight", "9 am", "noon", "12:30 pm", "8:30 pm", "midnight"]
