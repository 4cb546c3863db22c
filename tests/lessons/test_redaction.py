"""PURE cores: applying the author's choices, verifying coverage, the indicator taxonomy."""
import pytest

from taskforce.lessons import anonymizer, indicators, redaction
from taskforce.lessons.anonymizer import Finding

TEXT = "Ana met Bo at Pier 9 in 2019."
FINDINGS = [Finding(0, 3, "PERSON", "Ana", "t"), Finding(8, 10, "PERSON", "Bo", "t"),
            Finding(14, 20, "LOCATION", "Pier 9", "t")]


def test_apply_every_kind_of_choice_and_reanchor_kept_details():
    resolutions = [redaction.Resolution("redact"), redaction.Resolution("replace", phrase="  a  worker "),
                   redaction.Resolution("keep", reason="A pier every visitor uses.")]
    text, kept, replaced = redaction.apply_resolutions("what_happened", TEXT, FINDINGS, resolutions)
    assert text == "[PERSON] met a worker at Pier 9 in 2019."
    assert kept == [redaction.Decision("what_happened", 25, 31, "Pier 9", "A pier every visitor uses.", "LOCATION", "t")]
    assert text[kept[0].start:kept[0].end] == "Pier 9"
    assert replaced == [redaction.Replacement("what_happened", 0, 8, "PERSON", "redact", "[PERSON]"),
                        redaction.Replacement("what_happened", 13, 21, "PERSON", "replace", "a worker")]
    assert [text[r.start:r.end] for r in replaced] == ["[PERSON]", "a worker"]
    assert "Ana" not in repr(replaced) and "Bo" not in repr(replaced)  # the detail itself is never kept


def test_suggested_phrase_is_the_anonymizers():
    text, _, replaced = redaction.apply_resolutions("summary", "Ana", FINDINGS[:1], [redaction.Resolution("suggest")])
    assert text == "A person"  # the anonymizer's phrase, capitalized: it opens the text
    assert replaced[0].how == "suggest" and (replaced[0].start, replaced[0].end) == (0, len(text))


def test_earlier_replacements_move_with_later_edits_or_drop_when_flagged_again():
    text = "[PERSON] met Bo at a place."
    earlier = [redaction.Replacement("summary", 0, 8, "PERSON", "redact", "[PERSON]"),
               redaction.Replacement("summary", 19, 26, "LOCATION", "suggest", "a place")]
    bo = Finding(13, 15, "PERSON", "Bo", "t")
    out, _, replaced = redaction.apply_resolutions("summary", text, [bo], [redaction.Resolution("replace", phrase="a cook")],
                                                   earlier)
    assert out == "[PERSON] met a cook at a place."
    assert [(out[r.start:r.end], r.how) for r in replaced] == [("[PERSON]", "redact"), ("a cook", "replace"),
                                                               ("a place", "suggest")]
    officer = Finding(0, 12, "PERSON", "[PERSON] met", "t")  # a finding over an earlier replacement replaces it
    _, _, again = redaction.apply_resolutions("summary", text, [officer], [redaction.Resolution("redact")], earlier)
    assert [r.start for r in again] == [0, 15] and again[0].how == "redact" and len(again) == 2


def test_apply_all_suggests_every_open_finding_and_keeps_what_was_kept():
    items = [{"covered": False, "reason": ""}, {"covered": True, "reason": "A big county."}]
    assert redaction.suggestions(items) == [redaction.Resolution("suggest"),
                                            redaction.Resolution("keep", reason="A big county.")]


def test_replacements_from_a_page_are_kept_only_when_well_formed_and_anchored():
    raw = ('[{"field": "summary", "start": 0, "end": 8, "kind": "PERSON", "how": "redact", "text": "[PERSON]"},'
           ' {"field": "summary", "start": 0, "end": 8, "kind": "NAME", "how": "redact", "text": "[PERSON]"},'
           ' {"field": "evil", "start": 0, "end": 1, "kind": "PERSON", "how": "redact", "text": "x"}, 7]')
    (only,) = redaction.parse_replacements(raw)
    assert only.anchored({"summary": "[PERSON] left."}) and not only.anchored({"summary": "Someone left."})
    assert redaction.parse_replacements("{broken") == [] and redaction.parse_replacements('{"a": 1}') == []


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


def _random_round(rng, text):
    """Random non-overlapping findings in `text` and a random choice for each."""
    cuts = sorted(rng.sample(range(len(text) + 1), k=min(len(text) + 1, 2 * rng.randint(0, 4))))
    findings = [Finding(a, b, rng.choice(["PERSON", "PHONE", "DATE"]), text[a:b], "t")
                for a, b in zip(cuts[::2], cuts[1::2]) if b > a]
    choices = [rng.choice([redaction.Resolution("redact"), redaction.Resolution("suggest"),
                           redaction.Resolution("replace", phrase=rng.choice(["a cook", "x", "the victim"])),
                           redaction.Resolution("keep", reason="A big county.")]) for _ in findings]
    return findings, choices


def test_replacements_and_decisions_always_anchor_through_rounds_of_choices():
    """Two rounds of random choices on random text: every replacement's span holds its replacement and
    every kept decision's span its text, none overlapping — what the reviewer's marks rely on."""
    import random
    rng = random.Random(20261201)
    for _ in range(400):
        text = "".join(rng.choice("ab cé\n😀.") for _ in range(rng.randint(0, 40)))
        earlier = []
        for _round in range(2):
            findings, choices = _random_round(rng, text)
            text, kept, earlier = redaction.apply_resolutions("summary", text, findings, choices, earlier)
            for r in earlier:
                assert r.anchored({"summary": text})
            for d in kept:
                assert text[d.start:d.end] == d.text
            spans = sorted((r.start, r.end) for r in earlier)
            assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))
