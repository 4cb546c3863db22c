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
"""

from __future__ import annotations

import re
from functools import lru_cache
from collections.abc import Iterable, Iterator
import bisect

from taskforce.lessons import pii_mentions, pii_ner, pii_people
from taskforce.lessons.pii_lexicon import fold, lexicon

Hit = tuple[int, int, str, str]
LAYERS = ("lists", "context", "caps", "ner")

_TOKEN = re.compile(r"[^\W\d_][\w]*(?:-[^\W\d_][\w]*|['’][^\W\d_]{2,}[\w]*)*")
_TITLES = (r"Officer|Ofc|Det|Detective|Sgt|Sergeant|Lt|Lieutenant|Capt|Captain|Deputy|Agent|Trooper|"
           r"Inspector|Investigator|Chief|Judge|Dr|Doctor|Nurse|Mr|Mrs|Ms|Miss|Mx|Prof|Professor|Pastor|"
           r"Father|Rev|Reverend|Sister|Brother|Imam|Coach|Attorney|Counselor|Señora?|Senora?|Doña|Dona|"
           r"Don|Madam|Madame|Mama|Mami|Papa|Auntie|Aunty|Uncle|Tía|Tia|Tío|Tio|Oga|Alhaji|Alhaja|Chief|"
           r"Ama|Maame|Nana|Abuela|Abuelo")
_KIN_ROLE = (r"aunt|auntie|uncle|cousin|sister|brother|mother|father|mom|dad|grandmother|grandma|grandfather|"
             r"son|daughter|niece|nephew|wife|husband|boyfriend|girlfriend|partner|fianc[ée]e?|friend|"
             r"neighbou?r|roommate|co-?worker|classmate|employer|boss|recruiter|trafficker|pimp|madam|"
             r"sponsor|landlord|landlady|manager|supervisor|driver|client|victim|survivor|patient|advocate|"
             r"caseworker|case\s+manager|interpreter|nurse|doctor|detective|officer|agent|teen|girl|boy|"
             r"woman|man|stepfather|stepmother|step-?dad|step-?mom|godmother|godfather|contact|owner|foreman|"
             r"crew\s+leader|mentor|tenant|coworker|cousins|sisters|brothers|daughters|sons|friends|"
             r"prosecutor|attorney|lawyer|trooper|deputy|sergeant|investigator|counselor|therapist|pastor")
_NAMING = (r"named|called|nicknamed|alias|aka|a\.k\.a\.|known\s+as|goes\s+by|went\s+by|name\s+(?:was|is)|"
           r"introduced\s+(?:himself|herself|themselves)\s+as|calls\s+(?:herself|himself)|signed\s+as|"
           r"asked\s+for|pseudonym")
_LEFT_CUE = re.compile(
    rf"(?:\b(?:{_TITLES})\.?|(?i:\b(?:{_KIN_ROLE}|{_NAMING}|said|says|asked|told|replied|whispered|"
    rf"shouted|heard|thanked|met|married|dear|hi|hello)),?)\s*[\"“‘']?\s*$")
# Someone spoken to: "Cora, can I speak to your boss?", "Don't go to town, Mark!"
_VOCATIVE = re.compile(r"^,\s+(?i:can|could|would|will|please|do|did|are|is|have|i|you|we|thank|thanks|sorry|"
                       r"listen|look|remember|come|wait)\b|^\s*[!?]")
_VERBS = (r"said|says|told|tells|asked|explained|recalled|reported|disclosed|testified|stated|admitted|"
          r"denied|agreed|refused|arrived|left|ran|escaped|fled|worked|lived|met|called|texted|messaged|"
          r"paid|owed|kept|took|began|started|wanted|needed|knew|cried|answered|returned|decided|moved|"
          r"came|went|got|gave|showed|tried|stayed|slept|lost|drove|picked|brought|sent|promised|"
          r"threatened|recruited|confided|whispered|insisted|agreed|smiled|laughed|wrote|signed|"
          r"would|could|had|was|has|is|did|does|never|also|later|then|still|just|lives|works|stays|spends|"
          r"spent|wants|needs|knows|gets|goes|comes|takes|keeps|pays|owes|calls|texts|drives|listed|sings|sang")
_SPEECH = re.compile(rf"^\s+(?:{_VERBS})\b")
_STRICT_SPEECH = re.compile(r"^\s+(?:later\s+|also\s+|then\s+|never\s+)?(?:recalled|remembered|said|says|told|tells|asked|explained|recalled|testified|disclosed|cried)\b")
_AGE_CUE = re.compile(r"^(?:,\s*(?:a\s+|an\s+)?\d{1,2}\b|\s*\(\d{1,2}\)|\s+(?:was|is)\s+(?:only\s+)?\d{1,2}\b)")
_RIGHT_CUE = re.compile(
    r"^(?:['’]s\b|,\s*(?:a\s+|an\s+)?\d{1,2}(?:-year-old)?\b|\s*\(\d{1,2}\)|,?\s+age[d]?\s+\d{1,2}|"
    rf",\s+(?:who|whose|her|his|their|the|a|an)\b|\s+and\s+(?:her|his|their)\s+(?:{_KIN_ROLE})\b)")
_PLACE_PREP = re.compile(r"(?i:\b(?:in|near|outside|around|across|through|towards?|of|from|to|into|at|"
                         r"via|between|and|city\s+of|town\s+of|village\s+of|county\s+of))\s+$")
_TOWN_PREP = re.compile(r"(?i:\b(?:in|near|outside|around|outside\s+of|town\s+of|village\s+of|city\s+of))\s+$")
_DATE_PREP = re.compile(r"(?i:\b(?:in|on|since|until|till|by|last|next|this|that|every|each|early|late|mid|of|"
                        r"through|from|before|after|during|one|a|the|following|previous))[\s-]+$")
_ORG_WORD = (
    r"(?:Project|Foundation|Center|Centre|House|Network|Coalition|Alliance|Institute|Services|Ministries|"
    r"Charities|Church|Justice|Society|Association|Council|Department|Police|Office|County|Sheriff|"
    r"University|College|Hospital|Clinic|Bank|Union|Group|Inc|LLC|Corp|Company|Co\.|Act|Law|Program|"
    r"Unit|Task|Court|Street|Avenue|Road|Boulevard|Drive|Lane|Motel|Hotel|Farms?|Ranch|Nails|Salon|"
    r"Spa|Restaurant|Bar|Club|Shelter|Academy|School|Park|Square|Island|Beach|Lake|River|Valley|Creek|"
    r"Mountain|Heights|Hills|Springs|Falls|Inn|Lodge|Suites|Cantina|Lounge|Cafe|Diner|Grill|Market|Plaza|"
    r"Mall|Store|Shop|Apartments|Village|Homes?|Estates|Foods|Logistics|Staffing|Cleaning|Construction)\b")
_ORG_AFTER = re.compile(rf"^\s+{_ORG_WORD}")
_ORG_IN = re.compile(rf"^{_ORG_WORD}$")
_PARTICLES = frozenset("de del la las los da das do dos di van von der den bin binti ibn al el y e".split())
# Pronouns and function words win over any list ("He" is also a Chinese surname, "My" a Vietnamese name).
_NEVER_NAMES = frozenset("he she it we they i you his her hers my me us them our your this that the a an and "
                         "or but so if in on at to of for by as is was".split())
_MONTHS_DAYS = frozenset(
    "january february march april may june july august september october november december monday tuesday "
    "wednesday thursday friday saturday sunday".split())
_ENGLISH_SUFFIXES = ("tion", "sion", "ment", "ness", "ity", "ing", "ies", "ers", "ed", "ly", "ance", "ence",
                     "ism", "ist", "ists", "ful", "less", "ous", "ive", "able", "ible", "ship", "hood", "ward",
                     "wards", "ize", "ise", "ical", "ery", "ics", "als", "ors")
_SENTENCE_END = re.compile(r"[.!?;\n\"“(\[]\s*[\"“‘']?\s*$")
_ABBREV_BEFORE = frozenset(fold(w) for w in "Dr Mr Mrs Ms Mx Det Sgt Lt Capt Ofc St Prof Rev Jr Sr vs No".split())


def _sentence_initial(text: str, toks: list[re.Match], i: int) -> bool:
    if i == 0:
        return not text[:toks[0].start()].strip(" \"“‘'(")
    gap = text[toks[i - 1].end():toks[i].start()]
    if i and gap.startswith(".") and fold(toks[i - 1].group()) in _ABBREV_BEFORE:
        return False
    if i and gap.startswith(".") and len(toks[i - 1].group()) == 1:
        return False  # an initial: "J. Mensah"
    return bool(_SENTENCE_END.search(gap))


def _looks_english(word: str) -> bool:
    low = fold(word)
    return len(low) > 5 and low.endswith(_ENGLISH_SUFFIXES)


def _names_follow(after: str) -> bool:
    """ "Patience and Blessing worked": a word coordinated with a listed name is a name too."""
    m = re.match(r"^\s+(?:and|or|&)\s+([^\W\d_][\w'’-]*)", after)
    return bool(m) and (_classify(m.group(1)) in ("name", "place-name")
                        or _classify(m.group(1)) == "unknown" and not _looks_english(m.group(1)))


def _segments(text: str) -> Iterator[list[re.Match]]:
    """Runs of capitalized tokens joined by single spaces, hyphens or name particles ("María de la Cruz")."""
    toks = list(_TOKEN.finditer(text))
    run: list[re.Match] = []
    pending: list[re.Match] = []
    for tok in toks:
        word = tok.group()
        gap = text[run[-1].end():tok.start()] if run else ""
        initial = run and len(run[-1].group()) == 1 and gap in (". ", ".")  # "Ken N. Fukuda"
        if run and gap not in (" ", "-") and not pending and not initial:
            yield run
            run = []
        if word[0].isupper() and not (word.isupper() and len(word) > 1):
            run.extend(pending)
            pending = []
            run.append(tok)
        elif run and fold(word) in _PARTICLES and text[(pending or run)[-1].end():tok.start()] == " ":
            pending.append(tok)
        else:
            if run:
                yield run
            run, pending = [], []
    if run:
        yield run


@lru_cache(maxsize=65_536)
def _classify(word: str) -> str:
    """What a word is to the name rules. Cached: a pure function of the word over read-only lists (the
    cache is thread-safe, holds strings only and is bounded), called for every word of a scan."""
    lex = lexicon()
    key = fold(word)
    if key in _NEVER_NAMES:
        return "common"
    if len(key) == 1:
        return "particle" if word.isupper() else "common"  # an initial lives inside a name, never alone
    if key in _PARTICLES:
        return "particle"
    if key in lex.names:
        if key in lex.common or _english_word(key, lex):
            return "ambiguous"  # Grace, Key, White, Destiny: a name only with context or the model
        return "place-name" if key in lex.places else "name"
    if key in lex.common or ("-" in key and all(len(p) == 1 or p in lex.common for p in key.split("-"))):
        return "common"
    if key in lex.places:
        return "place"
    if _english_word(key, lex):
        # "Derrick", "Cora", "Tamara": a dictionary word that is also one of its capitalized headwords is a
        # name with context or the model, as a listed name that is also a word is
        return "ambiguous" if key in lex.proper and key in lex.english else "common"
    return "unknown"


def _english_word(key: str, lex) -> bool:
    """In the dictionary, also inflected ("Capitalized", "Hobbits", "Royals'", "working", "studies")."""
    key = key.removesuffix("'s").removesuffix("’s").rstrip("'’")
    if key in lex.english:
        return True
    if "-" in key:  # "Night-shift", "Built-in", "Cross-border"
        return all(part and (len(part) <= 2 or _english_word(part, lex)) for part in key.split("-"))
    if _inflected(key, lex):
        return True
    # a compound of two words ("Farmworkers", "Online")
    return any(key[:i] in lex.english and _inflected(key[i:], lex) for i in range(4, len(key) - 3))


def _inflected(key: str, lex) -> bool:
    if key in lex.english:
        return True
    for suffix, repl in (("s", ""), ("es", ""), ("ies", "y"), ("ed", ""), ("ed", "e"), ("d", ""), ("ing", ""),
                         ("ing", "e"), ("ly", ""), ("er", ""), ("ers", ""), ("est", ""), ("ier", "y"),
                         ("iest", "y"), ("ked", ""), ("king", "")):
        if key.endswith(suffix) and len(key) - len(suffix) >= 3 and key[:-len(suffix)] + repl in lex.english:
            return True
    if key.endswith(("ed", "ing")):  # "stopped", "planning": a doubled consonant
        stem = key[:-2] if key.endswith("ed") else key[:-3]
        return len(stem) >= 4 and stem[-1] == stem[-2] and stem[:-1] in lex.english
    return False


def _split_on_common(text: str, run: list[re.Match]) -> Iterator[list[re.Match]]:
    """Cut a run at ordinary words and places; a listed name glued to a place is the place ("São Paulo")."""
    kinds = [_classify(t.group()) for t in run]
    for i, kind in enumerate(kinds):
        if kind == "place-name" and i and kinds[i - 1] == "particle":
            kinds[i - 1] = kinds[i] = "place"  # "El Salvador", "San Jose"
        elif kind == "place-name" and ((i and kinds[i - 1] == "place") or (i + 1 < len(kinds) and kinds[i + 1] == "place")):
            kinds[i] = "place"
    part: list[re.Match] = []
    for tok, kind in zip(run, kinds):
        if kind in ("common", "place"):
            if part:
                yield from _trimmed(part)
            part = []
        else:
            part.append(tok)
    yield from _trimmed(part)


def _trimmed(part: list[re.Match]) -> Iterator[list[re.Match]]:
    while part and _classify(part[-1].group()) == "particle":
        part = part[:-1]
    if part and any(_classify(t.group()) != "particle" for t in part):
        yield part


def _decide(text: str, seg: list[re.Match], initial: bool, layers: frozenset[str],
            labels: frozenset[str] = frozenset()) -> Hit | None:
    """A capitalized segment as PERSON or LOCATION, or None. ``labels`` are the model's entity labels over
    the segment: a listed word the model reads as an organization, a place or a work ("Jordan Valley
    Farms", "Metallica") needs a cue to be a person."""
    kinds = [_classify(t.group()) for t in seg]
    start, end = seg[0].start(), seg[-1].end()
    before, after = text[max(0, start - 60):start], text[end:end + 40]
    if _ORG_AFTER.match(after) or any(_ORG_IN.match(t.group()) for t in seg[1:]):
        return None  # "Polaris Project", "Hope House": an organization or a venue (pii_places), not a person
    after_place_prep = bool(_PLACE_PREP.search(re.sub(r"(?i:\b(?:el|la|los|las|san|santa|new|de)\s+)+$", "", before)))
    listed = [k for k in kinds if k in ("name", "place-name", "ambiguous")]
    strong = [k for k in kinds if k == "name" or (k == "place-name" and not after_place_prep)]
    if labels & {"FAC", "GPE", "LOC"} and "PERSON" not in labels and _TOWN_PREP.search(before) \
            and not all(k in ("place", "place-name", "particle") for k in kinds):
        return start, end, "LOCATION", "ner:place-after-in-or-near"  # "near Zorblat Maria": a small place
    if labels & _NOT_A_PERSON_LIST and "PERSON" not in labels:
        strong = []  # the model reads the listed word as a work, a product, an event or a building
    only_calendar = len(seg) == 1 and fold(seg[0].group()) in _MONTHS_DAYS
    left_cue = bool(_LEFT_CUE.search(before))
    vocative = bool(_VOCATIVE.match(after)) and (initial or before.rstrip().endswith(","))
    right_cue = (bool(_RIGHT_CUE.match(after)) or bool(_SPEECH.match(after)) or _names_follow(after)
                 or vocative)
    if initial and all(k in ("ambiguous", "particle") for k in kinds):
        # "Hope was in short supply", "Grace, the word...": a word-name opening a sentence needs a strong cue
        right_cue = bool(_STRICT_SPEECH.match(after) or _AGE_CUE.match(after) or _names_follow(after)
                         or re.match(rf"^\s+and\s+(?:her|his|their)\s+(?:{_KIN_ROLE})\b", after)
                         or re.match(r"^['’]s\b", after) or vocative)
    if after_place_prep and all(k in ("place-name", "particle") for k in kinds):
        return None  # "from Georgia", "in Santiago": a place, not a person
    town_tail = re.match(r"^\s+(?:City|Town|Village|Springs|Beach|Heights|Falls|Creek)\b", after)
    if town_tail and _TOWN_PREP.search(before):
        end += town_tail.end()
    if "lists" in layers and strong and _TOWN_PREP.search(before) and not after.startswith(("'", "’")):
        listed_word = next(t.group() for t, k in zip(seg, kinds) if k in ("name", "place-name"))
        return start, end, "LOCATION", "namelist-word-after-in-or-near:" + lexicon().names[fold(listed_word)]
    if "lists" in layers and strong and not only_calendar:
        if "caps" in layers or all(k in ("name", "place-name", "ambiguous", "particle") for k in kinds):
            first = next(t.group() for t, k in zip(seg, kinds) if k in ("name", "place-name"))
            return start, end, "PERSON", lexicon().names[fold(first)]
        if kinds[0] in ("name", "place-name", "ambiguous"):
            return (start, seg[kinds.index("unknown") - 1].end(), "PERSON",
                    lexicon().names.get(fold(seg[0].group()), "namelist"))
    if "context" in layers and (left_cue or right_cue):
        if only_calendar and (re.match(r"^\s*\d", after) or _DATE_PREP.search(before)):
            return None
        if left_cue:
            return start, end, "PERSON", "context:title-kin-or-naming-cue-before"
        english = all(k == "unknown" and _looks_english(t.group()) for t, k in zip(seg, kinds))
        if not english and (not only_calendar or _STRICT_SPEECH.match(after)):
            return start, end, "PERSON", "context:person-cue-after"
    if "caps" in layers and initial and "PERSON" not in labels and all(k in ("unknown", "particle") for k in kinds) \
            and all(len(t.group()) >= 3 for t in seg) \
            and re.match(r"^\s+(?-i:[a-z])", after) and not labels & _NOT_A_PERSON and not _ORG_AFTER.match(after):
        # "Dexter lives on …", "Asya spent a year …": opening a sentence, a word no dictionary, list or
        # place knows, followed by an ordinary lowercase word, is a name.
        return start, end, "PERSON", "caps:not-an-english-word-opening-a-sentence"
    if "caps" in layers and not initial and "PERSON" not in labels:
        if only_calendar or all(k == "unknown" and _looks_english(t.group()) for t, k in zip(seg, kinds)):
            return None
        if all(k in ("unknown", "particle") for k in kinds) and _TOWN_PREP.search(before) \
                and not labels & {"ORG", "WORK_OF_ART", "PRODUCT", "NORP", "EVENT"}:
            return start, end, "LOCATION", "caps:unknown-place-after-in-or-near"
        if "unknown" in kinds and not labels & _NOT_A_PERSON:
            # No dictionary, list or place knows the word and the model does not call it a place or a
            # work: mid-sentence, that is a name ("she trusted Ixchel").
            return start, end, "PERSON", "caps:not-an-english-word"
    return None


_NOT_A_PERSON = frozenset(("WORK_OF_ART", "PRODUCT", "EVENT", "LAW", "LANGUAGE", "NORP", "GPE", "LOC", "FAC"))
_NOT_A_PERSON_LIST = frozenset(("WORK_OF_ART", "PRODUCT", "EVENT", "LAW", "LANGUAGE", "NORP", "FAC"))
_TOWN_WORD = re.compile(r"(?i:\b(?:near|outside(?:\s+of)?|town\s+of|village\s+of|moved\s+to|taken\s+to|brought\s+to|sent\s+to|lived\s+in|from|to|in))\s+((?-i:[A-Z])[a-z]+(?:\s+(?-i:[A-Z])[a-z]+)?)\b")


def _ordinary(word: str) -> bool:
    return _classify(word) in ("common", "place") or fold(word) in _MONTHS_DAYS


def _stop(word: str) -> bool:
    """Where a name after a cue ends: a function word, or an ordinary word in lowercase."""
    key = fold(word)
    return key in _NEVER_NAMES or (word.islower() and _ordinary(word))


def _maybe_name(word: str) -> bool:
    return word[0].isupper() and not (word.isupper() and len(word) > 1) and _classify(word) not in (
        "common", "place", "particle")


def _needs_model(word: str) -> bool:
    """A word the lists cannot decide alone: capitalized and in no list, or a name that is also a word."""
    return word[0].isupper() and not (word.isupper() and len(word) > 1) and _classify(word) in (
        "unknown", "ambiguous")


Entity = tuple[int, int, str]


def model_entities(texts: list[str]) -> list[list[Entity]]:
    """The model's entities over the sentences of each text that may hold a name (read in the text's
    truecased copy, so a lowercase name is seen), at their offsets in the text. One model call for all the
    texts (a lesson's fields together), and a sentence that occurs more than once in them is read once."""
    return _model_entities([pii_mentions.truecased(t, _capitalize) for t in texts])


def _model_entities(cased_texts: list[str]) -> list[list[Entity]]:
    chunked = [pii_people.ner_chunks(t, _maybe_name) for t in cased_texts]
    unique = list(dict.fromkeys(c for chunks in chunked for _, c in chunks))
    read = dict(zip(unique, pii_ner.entities(unique)))
    return [[(offset + s, offset + e, label) for offset, chunk in chunks for s, e, label in read[chunk]]
            for chunks in chunked]


def _with_particles(text: str, hit: Hit) -> Hit:
    """ "Paul van" + " der Voet": the model stops at a particle the rules know belongs to the name."""
    m = _PARTICLE_TAIL.match(text, hit[1])
    return (hit[0], m.end(), hit[2], hit[3]) if m else hit


_PARTICLE_TAIL = re.compile(rf"(?:\s+(?:{'|'.join(sorted(_PARTICLES))}))+\s+[A-ZÀ-Ý][\w'’-]+")


def ner_available() -> bool:
    return pii_ner.available()


def _joinable(word: str) -> bool:
    """A capitalized word that may belong to a name (pii_mentions): no ordinary word, place or month."""
    return word[0].isupper() and fold(word) not in _MONTHS_DAYS and _classify(word) in (
        "unknown", "name", "ambiguous", "place-name") and not _ORG_IN.match(word)


def _listable(word: str) -> bool:
    key = fold(word)
    return word[0].isupper() and key not in _MONTHS_DAYS and key not in lexicon().places \
        and key not in lexicon().common and not _ORG_IN.match(word)


def _capitalize(word: str) -> str:
    """In a sentence written all in lowercase, whether the model should see ``word`` capitalized: "yes" when
    it is no ordinary word, "beside" (next to such a word) when it is a word that may be a name."""
    if len(word) < 2 or fold(word) in _MONTHS_DAYS:
        return "no"
    kind = _classify(word)
    return "yes" if kind in ("unknown", "name", "place-name", "place") else "beside" if kind == "ambiguous" else "no"


def _dictionary_word(word: str) -> bool:
    """An ordinary word, or one only Webster's headwords also know as a name ("Olive" of "Mount Olive")."""
    kind = _classify(word)
    return kind == "common" or (kind == "ambiguous" and fold(word) not in lexicon().names)


def _unknown(word: str) -> bool:
    return _classify(word) == "unknown"


def _plain(word: str) -> bool:
    return _classify(word) == "common"


def _name_word(word: str) -> bool:
    lex, key = lexicon(), fold(word)
    return key not in lex.places and (key in lex.names or (key in lex.proper and not _english_word(key, lex)))


def find_names(text: str, layers: Iterable[str] = LAYERS, entities: list[Entity] | None = None) -> Iterator[Hit]:
    """PERSON findings (and LOCATION for unknown small places): the rules and the model decide together,
    then what one found name tells about the rest of the text (pii_mentions). ``entities``: the model's,
    when the caller read several texts at once (``model_entities``)."""
    layers = frozenset(layers)
    cased = pii_mentions.truecased(text, _capitalize) if "ner" in layers else text
    if "ner" not in layers:
        entities = []
    elif entities is None:
        entities = _model_entities([cased])[0]
    hits = list(_find_names(text, cased, layers, entities))
    yield from hits
    if "context" in layers:
        yield from pii_mentions.spread(text, hits, _joinable, _listable, cased)


def _find_names(text: str, cased: str, layers: frozenset[str], entities: list[Entity]) -> Iterator[Hit]:
    tokens = list(_TOKEN.finditer(text))
    index = {t.start(): i for i, t in enumerate(tokens)}
    label_at: dict[int, set[str]] = {}
    starts = [t.start() for t in tokens]
    for s, e, label in entities:
        for i in range(bisect.bisect_left(starts, s), bisect.bisect_left(starts, e)):
            label_at.setdefault(starts[i], set()).add(label)
    for run in _segments(text):
        for seg in _split_on_common(text, run):
            initial = _sentence_initial(text, tokens, index[seg[0].start()])
            labels = frozenset().union(*(label_at.get(t.start(), ()) for t in seg))
            hit = _decide(text, seg, initial, layers, labels)
            if hit:
                yield hit
    for s, e, label in entities:
        if label != "PERSON":
            continue
        source = text
        if text[s:e] != cased[s:e]:  # a name written in lowercase, capitalized for the model
            words = pii_mentions.WORD.findall(text[s:e])
            if not pii_mentions.lowercase_evidence(words, _name_word, _unknown, _plain):
                continue
            source = cased
        hit = pii_people.accept_person(source, s, e, _ordinary, lexicon().is_ambiguous)
        if hit:
            yield _with_particles(source, hit)
    if "context" in layers:
        yield from pii_people.cue_people(text, _stop, _maybe_name)
        if cased != text:
            for hit in pii_people.name_lines(cased, _stop, _maybe_name):
                words = pii_mentions.WORD.findall(text[hit[0]:hit[1]])
                if text[hit[0]:hit[1]].islower() and pii_mentions.lowercase_evidence(
                        words, _name_word, _unknown, _plain):
                    yield hit
    if "caps" in layers:
        # "a packing plant near Lumpkin": a capitalized dictionary word after "near"/"outside" is a town
        for m in _TOWN_WORD.finditer(text):
            words = m.group(1).split()
            if not any(fold(w) in _MONTHS_DAYS or fold(w) in lexicon().places or fold(w) in lexicon().common
                       or not _dictionary_word(w) for w in words):  # only dictionary words: others have rules
                yield m.start(1), m.end(1), "LOCATION", "caps:capitalized-word-after-a-place-preposition"
