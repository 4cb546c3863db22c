"""PURE. Capitalized segments of a text and whether each is a person, a small place or neither.

pii_names' rule layers (``lists``, ``context``, ``caps``) work on segments: runs of capitalized tokens
("María de la Cruz"), cut at ordinary words and places. Each segment is decided here from what its
words are (pii_name_words), the cues around it (titles, kinship, naming and speech verbs, ages, place
prepositions) and the model's labels over it, so a finding always names the rule that fired.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from taskforce.lessons.anonymizer.pii_lexicon import fold, lexicon
from taskforce.lessons.anonymizer.pii_name_words import (
    MONTHS_DAYS, ORG_IN, ORG_WORD, PARTICLES, classify, looks_english,
)

Hit = tuple[int, int, str, str]

TOKEN = re.compile(r"[^\W\d_][\w]*(?:-[^\W\d_][\w]*|['’][^\W\d_]{2,}[\w]*)*")
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
_ORG_AFTER = re.compile(rf"^\s+{ORG_WORD}")
_SENTENCE_END = re.compile(r"[.!?;\n\"“(\[]\s*[\"“‘']?\s*$")
_ABBREV_BEFORE = frozenset(fold(w) for w in "Dr Mr Mrs Ms Mx Det Sgt Lt Capt Ofc St Prof Rev Jr Sr vs No".split())


def sentence_initial(text: str, toks: list[re.Match], i: int) -> bool:
    if i == 0:
        return not text[:toks[0].start()].strip(" \"“‘'(")
    gap = text[toks[i - 1].end():toks[i].start()]
    if i and gap.startswith(".") and fold(toks[i - 1].group()) in _ABBREV_BEFORE:
        return False
    if i and gap.startswith(".") and len(toks[i - 1].group()) == 1:
        return False  # an initial: "J. Mensah"
    return bool(_SENTENCE_END.search(gap))



def _names_follow(after: str) -> bool:
    """ "Patience and Blessing worked": a word coordinated with a listed name is a name too."""
    m = re.match(r"^\s+(?:and|or|&)\s+([^\W\d_][\w'’-]*)", after)
    return bool(m) and _coordinated_name(m.group(1), ("name", "place-name"))


def _names_before(before: str) -> bool:
    """ "Okafor and White paid": a word coordinated after a listed or unknown name is a name too."""
    m = re.search(r"([^\W\d_][\w'’-]*)\s+(?:and|or|&)\s+$", before)
    return bool(m) and m.group(1).istitle() and _coordinated_name(m.group(1), ("name",))


def _coordinated_name(word: str, listed: tuple[str, ...]) -> bool:
    """The other side of "X and Y" tells Y is a name when it is listed (of the ``listed`` kinds) or a word
    no list or dictionary knows that does not look English."""
    kind = classify(word)
    return kind in listed or kind == "unknown" and not looks_english(word)


def segments(text: str, toks: list[re.Match]) -> Iterator[list[re.Match]]:
    """Runs of capitalized tokens joined by single spaces, hyphens or name particles ("María de la Cruz").
    ``toks``: the text's TOKEN matches (the caller has them; a name-dense field is not tokenized twice)."""
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
        elif run and fold(word) in PARTICLES and text[(pending or run)[-1].end():tok.start()] == " ":
            pending.append(tok)
        else:
            if run:
                yield run
            run, pending = [], []
    if run:
        yield run




def split_on_common(text: str, run: list[re.Match]) -> Iterator[list[re.Match]]:
    """Cut a run at ordinary words and places; a listed name glued to a place is the place ("São Paulo")."""
    kinds = _kinds(run)
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


_NAME_KINDS = frozenset(("name", "place-name", "ambiguous", "unknown"))


def _kinds(run: list[re.Match]) -> list[str]:
    """Each token's kind (pii_name_words.classify), with one exception: "A" and "I" between two name words
    ("Ravi I Sharma", "Maria A. Lopez") are middle initials, not the article or the pronoun, so they do not
    cut the name in two. The pronoun and the article are followed by a lowercase word, which ends the run."""
    kinds = [classify(t.group()) for t in run]
    for i in range(1, len(run) - 1):
        if run[i].group() in ("A", "I") and kinds[i - 1] in _NAME_KINDS and kinds[i + 1] in _NAME_KINDS:
            kinds[i] = "particle"
    return kinds


def _trimmed(part: list[re.Match]) -> Iterator[list[re.Match]]:
    while part and classify(part[-1].group()) == "particle":
        part = part[:-1]
    if part and any(classify(t.group()) != "particle" for t in part):
        yield part


def decide(text: str, seg: list[re.Match], initial: bool, layers: frozenset[str],
            labels: frozenset[str] = frozenset()) -> Hit | None:
    """A capitalized segment as PERSON or LOCATION, or None. ``labels`` are the model's entity labels over
    the segment: a listed word the model reads as an organization, a place or a work ("Jordan Valley
    Farms", "Metallica") needs a cue to be a person."""
    kinds = _kinds(seg)
    start, end = seg[0].start(), seg[-1].end()
    before, after = text[max(0, start - 60):start], text[end:end + 40]
    if _ORG_AFTER.match(after) or any(ORG_IN.match(t.group()) for t in seg[1:]):
        return None  # "Polaris Project", "Hope House": an organization or a venue (pii_places), not a person
    after_place_prep = bool(_PLACE_PREP.search(re.sub(r"(?i:\b(?:el|la|los|las|san|santa|new|de)\s+)+$", "", before)))
    listed = [k for k in kinds if k in ("name", "place-name", "ambiguous")]
    strong = [k for k in kinds if k == "name" or (k == "place-name" and not after_place_prep)]
    if labels & {"FAC", "GPE", "LOC"} and "PERSON" not in labels and _TOWN_PREP.search(before) \
            and not all(k in ("place", "place-name", "particle") for k in kinds):
        return start, end, "LOCATION", "ner:place-after-in-or-near"  # "near Zorblat Maria": a small place
    if labels & _NOT_A_PERSON_LIST and "PERSON" not in labels and not _given_and_surname(seg, kinds):
        strong = []  # the model reads the listed word as a work, a product, an event or a building
    only_calendar = len(seg) == 1 and fold(seg[0].group()) in MONTHS_DAYS
    left_cue = bool(_LEFT_CUE.search(before))
    vocative = bool(_VOCATIVE.match(after)) and (initial or before.rstrip().endswith(","))
    right_cue = (bool(_RIGHT_CUE.match(after)) or bool(_SPEECH.match(after)) or _names_follow(after)
                 or vocative or _names_before(before))
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
        english = all(k == "unknown" and looks_english(t.group()) for t, k in zip(seg, kinds))
        if not english and (not only_calendar or _STRICT_SPEECH.match(after)):
            return start, end, "PERSON", "context:person-cue-after"
    if "caps" in layers and initial and "PERSON" not in labels and all(k in ("unknown", "particle") for k in kinds) \
            and all(len(t.group()) >= 3 for t in seg) \
            and re.match(r"^\s+(?-i:[a-z])", after) and not labels & _NOT_A_PERSON and not _ORG_AFTER.match(after):
        # "Dexter lives on …", "Asya spent a year …": opening a sentence, a word no dictionary, list or
        # place knows, followed by an ordinary lowercase word, is a name.
        return start, end, "PERSON", "caps:not-an-english-word-opening-a-sentence"
    if "caps" in layers and not initial and "PERSON" not in labels:
        if only_calendar or all(k == "unknown" and looks_english(t.group()) for t, k in zip(seg, kinds)):
            return None
        if all(k in ("unknown", "particle") for k in kinds) and _TOWN_PREP.search(before) \
                and not labels & {"ORG", "WORK_OF_ART", "PRODUCT", "NORP", "EVENT"}:
            return start, end, "LOCATION", "caps:unknown-place-after-in-or-near"
        if "unknown" in kinds and not labels & _NOT_A_PERSON:
            # No dictionary, list or place knows the word and the model does not call it a place or a
            # work: mid-sentence, that is a name ("she trusted Ixchel").
            return start, end, "PERSON", "caps:not-an-english-word"
    return None


def _given_and_surname(seg: list[re.Match], kinds: list[str]) -> bool:
    """ "Emmie Stromberg": a listed given name followed by a listed surname, neither a word nor a place, is a
    person even where the model reads a building or a work: two name words in a row are far more often a
    person than a venue (an organization word after them, "Hope House", was ruled out before)."""
    names = lexicon().names
    last = seg[-1].group()
    return (len(seg) >= 2 and kinds[0] == "name" and names[fold(seg[0].group())].endswith("/given")
            and (kinds[-1] == "name" and names[fold(last)].endswith("/surname")
                 or kinds[-1] == "unknown" and not looks_english(last)))


_CUES_ONLY = frozenset(("context",))  # lowercase names: a listed word alone is too weak ("max 195", "no-gil")
_NOT_A_PERSON = frozenset(("WORK_OF_ART", "PRODUCT", "EVENT", "LAW", "LANGUAGE", "NORP", "GPE", "LOC", "FAC"))
_NOT_A_PERSON_LIST = frozenset(("WORK_OF_ART", "PRODUCT", "EVENT", "LAW", "LANGUAGE", "NORP", "FAC"))


def lowercase_names(text: str, cased: str, layers: frozenset[str], entities: list[tuple[int, int, str]],
                    ) -> Iterator[Hit]:
    """People named in lowercase ("thelma is from the shelter", "ask imogene"), decided by the same rules as
    the capitalized name, on the truecased copy (``cased``: same offsets; pii_mentions.truecased capitalized
    the sentence's possible names for the model). The model often calls such a name a place, an
    organization or nothing, and the segment rules see only capitals, so without this a lowercase name is
    found only when the model calls it a person. Kept to segments made only of words written in lowercase,
    at least one of them a listed name that is no English word (classify "name") and none an everyday word
    of zxcvbn's English lists ("hang" is also a listed name): "grace", "white", "page" or slang never count
    here. Without a cue the model must read some entity there (a listed word alone is too weak: "max 195",
    "no-gil"); only PERSON findings are kept. A word no list holds counts only as the subject of a verb
    (``_lowercase_subject``), and then by that cue alone."""
    toks = list(TOKEN.finditer(cased))
    changed = [i for i, t in enumerate(toks) if text[t.start()] != cased[t.start()]]
    if not changed:
        return
    starts = [t.start() for t in toks]
    index = {s: i for i, s in enumerate(starts)}
    for run in segments(cased, toks):
        for seg in split_on_common(cased, run):
            kinds = [classify(t.group()) for t in seg]
            unlisted = "name" not in kinds
            if unlisted and not _lowercase_subject(cased, seg, kinds):
                continue
            if not all(k in ("name", "unknown", "particle") for k in kinds) \
                    or not text[seg[0].start():seg[-1].end()].islower() \
                    or any(fold(t.group()) in lexicon().everyday for t in seg):
                continue
            labels = frozenset(label for s, e, label in entities if s < seg[-1].end() and e > seg[0].start())
            initial = sentence_initial(cased, toks, index[seg[0].start()])
            hit = decide(cased, seg, initial, layers if labels and not unlisted else _CUES_ONLY, labels)
            if hit and hit[2] == "PERSON":
                yield hit


_DETERMINER = re.compile(r"(?i:\b(?:the|a|an|my|your|his|her|our|their|this|that|these|those|some|any|no|every|"
                         r"each|its|of|to|in|on|at|for|with|by|from))\s+$")


def _lowercase_subject(cased: str, seg: list[re.Match], kinds: list[str]) -> bool:
    """A lowercase word no list, dictionary or place knows, as the subject of a verb ("then ixchel was
    gone", "tomasz had the keys"): a name in a sentence written all in lowercase, though no list holds it.
    Not after a determiner or a preposition ("the xbox was", "of tiktok is"): a name is a subject here."""
    start, end = seg[0].start(), seg[-1].end()
    if len(seg) > 3 or not all(k == "unknown" and len(t.group()) >= 4 for t, k in zip(seg, kinds)):
        return False
    if any(fold(t.group()) in lexicon().everyday or looks_english(t.group()) for t in seg):
        return False
    return bool(_SPEECH.match(cased[end:end + 40])) and not _DETERMINER.search(cased[max(0, start - 20):start])
