"""PURE. What a single word is to the name rules (pii_names): a listed name, a name that is also an
English word, an ordinary word, a place, a particle or unknown, and the small questions the layers ask
of a word ("may this be a name?", "does a name after a cue end here?").

Why a module of its own: every layer of pii_names and the helpers in pii_people and pii_mentions ask
these questions of every word, over the same read-only lexicon (pii_lexicon); keeping them in one place
keeps their answers consistent. ``classify`` is cached (bounded, thread-safe, strings only).
"""

from __future__ import annotations

import re
from functools import lru_cache

from taskforce.lessons.anonymizer.pii_lexicon import CENSUS, fold, lexicon

ORG_WORD = (
    r"(?:Project|Foundation|Center|Centre|House|Network|Coalition|Alliance|Institute|Services|Ministries|"
    r"Charities|Church|Justice|Society|Association|Council|Department|Police|Office|County|Sheriff|"
    r"University|College|Hospital|Clinic|Bank|Union|Group|Inc|LLC|Corp|Company|Co\.|Act|Law|Program|"
    r"Unit|Task|Court|Street|Avenue|Road|Boulevard|Drive|Lane|Motel|Hotel|Farms?|Ranch|Nails|Salon|"
    r"Spa|Restaurant|Bar|Club|Shelter|Academy|School|Park|Square|Island|Beach|Lake|River|Valley|Creek|"
    r"Mountain|Heights|Hills|Springs|Falls|Inn|Lodge|Suites|Cantina|Lounge|Cafe|Diner|Grill|Market|Plaza|"
    r"Mall|Store|Shop|Apartments|Village|Homes?|Estates|Foods|Logistics|Staffing|Cleaning|Construction)\b")
ORG_IN = re.compile(rf"^{ORG_WORD}$")
PARTICLES = frozenset("de del la las los da das do dos di van von der den bin binti ibn al el y e".split())
# Pronouns and function words win over any list ("He" is also a Chinese surname, "My" a Vietnamese name).
NEVER_NAMES = frozenset("he she it we they i you his her hers my me us them our your this that the a an and "
                         "or but so if in on at to of for by as is was".split())
MONTHS_DAYS = frozenset(
    "january february march april may june july august september october november december monday tuesday "
    "wednesday thursday friday saturday sunday".split())
_ENGLISH_SUFFIXES = ("tion", "sion", "ment", "ness", "ity", "ing", "ies", "ers", "ed", "ly", "ance", "ence",
                     "ism", "ist", "ists", "ful", "less", "ous", "ive", "able", "ible", "ship", "hood", "ward",
                     "wards", "ize", "ise", "ical", "ery", "ics", "als", "ors")


def looks_english(word: str) -> bool:
    low = fold(word)
    return len(low) > 5 and low.endswith(_ENGLISH_SUFFIXES)



@lru_cache(maxsize=65_536)
def classify(word: str) -> str:
    """What a word is to the name rules. Cached: a pure function of the word over read-only lists (the
    cache is thread-safe, holds strings only and is bounded), called for every word of a scan."""
    lex = lexicon()
    key = fold(word)
    if key in NEVER_NAMES:
        return "common"
    if len(key) == 1:
        return "particle" if word.isupper() else "common"  # an initial lives inside a name, never alone
    if key in PARTICLES:
        return "particle"
    if key in lex.names:
        if key in lex.common or english_word(key, lex):
            return "ambiguous"  # Grace, Key, White, Destiny: a name only with context or the model
        return "place-name" if key in lex.places else "name"
    if key in lex.common or ("-" in key and all(len(p) == 1 or p in lex.common for p in key.split("-"))):
        return "common"
    if key in lex.places:
        return "place"
    if english_word(key, lex):
        # "Derrick", "Cora", "Tamara": a dictionary word that is also one of its capitalized headwords is a
        # name with context or the model, as a listed name that is also a word is
        return "ambiguous" if key in lex.proper and key in lex.english else "common"
    return "unknown"


def english_word(key: str, lex) -> bool:
    """In the dictionary, also inflected ("Capitalized", "Hobbits", "Royals'", "working", "studies")."""
    key = key.removesuffix("'s").removesuffix("’s").rstrip("'’")
    if key in lex.english:
        return True
    if "-" in key:  # "Night-shift", "Built-in", "Cross-border"
        return all(part and (len(part) <= 2 or english_word(part, lex)) for part in key.split("-"))
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



def ordinary_word(word: str) -> bool:
    return classify(word) in ("common", "place") or fold(word) in MONTHS_DAYS


def ends_a_name(word: str) -> bool:
    """Where a name after a cue ends: a function word, or an ordinary word in lowercase."""
    key = fold(word)
    return key in NEVER_NAMES or (word.islower() and ordinary_word(word))


def may_be_name(word: str) -> bool:
    return word[0].isupper() and not (word.isupper() and len(word) > 1) and classify(word) not in (
        "common", "place", "particle")



def joinable(word: str) -> bool:
    """A capitalized word that may belong to a name (pii_mentions): no ordinary word, place or month."""
    return word[0].isupper() and fold(word) not in MONTHS_DAYS and classify(word) in (
        "unknown", "name", "ambiguous", "place-name") and not ORG_IN.match(word)


def listable(word: str) -> bool:
    key = fold(word)
    return word[0].isupper() and key not in MONTHS_DAYS and key not in lexicon().places \
        and key not in lexicon().common and not ORG_IN.match(word)


def capitalize_for_model(word: str) -> str:
    """In a sentence written all in lowercase, whether the model should see ``word`` capitalized: "yes" when
    it is no ordinary word, "beside" (next to such a word) when it is a word that may be a name."""
    if len(word) < 2 or fold(word) in MONTHS_DAYS:
        return "no"
    kind = classify(word)
    return "yes" if kind in ("unknown", "name", "place-name", "place") else "beside" if kind == "ambiguous" else "no"


def dictionary_word(word: str) -> bool:
    """An ordinary word, or one only Webster's headwords also know as a name ("Olive" of "Mount Olive")."""
    kind = classify(word)
    return kind == "common" or (kind == "ambiguous" and (fold(word) not in lexicon().names
                                                         or census_word_name(word)))


def unknown_word(word: str) -> bool:
    return classify(word) == "unknown"


def plain_word(word: str) -> bool:
    return classify(word) == "common" or census_word_name(word)


def name_word(word: str) -> bool:
    """Evidence that a lowercase word the model read as a person is a name: listed (a census name only when
    it is no dictionary word: "page" and "keys" are census surnames too), or a Webster name headword."""
    lex, key = lexicon(), fold(word)
    if key in lex.places or census_word_name(word):
        return False
    return key in lex.names or (key in lex.proper and not english_word(key, lex))


def census_word_name(word: str) -> bool:
    """A census name that is also a dictionary word ("White", "Page", "Keys"): a name only with context,
    and still a word wherever the rules ask whether a word is ordinary English."""
    lex, key = lexicon(), fold(word)
    return lex.names.get(key, "").startswith(CENSUS) and english_word(key, lex)
