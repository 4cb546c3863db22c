"""PURE input rules of a service: phone, website, languages, categories, hours, ages, capacity."""
import pytest

from taskforce.directory import languages, validation
from taskforce.errors import ValidationError

GOOD = {"name": "Night Shelter", "categories": ["emergency_shelter"], "languages": ["es", "EN"],
        "phone": "(213) 555-0142", "website": "example.org/help", "hours_0": "09:00-12:00, 13:00-17:00",
        "hours_4": "22:00-06:00", "hours_5": "18:00-24:00", "min_age": "18", "max_age": ""}


def field_of(fields) -> str:
    with pytest.raises(ValidationError) as error:
        validation.clean_service({**GOOD, **fields})
    return error.value.field


def test_good_service_is_normalised():
    cleaned = validation.clean_service(GOOD)
    assert cleaned["phone"] == "+12135550142"
    assert cleaned["website"] == "https://example.org/help"
    assert cleaned["languages"] == ["es", "en"]
    assert cleaned["hours"] == [(0, "09:00", "12:00"), (0, "13:00", "17:00"), (4, "22:00", "06:00"),
                                (5, "18:00", "24:00")]
    assert cleaned["min_age"] == 18 and cleaned["max_age"] is None


def test_phone_displays_in_national_format():
    assert validation.display_phone("+12135550142") == "(213) 555-0142"
    assert validation.display_phone("+33142685300").startswith("+33")


@pytest.mark.parametrize("fields, field", [
    ({"name": ""}, "name"),
    ({"name": "x" * 201}, "name"),
    ({"phone": "call us"}, "phone"),
    ({"phone": "+1 000 000"}, "phone"),
    ({"website": "javascript:alert(1)"}, "website"),
    ({"website": "ftp://example.org"}, "website"),
    ({"email": "not-an-address"}, "email"),
    ({"languages": ["xx"]}, "languages"),
    ({"languages": ["spanish"]}, "languages"),
    ({"categories": ["spa_day"]}, "categories"),
    ({"categories": []}, "categories"),
    ({"hours_0": "9-5"}, "hours_0"),
    ({"hours_0": "25:00-26:00"}, "hours_0"),
    ({"hours_0": "09:00-09:00"}, "hours_0"),
    ({"hours_1": "24:00-10:00"}, "hours_1"),
    ({"min_age": "-1"}, "min_age"),
    ({"max_age": "121"}, "max_age"),
    ({"min_age": "twelve"}, "min_age"),
    ({"min_age": "30", "max_age": "20"}, "min_age"),
    ({"timezone": "Mars/Olympus"}, "timezone"),
    ({"genders": ["robots"]}, "genders"),
    ({"description": "x" * 5001}, "description"),
    ({"categories": ["emergency_shelter"] * 500}, "categories"),
])
def test_bad_fields_are_refused_with_the_field_named(fields, field):
    assert field_of(fields) == field


def test_24_7_ignores_hours():
    assert validation.clean_service({**GOOD, "open_24_7": "y", "hours_0": "garbage"})["hours"] == []


@pytest.mark.parametrize("available, total", [(0, 0), ("3", "10"), (10_000, 10_000)])
def test_capacity_accepts_whole_numbers_in_range(available, total):
    assert validation.clean_capacity(available, total) == (int(available), int(total))


@pytest.mark.parametrize("available, total", [
    (-1, 5), (6, 5), (1, 10_001), ("two", 5), (None, 5), (1.5, 5), (True, 5), ("9" * 5000, 5), ([], 5)])
def test_capacity_refuses_the_rest(available, total):
    with pytest.raises(ValidationError):
        validation.clean_capacity(available, total)


def test_language_list_is_iso_639_1():
    assert len(languages.LANGUAGES) >= 180
    assert all(len(code) == 2 and code.islower() for code in languages.LANGUAGES)
    assert languages.picker_choices()[0] == ("es", "Spanish")
    assert languages.language_name("vi") == "Vietnamese"
