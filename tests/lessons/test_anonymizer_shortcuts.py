"""The anonymizer's shortcuts for speed change no finding.

Two rules skip work (issue 13's "a lesson at its field limits checked in < 0.5 s"): the costly street
patterns are tried only near where their street type occurs (`pii_streets._triggers`), and a run of
digits a more specific detector already holds whole (a card, an IP) is not tried as a phone in twenty
regions (`pii_patterns.find_phones`'s ``claimed``). Each test compares with the plain way, on text nobody
here wrote, the project's own sets and forms written to sit at the shortcuts' edges.
"""

import phonenumbers
from hypothesis import given, settings
from hypothesis import strategies as st

from taskforce.lessons.anonymizer import pii_patterns, pii_streets, scan_layers
from tests.lessons.anonymizer_eval import outside, scoring
from tests.lessons.test_anonymizer_properties import _LESSONISH

RULES_ONLY = ("lists", "context", "caps")  # the shortcuts are in the rules; the model would only slow this
EDGES = [
    "Rue de Piétrain 371 was the first stop.", "ul. Narewska 94, then via Roma 131 and Via Roma 131.",
    "They met at Auerstrasse 84 and at Alte   Hauptstrasse\t12 later.", "Hammarvägen 15\nApt. 2\nStockholm",
    "12 Brixtonlaan 380, Kiannonkatu 98, the Friedrichstrasse.", "strasse 5", "x" * 300 + " Auerstrasse 84",
    "Calle 5 de Mayo 12 and retorno Jordania 626 Edif. 573, Depto. 698",
    "card 4111 1111 1111 1111, server 106.31.73.20, desk 1-908-427-8492x012, SSN 494-33-0748, "
    "(212)201-5013x93638, 347415977307943 and +44 7700 900 123.",
]


def _corpus() -> list[str]:
    texts = [r["text"] for r in scoring.load(scoring.EVAL_SET)] + [r["text"] for r in scoring.load(scoring.HANDWRITTEN)]
    try:
        texts += [r["text"] for r in outside.load()]
    except OSError:
        pass  # ../shared is not beside this checkout: the project's own sets and the edges still run
    return texts + EDGES + ["\n\n".join(texts[:400])]


def _plain(monkeypatch):
    monkeypatch.setattr(pii_streets, "_triggers", lambda: {})
    monkeypatch.setattr(pii_patterns, "_covered", lambda hits: lambda start, end: False)


def test_the_shortcuts_change_no_finding(monkeypatch):
    texts = _corpus()
    fast = [scan_layers(t, RULES_ONLY) for t in texts]
    _plain(monkeypatch)
    plain = [scan_layers(t, RULES_ONLY) for t in texts]
    assert sum(map(len, fast)) > 5000 and fast == plain


def test_each_triggered_street_pattern_finds_what_trying_everywhere_finds():
    texts = _corpus()
    triggers = pii_streets._triggers()
    assert triggers and set(triggers) <= set(pii_streets._RULES)  # a misspelt rule would be tried everywhere
    for pattern, rule in zip(pii_streets._patterns(), pii_streets._RULES):
        trigger = triggers.get(rule)
        if trigger is None:
            continue
        found = [[m.span() for m in pii_streets._matches(pattern, trigger, t)] for t in texts]
        assert found == [[m.span() for m in pattern.finditer(t)] for t in texts], rule
        assert sum(map(len, found)) > 10, rule


@settings(max_examples=200, deadline=None)
@given(_LESSONISH)
def test_on_any_lessonish_text_too(text):
    fast = list(pii_streets.find_streets(text)), pii_patterns.find_structured(text)
    plain_triggers, plain_covered = pii_streets._triggers, pii_patterns._covered
    try:
        pii_streets._triggers = lambda: {}
        pii_patterns._covered = lambda hits: lambda start, end: False
        plain = list(pii_streets.find_streets(text)), pii_patterns.find_structured(text)
    finally:
        pii_streets._triggers, pii_patterns._covered = plain_triggers, plain_covered
    assert sorted(fast[0]) == sorted(plain[0])
    # a phone inside a claimed span may go; what is left is the same
    claimed = [h for h in plain[1] if h[2] != "PHONE"]
    assert sorted(h for h in fast[1] if h[2] != "PHONE") == sorted(claimed)
    assert {h for h in fast[1] if h[2] == "PHONE"} <= {h for h in plain[1] if h[2] == "PHONE"}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(0, 30)), max_size=12), st.integers(0, 70),
       st.integers(0, 20))
def test_covered_is_inside_some_span(spans, start, length):
    hits = [(s, s + n, "ID", "r") for s, n in spans]
    assert pii_patterns._covered(hits)(start, start + length) == any(
        s <= start and start + length <= e for s, e, _, _ in hits)


def test_a_claimed_run_of_digits_is_never_tried_as_a_phone(monkeypatch):
    tried: list[str] = []
    real = phonenumbers.PhoneNumberMatcher

    def counting(raw, region, **kwargs):
        tried.append(raw)
        return real(raw, region, **kwargs)

    monkeypatch.setattr(phonenumbers, "PhoneNumberMatcher", counting)
    text = "Card 4111 1111 1111 1111 and server 106.31.73.20; her desk phone is (212)201-5013x93638."
    hits = pii_patterns.find_structured(text)
    kinds = {text[s:e]: kind for s, e, kind, _ in hits}
    assert kinds["4111 1111 1111 1111"] == "ID" and kinds["106.31.73.20"] == "IP"
    assert kinds["(212)201-5013x93638"] == "PHONE"
    assert tried and not any("4111" in raw or "106" in raw for raw in tried)
