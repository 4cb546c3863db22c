"""PURE. Street addresses in the orders they are written in: US, Latin-American, European, multi-line.

Why these rules: an address is a pointer to a door, so a lesson must not carry one, whatever its country.
- US: a house number, up to four words and a street suffix of USPS Publication 28 (all ~200 suffixes and
  their variants, namelists/usps_pub28.txt: "Canyon", "Via", "Fields"), an optional unit designator of the
  same publication ("Apt. 010", "Suite 257"), then the city, state and ZIP as usaddress (a CRF parser
  trained on US addresses, shipping its model) labels them.
- Latin-American and southern European: the street type first ("Retorno Jordania 626 Edif. 573, Depto.
  698", "Rue de Piétrain 371", "ul. Narewska 94", "Via Roma 131").
- Germanic, Nordic and Dutch: the type glued to the name ("Auerstrasse 84", "Hammarvägen 15",
  "Brixtonlaan 380", "Kiannonkatu 98").
- Military (PSC/Unit … Box, APO/FPO/DPO) and post boxes.
- Multi-line: an address block goes on through the short lines after it (unit, city, region, country,
  postal code) until a line that is something else (a label, a phone, a sentence).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import usaddress

Hit = tuple[int, int, str, str]
PUB28 = Path(__file__).with_name("namelists") / "usps_pub28.txt"
# usaddress tags with one module-level python-crfsuite Tagger, whose tag() sets state on the object before
# reading it back: calls from the server's threads take turns.
_PARSER_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _pub28() -> dict[str, tuple[str, ...]]:
    sections: dict[str, list[str]] = {}
    current = ""
    for line in PUB28.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("["):
            current = line.strip("[]")
        elif line:
            sections.setdefault(current, []).extend(line.split())
    return {k: tuple(sorted(set(v), key=len, reverse=True)) for k, v in sections.items()}


_W = r"[A-Za-zÀ-ÿĀ-žΑ-ω][\wÀ-ÿĀ-žΑ-ω'’\-]*"
_CAPW = r"(?:[A-ZÀ-ÞĀ-ŽΑ-Ω0-9][\wÀ-ÿĀ-žΑ-ω'’\-]*\.?)"
_NUM = r"\d{1,6}[A-Za-z]?(?:-\d{1,5})?"
_DIR = r"(?:N|S|E|W|NE|NW|SE|SW|North|South|East|West)\.?"
_PREFIX_TYPES = (r"rue|avenue|av\.?|avda\.?|avenida|via|viale|vicolo|piazza|piazzale|corso|largo|calle|c/|"
                 r"ul\.|ulica|al\.|aleja|rua|rúa|r\.|plac|pl\.|strada|str\.|chemin|place|boulevard|bd\.?|"
                 r"trg|retorno|cerrada|privada|priv\.|carrera|cra\.?|paseo|pasaje|camino|carretera|calzada|"
                 r"callejón|prolongación|andador|circuito|travessa|alameda|estrada|praça|praca|largo|"
                 r"λ\.|οδός|οδος|leoforos|ulitsa|prospekt|piac|tér|út|utca")
_GLUED = (r"strasse|straße|gasse|weg|laan|straat|steeg|vägen|väg|gatan|gata|gade|vej|veien|vegen|veg|gate|"
          r"katu|kuja|tie|polku|allee|platz|ring|dijk|gracht|plein|kade|singel|braut|stræti|straeti|stígur|"
          r"vegur|gränd|torg|torget|utca|útja")
_UNIT_WORDS = r"apt|apartment|suite|ste|unit|flat|floor|fl|room|rm|bldg|building|lot|trailer|trlr|space|spc|edif|depto|dpto|apto|int|interior|piso|no|#"
_UNIT = rf"(?:[,\s]+(?i:{_UNIT_WORDS})\.?\s*#?\s*\d{{1,5}}[A-Za-z]?\b)"


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern, ...]:
    tables = _pub28()
    suffix = "|".join(re.escape(w) for w in tables["suffix"])
    units = "|".join(re.escape(w) for w in tables["unit"])
    unit = rf"(?:[,\s]+(?i:{units}|{_UNIT_WORDS})\.?\s*#?\s*[A-Za-z]?\d{{1,5}}[A-Za-z]?\b)"
    us = re.compile(
        rf"\b{_NUM}\s+(?:{_DIR}\s+)?(?:(?:{_CAPW}|\d{{1,3}}(?:st|nd|rd|th))\s+){{0,4}}(?i:{suffix})\b\.?"
        rf"(?:\s+{_DIR}(?!\w))?{unit}*")
    prefix = re.compile(
        rf"(?:\b\d{{1,6}}[ \t]+)?(?<![\w.])(?i:{_PREFIX_TYPES})[ \t]+(?:{_W}\.?[ \t]+){{0,5}}?(?:{_NUM}|s/n)\b{_UNIT}*"
        rf"|(?:\b\d{{1,6}}[ \t]+)?\b\d{{1,4}}[ \t]+(?i:{_PREFIX_TYPES})[ \t]+(?:{_W}\.?[ \t]*){{1,5}}\b")
    glued = re.compile(
        rf"(?:\b\d{{1,6}}[ \t]+)?\b(?:{_CAPW}[ \t]+){{0,2}}[A-Za-zÀ-ÿĀ-ž\-]*(?i:{_GLUED})[ \t]+{_NUM}\b\.?{_UNIT}*")
    military = re.compile(
        r"(?i:\b(?:PSC|CMR|Unit)\s+\d{3,5},?\s+Box\s+\d{3,5}|\b(?:USNS|USNV|USS|USCGC)\s+[A-Z][a-z]+|"
        r"\b(?:APO|FPO|DPO)\s+(?:AA|AE|AP)\s+\d{5}|\b(?:P\.?\s?O\.?\s?Box|Postbox|Post\s+Office\s+Box|"
        r"Apartado(?:\s+Postal)?|Caixa\s+Postal)\s*#?\s*\d{1,6})\b")
    unit_alone = re.compile(r"\b(?:Apt|Apartment|Suite|Ste|Unit|Flat|Trailer|Trlr|Edif|Depto|Dpto|Apto)\.?\s*#?\s*\d{1,5}[A-Za-z]?\b")
    # Name then number with a unit after it ("Edeby 55\n Apt. 297", "Brisas 6802, Suite 084"): any order
    # of street and number is an address once a unit designator follows.
    named_unit = re.compile(
        rf"(?:\b\d{{1,6}}[ \t]+)?\b(?:{_CAPW}[ \t]+){{1,3}}\d{{1,5}}[A-Za-z]?(?=[ \t]*(?:,|\n)?[ \t]*(?i:{units}|apt)\.?\s*#?\d)"
        rf"{unit}+")
    postal = re.compile(r"(?i:\b(?:zip(?:\s*code)?|postal\s+code|post\s*code|postcode|c\.p\.|cep)\s*[:#]?\s*)"
                        r"([A-Z0-9]{2,5}(?:[ \-][A-Z0-9]{2,4})?)\b")
    return us, prefix, glued, military, unit_alone, named_unit, postal


@lru_cache(maxsize=1)
def _triggers() -> dict:
    """For the rules whose pattern is costly to try at every word, where the part every match of it contains
    occurs (the street type): the pattern is then tried only just before those places. A lesson seldom holds
    "Rue " or "-strasse 12", so most text is never tried at all. A rule not named here is tried everywhere."""
    prefix_type = re.compile(rf"(?<![\w.])(?i:{_PREFIX_TYPES})[ \t]")
    glued_end = re.compile(rf"(?i:{_GLUED})[ \t]*\Z")

    def prefix(text: str) -> Iterator[int]:
        return (m.start() for m in prefix_type.finditer(text))

    def glued(text: str) -> Iterator[int]:  # a number after a word whose end is a glued street type
        for m in _SPACE_DIGIT.finditer(text):
            if glued_end.search(text, max(0, m.start() - 16), m.start() + 1):
                yield m.start()

    return {"street-type-first": prefix, "street-type-glued": glued}


_SPACE_DIGIT = re.compile(r"[ \t]\d")
_REACH = 200  # how far before its trigger a match may start: a house number and a few words of the name
_AFTER = 1_000  # how far after it the start of a match is looked for (the match itself may go on further)


def _matches(pattern: re.Pattern, trigger, text: str) -> Iterator[re.Match]:
    """``pattern.finditer(text)``, tried only near the places ``trigger`` names when there is one. Each
    search looks at a bounded window, so a trigger with no match near it costs that window, not the rest of
    the text; a text full of triggers ("place place place …") is searched the plain way instead."""
    places = [] if trigger is None else list(trigger(text))
    if trigger is None or len(places) * (_REACH + _AFTER) > len(text):
        yield from pattern.finditer(text)
        return
    done = 0
    for at in places:
        if at < done:
            continue
        window_end = min(len(text), at + _AFTER)
        m = pattern.search(text, max(done, at - _REACH), window_end)
        if m and m.end() == window_end < len(text):  # it may go on past the window: search unbounded
            m = pattern.search(text, max(done, at - _REACH))
        if m and m.start() <= at:
            done = max(m.end(), m.start() + 1)
            yield m


_RULES = ("us-street-address-pub28", "street-type-first", "street-type-glued", "military-or-post-box",
          "unit-designator", "street-number-and-unit", "labelled-postal-code")
_ADDRESS_LABELS = frozenset(usaddress.LABELS) - {"Recipient", "NotAddress", "LandmarkName", "CountryName",
                                                  "BuildingName", "CornerOf", "IntersectionSeparator"}
_BLOCK_LINE = re.compile(
    r"^[ \t>?*]*(?:,\s*)?(?:[A-ZÀ-ÞĀ-ŽΑ-Ω0-9(][^\n:@]{0,44}|,\s*[A-Z]{2}[^\n:@]{0,12})$")
_NOT_BLOCK = re.compile(r"(?i:\b(?:mobile|desk|fax|phone|tel|e-?mail|website|www|http)\b)|\d{3}[ .\-]\d{3}[ .\-]\d{3,4}")


def _us_tail(text: str, start: int, end: int) -> int:
    """Extend a US street through its unit, city, state and ZIP as usaddress labels the whole line."""
    window = re.split(r"\n|[;!?](?:\s|$)|\.(?=\s+[A-Z]|$)", text[start:end + 60], maxsplit=1)[0]
    if len(window) <= end - start or not re.match(r"^[,\s]", window[end - start:]):
        return end
    try:
        with _PARSER_LOCK:
            tokens = usaddress.parse(window)
    except Exception:  # noqa: BLE001 - the parser's own errors on odd input mean "no tail"
        return end
    pos = last = 0
    for token, label in tokens:
        found = window.find(token, pos)
        if found < 0 or label not in _ADDRESS_LABELS:
            break
        pos = last = found + len(token)
        if label == "ZipCode":
            break  # the ZIP closes a US address; what the parser calls more after it is the sentence
    tail = window[end - start:last]
    if last > end - start and re.search(r"\b\d{5}(?:-\d{4})?\b|\b[A-Z]{2}\b", tail):
        return start + len(window[:last].rstrip(" ,."))
    return end


def _block_line(line: str) -> bool:
    return bool(line.strip()) and bool(_BLOCK_LINE.match(line)) and not _NOT_BLOCK.search(line) \
        and len(line.split()) <= 6


def _firm_block_line(line: str) -> bool:
    """A line that can only be part of an address: a postal code, a unit, a region code, capitals."""
    bare = line.strip(" \t>?*")
    return bool(re.search(r"\d", bare) or bare.startswith(",") or (bare.isupper() and len(bare) > 2))


def _block_end(text: str, end: int) -> int:
    """Follow an address block over the next short lines (unit, city, region, country, postal code)."""
    lines = 0
    while lines < 6:
        rest = text[end:end + 80]
        same = re.match(r"^,[ \t]*(?=[A-ZÀ-ÞĀ-ŽΑ-Ω0-9])[^\n,.;:!?]{1,40}", rest)  # ", OULU" on the same line
        if same and not _NOT_BLOCK.search(same.group()) and len(same.group().split()) <= 4:
            end, lines = end + len(same.group().rstrip()), lines + 1
            continue
        m = re.match(r"^[ \t,]*\n(?:[ \t]*\n)?", rest)
        if not m:
            return end
        start = end + m.end()
        line_end = text.find("\n", start)
        line_end = len(text) if line_end < 0 else line_end
        line = text[start:line_end]
        if not _block_line(line):
            return end
        if not _firm_block_line(line):  # "Riisa": a bare name line belongs only if the block goes on after it
            following = next((ln for ln in text[line_end + 1:line_end + 120].split("\n")[:2] if ln.strip()), "")
            if not (_block_line(following) and _firm_block_line(following)):
                return end
        end, lines = start + len(line.rstrip()), lines + 1
    return end


def find_streets(text: str) -> Iterator[Hit]:
    for pattern, rule in zip(_patterns(), _RULES):
        for m in _matches(pattern, _triggers().get(rule), text):
            end = m.end()
            if text[end - 1:end] == "." and rule != "military-or-post-box":
                end -= 1 if not re.search(r"\b(?:[A-Z][a-z]{0,3}|\d+)\.$", m.group()) else 0
            if rule == "us-street-address-pub28":
                end = _us_tail(text, m.start(), end)
            if rule == "labelled-postal-code":
                yield m.start(1), m.end(1), "ADDRESS", rule
                continue
            if rule != "unit-designator":
                end = _block_end(text, end)
            yield m.start(), end, "ADDRESS", rule
