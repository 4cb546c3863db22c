"""PURE cores: applying the author's choices, verifying coverage, the indicator taxonomy."""
import pytest

from taskforce.lessons import indicators, redaction
from taskforce.lessons.anonymizer import Finding

TEXT = "Ana met Bo at Pier 9 in 2019."
FINDINGS = [Finding(0, 3, "PERSON", "Ana", "t"), Finding(8, 10, "PERSON", "Bo", "t"),
            Finding(14, 20, "LOCATION", "Pier 9", "t")]


def test_apply_every_kind_of_choice_and_reanchor_kept_details():
    resolutions = [redaction.Resolution("redact"), redaction.Resolution("replace", phrase="  a  worker "),
                   redaction.Resolution("keep", reason="A pier every visitor uses.")]
    text, kept = redaction.apply_resolutions("what_happened", TEXT, FINDINGS, resolutions)
    assert text == "[PERSON] met a worker at Pier 9 in 2019."
    assert kept == [redaction.Decision("what_happened", 25, 31, "Pier 9", "A pier every visitor uses.", "LOCATION", "t")]
    assert text[kept[0].start:kept[0].end] == "Pier 9"


def test_suggested_phrase_is_the_anonymizers():
    text, _ = redaction.apply_resolutions("summary", "Ana", FINDINGS[:1], [redaction.Resolution("suggest")])
    assert text == "A person"  # the anonymizer's phrase, capitalized: it opens the text


@pytest.mark.parametrize("resolution", [redaction.Resolution(""), redaction.Resolution("replace", phrase=" "),
                                        redaction.Resolution("keep", reason=""), redaction.Resolution("shrug")])
def test_incomplete_choices_are_refused(resolution):
    with pytest.raises(redaction.ResolutionError):
        redaction.apply_resolutions("summary", "Ana", FINDINGS[:1], [resolution])


def test_every_finding_needs_a_choice():
    with pytest.raises(redaction.ResolutionError):
        redaction.apply_resolutions("summary", TEXT, FINDINGS, [redaction.Resolution("redact")])


def test_a_decision_covers_only_its_field_place_and_text():
    decision = redaction.Decision("summary", 0, 3, "Ana", "reason")
    assert redaction.unresolved("summary", FINDINGS[:1], [decision]) == []
    assert redaction.unresolved("title", FINDINGS[:1], [decision]) == FINDINGS[:1]
    moved = redaction.Decision("summary", 1, 4, "Ana", "reason")
    assert redaction.unresolved("summary", FINDINGS[:1], [moved]) == FINDINGS[:1]


@pytest.mark.parametrize("raw", ["{", '{"a": 1}', '[{"field": "title"}]',
                                 '[{"field": "evil", "start": 0, "end": 1, "text": "x", "reason": "r"}]',
                                 '[{"field": "title", "start": "0", "end": 1, "text": "x", "reason": "r"}]',
                                 '[{"field": "title", "start": 3, "end": 1, "text": "x", "reason": "r"}]',
                                 '[{"field": "title", "start": 0, "end": 1, "text": "x", "reason": " "}]'])
def test_malformed_decisions_are_refused(raw):
    with pytest.raises(redaction.ResolutionError):
        redaction.parse_decisions(raw)


def test_decisions_round_trip():
    decisions = [redaction.Decision("title", 0, 3, "Ana", "reason")]
    assert redaction.parse_decisions(redaction.dump_decisions(decisions)) == decisions


def test_indicator_taxonomy_covers_every_group_with_unique_slugs():
    assert len(indicators.INDICATORS) >= 40
    assert len(indicators.BY_SLUG) == len(indicators.INDICATORS)
    assert {i.group for i in indicators.INDICATORS} == set(indicators.GROUPS)
    assert indicators.unknown(["quota", "invented"]) == ["invented"]
