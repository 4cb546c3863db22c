"""PURE. The statistical voice on people, and the cues no capitalization rule sees.

pii_names asks here for three things:

- which sentences deserve the model (``ner_chunks``): only those holding a word that could be a name
  (a capitalized word that is no ordinary word, or a naming cue). Lesson prose is mostly "the victim told
  the officer", and the model costs ~20 µs a character it reads, so a lesson at its field limits stays
  around a second even in name-dense prose; the rules still see every sentence.
- which of the model's PERSON entities to keep (``accept_person``): the model alone flags "Zoolander",
  "Oh" or an all-lowercase phrase now and then, and every highlight costs an author a decision, so an
  entity made only of ordinary words, places or calendar words, or written all in lowercase, needs a
  naming cue before it ("my name is lena andersson"); one followed by an organization word ("Hope
  House") is a venue.
- names the model cannot see without layout: after a form label at the start of a line ("Name: Erica
  Sultygov", "Patient: …") and after an explicit naming phrase even in lowercase.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

Hit = tuple[int, int, str, str]
NOT_PEOPLE = frozenset(("GPE", "LOC", "FAC", "PRODUCT", "WORK_OF_ART", "EVENT", "NORP", "LANGUAGE",
                        "LAW"))
CHUNK = 1_500

_SENTENCE = re.compile(r"[^\n.!?]*(?:[.!?]+(?=\s|$)|\n|$)")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_NAME_WORD = r"[^\W\d_][\w'’-]*"
_NAMING_PHRASE = (r"my\s+name\s+is|my\s+name's|name\s+is|name\s+was|i\s+am\s+called|call\s+me|"
                  r"called|named|known\s+as|goes\s+by|went\s+by|introduced\s+(?:himself|herself)\s+as|"
                  r"signed\s+(?:it\s+)?as|this\s+is|i\s+am|i'm")
_NAMING_BEFORE = re.compile(rf"(?i:\b(?:{_NAMING_PHRASE}))\s*[\"“']?\s*$")
_LOWER_AFTER_NAMING = re.compile(
    rf"(?i:\b(?:my\s+name\s+is|my\s+name's|(?:maiden|full|first|last|real|legal)\s+name\s+(?:is|was)|"
    rf"call\s+me|calls\s+me|i\s+am\s+called|what's\s+your\s+name\?))\s+[\"“']?"
    rf"({_NAME_WORD}\.?(?:\s+{_NAME_WORD}\.?){{0,3}})")
_SPEAKER = re.compile(rf"(?m)^[ \t>*\-]*({_NAME_WORD}):[ \t]+\S")
_CAP_NAME = r"(?-i:[A-ZÀ-ÞĀ-Ž])[\w'’-]*"
_TITLE = re.compile(
    r"\b(?:Mr|Mrs|Ms|Mx|Miss|Dr|Prof|Officer|Det|Detective|Sgt|Sergeant|Agent|Judge|Nurse|Pastor|Rev)\.?"
    rf"[ \t]+({_CAP_NAME}(?:[ \t]+{_CAP_NAME})?)", re.I)
# A line that is only a name (a letter's or a form's heading, a signature): "William Hughes", "Janka M. Szász"
_NAME_LINE = re.compile(rf"(?m)^[ \t>?*]*({_CAP_NAME}\.?(?:[ \t]+{_CAP_NAME}\.?){{1,3}})[ \t]*$")
# Who spoke to whom: "I'm so jealous!" said Maslin to Antonio. Both are people whatever else the words are
# ("maslin" is a grain, "San Antonio" a city): nothing but a person says something to someone.
_SPOKE_TO = re.compile(
    rf"\b(?:said|says|asked|asks|replied|shouted|whispered|cried|yelled|explained)[ \t]+({_CAP_NAME})[ \t]+to"
    rf"[ \t]+({_CAP_NAME})(?=[ \t]*(?:[.,;:!?\n]|$))")
_CALENDAR = re.compile(r"(?i:(?:jan|febr)uary|march|april|may|june|july|august|september|october|november|"
                       r"december|(?:mon|tues|wednes|thurs|fri|satur|sun)day|today|tomorrow|yesterday)$")
_FORM_LABEL = re.compile(
    rf"(?im)^[ \t>*\-]*(?:full\s+name|name|patient|client|customer|contact|victim|survivor|from|to|attn|"
    rf"recipient|sender|guest|passenger|employee|applicant)\s*:[ \t]*((?:{_NAME_WORD}\.?)(?:[ \t]+{_NAME_WORD}\.?){{0,3}})[ \t]*$")
_ORG_AFTER = re.compile(
    r"^\s+(?:Project|Foundation|Center|Centre|House|Network|Coalition|Institute|Services|Church|Society|"
    r"Association|Council|Department|Police|Office|County|University|College|Hospital|Clinic|Bank|Group|"
    r"Inc|LLC|Ltd|Corp|Company|Motel|Hotel|Farms?|Ranch|Salon|Restaurant|Bar|Club|Shelter|School|Street|"
    r"Avenue|Road|Orchestra|Band|Records|Studios?|Pictures|Films?|Magazine|Airlines?)\b")


def ner_chunks(text: str, maybe_name: Callable[[str], bool]) -> list[tuple[int, str]]:
    """(offset, chunk) pieces of ``text`` worth sending to the model, whole sentences, ≤ CHUNK characters."""
    chunks: list[tuple[int, str]] = []
    start = end = None
    for m in _SENTENCE.finditer(text):
        if m.end() == m.start():
            continue
        sentence = m.group()
        wanted = (any(maybe_name(w.group()) for w in _WORD.finditer(sentence))
                  or _LOWER_AFTER_NAMING.search(sentence))
        if not wanted:
            continue
        if start is not None and m.start() == end and m.end() - start <= CHUNK:
            end = m.end()
            continue
        if start is not None:
            chunks.append((start, text[start:end]))
        start, end = m.start(), m.end()
        while end - start > CHUNK:  # a run-on "sentence" (no full stops): cut at a space
            space = text.rfind(" ", start + 1, start + CHUNK)
            cut = space if space > start else start + CHUNK
            chunks.append((start, text[start:cut]))
            start = cut
    if start is not None and end > start:
        chunks.append((start, text[start:end]))
    return chunks


def accept_person(text: str, start: int, end: int, ordinary: Callable[[str], bool],
                  word_name: Callable[[str], bool] = lambda w: False) -> Hit | None:
    """A model PERSON entity as a finding, trimmed and checked against the cues; None when vetoed."""
    span = text[start:end]
    trimmed = re.sub(r"(?:['’]s|['’])$", "", span.rstrip()).rstrip(" .,;:\t\n")
    lead = len(span) - len(span.lstrip(" \"“'(-\t\n"))
    start, end = start + lead, start + len(trimmed)
    if end <= start:
        return None
    words = _WORD.findall(text[start:end])
    if not words:
        return None
    before, after = text[max(0, start - 40):start], text[end:end + 30]
    cued = bool(_NAMING_BEFORE.search(before))
    if not cued and (all(ordinary(w) for w in words) or text[start:end].islower()):
        return None
    if not cued and len(words) == 1 and word_name(words[0]) and not re.match(
            r"^\s*(?:,\s*\d|\(\d|\s+(?:said|told|asked|says|was\s+\d))", after):
        return None  # "Grace periods", "Hope was in short supply": a word-name alone needs a person cue
    if _ORG_AFTER.match(after):
        return None
    if any(ch.isdigit() for ch in text[start:end]) or "@" in text[start:end]:
        return None
    return start, end, "PERSON", "ner:en_core_web_sm" + ("+naming-cue" if cued else "")


def cue_people(text: str, stop: Callable[[str], bool], maybe_name: Callable[[str], bool]) -> Iterator[Hit]:
    """Names after a form label at a line start, after "my name is" (in any case) and after a title, who
    spoke to whom ("said Maslin to Antonio"), and speaker labels of a transcript ("Ubul: What a wife."); a phrase of ordinary words ("Name: not given",
    "my name is not important") is not a name."""
    for pattern, rule in ((_FORM_LABEL, "context:form-label"),
                          (_LOWER_AFTER_NAMING, "context:after-naming-cue"),
                          (_TITLE, "context:after-title")):
        for m in pattern.finditer(text):
            kept = []
            for w in _WORD.finditer(m.group(1)):
                if stop(w.group()):
                    break
                kept.append(w)
            if kept:
                yield m.start(1), m.start(1) + kept[-1].end(), "PERSON", rule
    yield from name_lines(text, stop, maybe_name)
    for m in _SPOKE_TO.finditer(text):
        if not any(stop(w) or _CALENDAR.match(w) or w.isupper() for w in m.groups()):
            yield m.start(1), m.end(1), "PERSON", "context:spoke-to"
            yield m.start(2), m.end(2), "PERSON", "context:spoke-to"
    for m in _SPEAKER.finditer(text):
        if maybe_name(m.group(1)):
            yield m.start(1), m.end(1), "PERSON", "context:speaker-label"


def name_lines(text: str, stop: Callable[[str], bool], maybe_name: Callable[[str], bool]) -> Iterator[Hit]:
    """A line that is only a name: a letter's or a form's heading, a signature."""
    for m in _NAME_LINE.finditer(text):
        words = _WORD.findall(m.group(1))
        if any(maybe_name(w) for w in words if len(w) > 1) and not any(stop(w) for w in words):
            yield m.start(1), m.end(1), "PERSON", "context:name-alone-on-a-line"
