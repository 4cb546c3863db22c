"""Properties of the anonymizer's pure core that must hold for ANY text an author can submit (issue 12 item 3).

A lesson check that raises is a lesson that cannot be saved, so `scan` must never raise, and its findings
must be usable by the redaction workflow as they are: inside the text, ordered, non-overlapping, each
`.text` the slice it claims, and `redact` must keep every character that no finding covers.
"""

import re

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from taskforce.lessons.anonymizer import redact, scan, structured_findings

FIELD_LIMIT = 20_000  # the longest lesson field (services.LIMITS["what_happened"])

# Words that steer the text into every detector: names from the lists, cues, street parts, digits.
_LESSON_WORDS = st.sampled_from(
    "Maria Zorblat near in at Officer Tío Beto my name is Name: de la van der Cruz 539 White Canyon Apt. 010 "
    "ME 91979 Calle Retorno Depto. ul. Auerstrasse 84 plate 69-8760K (212)201-5013x93638 4111111111111111 "
    "GB82WEST12345698765432 123-45-6789 March 3, 2021 03/14/2022 @x a@b.co http://x.io 10.0.0.1 , . \n : ' "
    "Ken N. Fukuda lena andersson Royal Oh Metallica".split(" "))
_LESSONISH = st.lists(st.one_of(_LESSON_WORDS, st.text(max_size=6)), max_size=120).map(" ".join)
_ANY_TEXT = st.one_of(st.text(max_size=400), _LESSONISH, st.text(max_size=FIELD_LIMIT))

_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                              HealthCheck.data_too_large])


def _check_findings(text, findings):
    for f in findings:
        assert 0 <= f.start < f.end <= len(text)
        assert f.text == text[f.start:f.end]
    assert all(a.end <= b.start for a, b in zip(findings, findings[1:]))


@_SETTINGS
@given(_ANY_TEXT)
@example("They lived near Zorblat Maria.")  # issue 12 item 3: raised KeyError in pii_names._decide
@example("near Zorblat Maria")
@example("\x00" * 50 + "Maria\ud800")
def test_scan_never_raises_and_findings_are_well_formed(text):
    _check_findings(text, scan(text))
    _check_findings(text, structured_findings(text))


@_SETTINGS
@given(_ANY_TEXT)
def test_redact_keeps_every_character_outside_findings(text):
    findings = scan(text)
    out = redact(text)
    pos, pattern = 0, []
    for f in findings:
        pattern.append(re.escape(text[pos:f.start]))
        pattern.append(re.escape(f"[{f.kind}]"))
        pos = f.end
    pattern.append(re.escape(text[pos:]))
    assert re.fullmatch("".join(pattern), out, flags=re.DOTALL)


def test_the_reported_sentence_is_scanned_not_crashed():
    findings = scan("They lived near Zorblat Maria.")
    assert [f.text for f in findings] == ["Zorblat Maria"]
