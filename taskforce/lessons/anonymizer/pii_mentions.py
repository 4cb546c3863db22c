"""PURE. What one found name tells about the rest of the text, and names written in lowercase.

pii_names decides each capitalized segment on its own; outside text shows three ways a name escapes that:

- **more mentions**: "directed by Joakim Westgård and starring Westgård", "Magnus spent a year ... as the
  assistant to Magnus Poulsen": once a name is found, its other mentions are the same person (``spread``);
- **a partly found name**: the model stops short ("Ubul [Csonka]", "Maika [van de Noort]"); a capitalized
  word that is no ordinary word, joined to a found name by one space, belongs to it;
- **lists**: "our founders: Kónya, Becker and Vasquez": the items of a list with a person in it are people;
- **lowercase**: "follow up with patricia desrosiers", a signature line "naomi ryan". The model reads
  capitals; ``truecased`` gives it a copy of the text (same length, same offsets) where, in sentences with
  no capital letter at all, the words that are no ordinary English word are capitalized, so the model sees
  "follow up with Patricia Desrosiers". Its PERSON entities there count only with evidence: a word that is a
  listed name or one of Webster's capitalized headwords and no ordinary word, or two words no dictionary
  knows ("nijito asano"); lowercase slang ("gonna", "lol") alone never makes a name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

Hit = tuple[int, int, str, str]

WORD = re.compile(r"[^\W\d_][\w'’-]*")
_LOWER_SENTENCE = re.compile(r"[^\n.!?]*(?:[.!?]+(?=\s|$)|\n|$)")
# a word standing alone between spaces or punctuation, not part of an address, a handle or a URL
_LONE_WORD = re.compile(r"(?<![\w@./:#-])[^\W\d_]+(?:['’][^\W\d_]+)?(?![\w@/:#-]|\.\w)")
_CAP = r"(?:[^\W\d_a-z](?:[^\W\d_]|['’-](?=[^\W\d_]))+)"
_ITEM = rf"{_CAP}(?:[ ](?:[A-Z]\.?[ ])?{_CAP})?"
_LIST = re.compile(rf"(?<![\w-]){_ITEM}(?:,[ ]{_ITEM})+,?[ ](?:and|or|&)[ ]{_ITEM}(?![\w-])")
_LIST_ITEM = re.compile(_ITEM)
_JOIN_LEFT = re.compile(rf"(?<![\w'’-])({_CAP})[ ]$")
_JOIN_RIGHT = re.compile(rf"^[ ]({_CAP})\b")


def truecased(text: str, capitalize: Callable[[str], str]) -> str:
    """``text`` with name-like words capitalized, in sentences with no capital letter. ``capitalize(word)``
    says "yes" (no ordinary word), "beside" (a word that may be a name, "benjamin", "bertram": capitalized
    next to a "yes" word, as is a one-letter initial between two) or "no"."""
    out = list(text)
    for m in _LOWER_SENTENCE.finditer(text):
        sentence = m.group()
        if not sentence.strip() or any(c.isupper() for c in sentence):
            continue
        words = list(_LONE_WORD.finditer(sentence))
        verdicts = ["initial" if len(w.group()) == 1 else capitalize(w.group()) for w in words]
        def at(j: int) -> str:
            return verdicts[j] if 0 <= j < len(verdicts) else "no"

        for i, (w, verdict) in enumerate(zip(words, verdicts)):
            beside = "yes" in (at(i - 1), at(i + 1)) or (at(i + 1) == "initial" and at(i + 2) == "yes") \
                or (at(i - 1) == "initial" and at(i - 2) == "yes")
            initial = at(i - 1) in ("yes", "beside") and at(i + 1) in ("yes", "beside") and beside
            if verdict == "yes" or (verdict == "beside" and beside) or (verdict == "initial" and initial):
                upper = w.group()[0].upper()
                if len(upper) == 1:
                    out[m.start() + w.start()] = upper
    return "".join(out)


def lowercase_evidence(words: list[str], name_word: Callable[[str], bool], unknown: Callable[[str], bool],
                       ordinary: Callable[[str], bool]) -> bool:
    """Whether lowercase words the model read as a person may be a name: a listed or Webster-capitalized
    name among them, or at least two words, no ordinary one, one of them a word no dictionary knows."""
    words = [w for w in words if len(w) > 1]
    return any(name_word(w) for w in words) or (
        len(words) >= 2 and any(unknown(w) for w in words) and not any(ordinary(w) for w in words))


def spread(text: str, hits: list[Hit], joinable: Callable[[str], bool],
           listable: Callable[[str], bool], cased: str | None = None) -> Iterator[Hit]:
    """More PERSON hits from the found ones: whole names, other mentions, the rest of a list.
    ``joinable(word)``: a capitalized word that may be part of a name (no ordinary word, place or month);
    ``listable(word)``: one that may be a surname in a list beside a person ("Graves", "Reed", "White"):
    no place, month or word of the project's common-words list. ``cased``: the truecased copy of ``text``
    (same offsets), where a lowercase name is joined as a capitalized one is."""
    cased = cased or text
    people = [h for h in hits if h[2] == "PERSON"]
    if not people:
        return
    for start, end, _, _ in people:
        left, right = _JOIN_LEFT.search(cased, max(0, start - 40), start), _JOIN_RIGHT.match(cased[end:end + 40])
        new_start = left.start(1) if left and joinable(left.group(1)) else start
        new_end = end + right.end(1) if right and joinable(right.group(1)) else end
        if (new_start, new_end) != (start, end):
            yield new_start, new_end, "PERSON", "context:rest-of-a-found-name"
    # the found name's own words (not its titles or particles); one found in lowercase ("olga krylova") is
    # looked for in lowercase, by its words no dictionary knows
    words = {w for h in people for w in WORD.findall(text[h[0]:h[1]]) if len(w) >= 3 and (
        listable(w) or (text[h[0]:h[1]].islower() and joinable(w.capitalize())))}
    if words:
        covered = bytearray(len(text))
        for s, e, _, _ in hits:
            covered[s:e] = b"\x01" * (e - s)
        for m in WORD.finditer(text):  # a token scan, not a pattern of the names: nothing compiled per text
            word = m.group()
            base = word[:-2] if word.endswith(("'s", "’s")) else word.rstrip("'’")
            end = m.start() + len(base)
            if base in words and not any(covered[m.start():end]):
                yield m.start(), end, "PERSON", "context:another-mention-of-a-found-name"
    yield from _lists(text, people, listable)


def _lists(text: str, people: Iterable[Hit], listable: Callable[[str], bool]) -> Iterator[Hit]:
    marks = bytearray(len(text))
    for s, e, _, _ in people:
        marks[s:e] = b"\x01" * (e - s)
    for m in _LIST.finditer(text):
        items = list(_LIST_ITEM.finditer(m.group()))
        if not any(any(marks[m.start() + i.start():m.start() + i.end()]) for i in items):
            continue
        if not all(all(listable(w) for w in WORD.findall(i.group()) if len(w) > 1) for i in items):
            continue  # "Spain, Italy and Greece", "Red, White and Blue": not a list of people
        for i in items:
            yield m.start() + i.start(), m.start() + i.end(), "PERSON", "context:list-with-a-person"
