"""PURE. Find and remove identifying details from lesson narratives before they leave their author.

Why: lessons are stories from real trafficking cases shared across police, hospitals and NGOs.
Victim-service providers may not share identifying information at all (VAWA/FVPSA/VOCA), so a lesson
must carry no names, contacts, addresses, dates, case numbers or accounts of anyone. The author sees
every finding highlighted with the rule that fired and resolves it; a coordinator reviews after.

This module is PURE (stdlib + phonenumbers; spaCy only if installed): text in, findings out.
Detectors live beside it: pii_patterns (structured kinds and dates), pii_places (addresses and
venues), pii_names (people). Here they are merged into non-overlapping findings.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from taskforce.lessons.anonymizer import pii_names, pii_patterns, pii_places, pii_suggest

KINDS = ("PERSON", "PHONE", "EMAIL", "ADDRESS", "LOCATION", "DATE", "ID", "URL", "IP", "HANDLE", "PLATE")
STRUCTURED_KINDS = ("PHONE", "EMAIL", "ID", "URL", "IP", "HANDLE", "PLATE")
NAME_LAYERS = pii_names.LAYERS

# When two candidates overlap the longer wins (an address swallows the "5 de Mayo" date inside it);
# at equal length the more specific kind wins (an SSN shape over a phone that happens to validate).
_RANK = {kind: rank for rank, kind in enumerate(
    ("EMAIL", "URL", "IP", "HANDLE", "ID", "PLATE", "PHONE", "DATE", "ADDRESS", "LOCATION", "PERSON"))}

class Finding(NamedTuple):
    """One identifying detail: where it is, what kind, the text, and which rule or list fired."""

    start: int
    end: int
    kind: str
    text: str
    rule: str = ""


def _merge(text: str, hits: Iterable[tuple[int, int, str, str]]) -> list[Finding]:
    # At equal span and kind a rule's explanation ("namelist:…", "context:…") reads better than the model's.
    candidates = sorted({h for h in hits if h[1] > h[0]},
                        key=lambda h: (h[0] - h[1], _RANK[h[2]], h[3].startswith("ner:"), h[0], h[3]))
    taken = bytearray(len(text))  # one flag a character: linear, where a list of spans was quadratic
    chosen: list[Finding] = []
    for start, end, kind, rule in candidates:
        if any(taken[start:end]):
            continue
        taken[start:end] = b"\x01" * (end - start)
        chosen.append(Finding(start, end, kind, text[start:end], rule))
    return sorted(chosen)


def scan_layers(text: str, name_layers: Iterable[str] = NAME_LAYERS, entities=None) -> list[Finding]:
    """scan() with a chosen set of name layers; the benchmark uses it to measure what each layer adds.
    ``entities``: the model's for this text when scan_all read several texts at once."""
    hits = list(pii_patterns.find_structured(text))
    hits.extend(pii_patterns.find_dates(text))
    hits.extend(pii_places.find_places(text))
    hits.extend(pii_names.find_names(text, name_layers, entities))
    return _merge(text, hits)


def scan(text: str) -> list[Finding]:
    """Every identifying detail in ``text``, sorted by start and non-overlapping, each with its rule."""
    return scan_layers(text)


def scan_all(texts: list[str]) -> list[list[Finding]]:
    """scan() of each text (a lesson's fields), with one model call for them all: the model is most of a
    scan's cost, and it reads a batch faster than the same sentences one field at a time, and a sentence
    repeated across fields (a summary quoting the story) once. Same findings as scan() of each."""
    entities = pii_names.model_entities(list(texts))
    return [scan_layers(text, NAME_LAYERS, ents) for text, ents in zip(texts, entities)]


def structured_findings(text: str) -> list[Finding]:
    """Only the pattern kinds (phone, email, ID, URL, IP, handle, plate): the quick check chat runs
    before a message is posted, where names and dates are normal conversation."""
    return _merge(text, pii_patterns.find_structured(text))


def redact(text: str) -> str:
    """``text`` with each finding replaced by ``[KIND]``, e.g. "Call Mara" -> "Call [PERSON]"."""
    out, pos = [], 0
    for f in scan(text):
        out.append(text[pos:f.start])
        out.append(f"[{f.kind}]")
        pos = f.end
    out.append(text[pos:])
    return "".join(out)


def suggest_replacement(finding: Finding, text: str = "") -> str:
    """A replacement the author can accept that keeps the sentence readable: read in ``text`` (the whole
    field the finding is in) it keeps a title ("Officer [name]", "Tío [name]"), uses the role the story
    gave a person ("her brother"), else a neutral phrase ("a person", "A date" at a sentence start).
    Without ``text`` it is the neutral phrase of the kind."""
    return pii_suggest.suggest(finding.kind, finding.text, text, finding.start)


def explain(finding: Finding) -> str:
    """One sentence for the author's highlight tooltip: why this was flagged."""
    return f"{finding.text!r} looks like {pii_suggest.NEUTRAL.get(finding.kind, 'a detail')} (rule: {finding.rule or 'unknown'})."
