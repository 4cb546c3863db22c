"""The anonymizer on text nobody on this project wrote (issue 13): floors just under what it reaches.

presidio-research's synth_dataset_v2 (../shared/pii-eval, scored with its README's rule: recall@0.9 per
kind, strict precision). A change that loses names, addresses, phones, IDs or dates on outside text, or
that highlights more words that are no identifying detail, fails here instead of regressing silently.
The targets themselves (PERSON 0.92, addresses 0.60, ...) are reported by bench/anonymizer.py.
"""

import pytest

from taskforce.lessons.anonymizer import scan
from tests.lessons.anonymizer_eval import outside

FLOORS = {"PERSON": 0.95, "STREET_ADDRESS": 0.65, "PHONE": 0.95, "EMAIL": 0.98, "IDs": 0.98, "IP": 0.98,
          "URL": 0.98, "DATE": 0.97, "all": 0.87}
# The check half (odd template ids) was never studied: its PERSON figure says whether a change generalises.
CHECK_HALF_PERSON_FLOOR = 0.93
PRECISION_FLOORS = {"PERSON": 0.92, "all": 0.90}


@pytest.fixture(scope="module")
def result():
    if not outside.DATASET.exists():
        pytest.skip(f"outside evaluation set not found at {outside.DATASET}")
    records = outside.load()
    assert len(records) == 1500
    return outside.score(records, lambda text: [(f.start, f.end, f.kind) for f in scan(text)])


def test_recall_per_kind_stays_above_its_floor(result):
    low = {k: round(result.recall(k), 3) for k, floor in FLOORS.items() if result.recall(k) < floor}
    assert low == {}, outside.row("anonymizer", result)


def test_person_recall_on_the_unstudied_half_stays_above_its_floor():
    if not outside.DATASET.exists():
        pytest.skip(f"outside evaluation set not found at {outside.DATASET}")
    check = outside.score(outside.half(outside.load(), "check"),
                          lambda text: [(f.start, f.end, f.kind) for f in scan(text)])
    assert round(check.recall("PERSON"), 3) >= CHECK_HALF_PERSON_FLOOR, outside.row("anonymizer [check]", check)


def test_strict_precision_stays_above_its_floor(result):
    low = {k: round(result.precision(k), 3) for k, floor in PRECISION_FLOORS.items() if result.precision(k) < floor}
    assert low == {}, outside.row("anonymizer", result)


def test_calendar_dates_count_but_years_and_weekdays_do_not():
    assert outside.group_of("DATE_TIME", "2/8/1935") == "DATE"
    assert outside.group_of("DATE_TIME", "2000-04-16 11:34:35") == "DATE"
    assert outside.group_of("DATE_TIME", "1990") is None
    assert outside.group_of("DATE_TIME", "Thursday") is None
    assert outside.group_of("GPE", "Estonia") is None
