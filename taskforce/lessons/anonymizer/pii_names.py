"""PURE. Person names (and small-town names) in lesson narratives.

Why layers: survivors come from everywhere, so no list is complete, and many names are also English
words (Grace, Will, May, Blessing's sister Patience). Each layer catches what the one before cannot,
and each finding says which layer fired so the author can judge it:

1. ``lists``   - a capitalized word in a name list (namelists/*.txt): "Nguyen said", "Officer Mensah".
2. ``context`` - a capitalized word after a title, kinship or naming cue ("her aunt Lan", "a man called
                 Dayo", "Det. Brandt"), or before a person cue ("Oreoluwa, 17,", "Xochitl told").
3. ``caps``    - a capitalized word mid-sentence that is no known word, place or acronym: in a lesson a
                 proper noun is a person unless it is a place; after "in"/"near" it is a LOCATION.
4. ``ner``     - spaCy's en_core_web_sm PERSON entities, only when spaCy and the model are installed.

The word questions live in pii_name_words, the segments and their decision in pii_name_segments; here
the layers are run together with the model (pii_ner, via pii_people) and the other mentions (pii_mentions).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator

from taskforce.lessons.anonymizer import pii_mentions, pii_ner, pii_people
from taskforce.lessons.anonymizer.pii_lexicon import fold, lexicon
from taskforce.lessons.anonymizer.pii_name_segments import (
    TOKEN, decide, lowercase_names, segments, sentence_initial, split_on_common,
)
from taskforce.lessons.anonymizer.pii_name_words import (
    MONTHS_DAYS, PARTICLES, capitalize_for_model, dictionary_word, ends_a_name, joinable, listable,
    may_be_name, name_word, ordinary_word, plain_word, unknown_word,
)

Hit = tuple[int, int, str, str]
LAYERS = ("lists", "context", "caps", "ner")
_TOWN_WORD = re.compile(r"(?i:\b(?:near|outside(?:\s+of)?|town\s+of|village\s+of|moved\s+to|taken\s+to|brought\s+to|sent\s+to|lived\s+in|from|to|in))\s+((?-i:[A-Z])[a-z]+(?:\s+(?-i:[A-Z])[a-z]+)?)\b")

Entity = tuple[int, int, str]


def model_entities(texts: list[str]) -> list[list[Entity]]:
    """The model's entities over the sentences of each text that may hold a name (read in the text's
    truecased copy, so a lowercase name is seen), at their offsets in the text. One model call for all the
    texts (a lesson's fields together), and a sentence that occurs more than once in them is read once."""
    return _model_entities([pii_mentions.truecased(t, capitalize_for_model) for t in texts])


def _model_entities(cased_texts: list[str]) -> list[list[Entity]]:
    chunked = [pii_people.ner_chunks(t, may_be_name) for t in cased_texts]
    unique = list(dict.fromkeys(c for chunks in chunked for _, c in chunks))
    read = dict(zip(unique, pii_ner.entities(unique)))
    return [[(offset + s, offset + e, label) for offset, chunk in chunks for s, e, label in read[chunk]]
            for chunks in chunked]


def _with_particles(text: str, hit: Hit) -> Hit:
    """ "Paul van" + " der Voet": the model stops at a particle the rules know belongs to the name."""
    m = _PARTICLE_TAIL.match(text, hit[1])
    return (hit[0], m.end(), hit[2], hit[3]) if m else hit


_PARTICLE_TAIL = re.compile(rf"(?:\s+(?:{'|'.join(sorted(PARTICLES))}))+\s+[A-ZÀ-Ý][\w'’-]+")


def find_names(text: str, layers: Iterable[str] = LAYERS, entities: list[Entity] | None = None) -> Iterator[Hit]:
    """PERSON findings (and LOCATION for unknown small places): the rules and the model decide together,
    then what one found name tells about the rest of the text (pii_mentions). ``entities``: the model's,
    when the caller read several texts at once (``model_entities``)."""
    layers = frozenset(layers)
    cased = pii_mentions.truecased(text, capitalize_for_model) if "ner" in layers else text
    if "ner" not in layers:
        entities = []
    elif entities is None:
        entities = _model_entities([cased])[0]
    hits = list(_find_names(text, cased, layers, entities))
    if cased != text and "lists" in layers:  # a sentence written all in lowercase: its listed names too
        hits.extend(lowercase_names(text, cased, layers, entities))
    yield from hits
    if "context" in layers:
        yield from pii_mentions.spread(text, hits, joinable, listable, cased)


def _find_names(text: str, cased: str, layers: frozenset[str], entities: list[Entity]) -> Iterator[Hit]:
    tokens = list(TOKEN.finditer(text))
    index = {t.start(): i for i, t in enumerate(tokens)}
    label_at: dict[int, set[str]] = {}
    starts = [t.start() for t in tokens]
    for s, e, label in entities:
        for i in range(bisect.bisect_left(starts, s), bisect.bisect_left(starts, e)):
            label_at.setdefault(starts[i], set()).add(label)
    for run in segments(text, tokens):
        for seg in split_on_common(text, run):
            initial = sentence_initial(text, tokens, index[seg[0].start()])
            labels = frozenset().union(*(label_at.get(t.start(), ()) for t in seg))
            hit = decide(text, seg, initial, layers, labels)
            if hit:
                yield hit
    for s, e, label in entities:
        if label != "PERSON":
            continue
        source = text
        if text[s:e] != cased[s:e]:  # a name written in lowercase, capitalized for the model
            words = pii_mentions.WORD.findall(text[s:e])
            if not pii_mentions.lowercase_evidence(words, name_word, unknown_word, plain_word):
                continue
            source = cased
        hit = pii_people.accept_person(source, s, e, ordinary_word, lexicon().is_ambiguous)
        if hit:
            yield _with_particles(source, hit)
    if "context" in layers:
        yield from pii_people.cue_people(text, ends_a_name, may_be_name)
        if cased != text:
            for hit in pii_people.name_lines(cased, ends_a_name, may_be_name):
                words = pii_mentions.WORD.findall(text[hit[0]:hit[1]])
                if text[hit[0]:hit[1]].islower() and pii_mentions.lowercase_evidence(
                        words, name_word, unknown_word, plain_word):
                    yield hit
    if "caps" in layers:
        # "a packing plant near Lumpkin": a capitalized dictionary word after "near"/"outside" is a town
        for m in _TOWN_WORD.finditer(text):
            words = m.group(1).split()
            if not any(fold(w) in MONTHS_DAYS or fold(w) in lexicon().places or fold(w) in lexicon().common
                       or not dictionary_word(w) for w in words):  # only dictionary words: others have rules
                yield m.start(1), m.end(1), "LOCATION", "caps:capitalized-word-after-a-place-preposition"
