"""PURE. Addresses and identifying places.

Decision (documented for reviewers): a *specific* place is flagged, a *kind* of place is not.
"the Sunset Motel", "Lucky Nails salon", "Casa Esperanza", "Calle 5 de Mayo #123", "Colonia Roma" and
"123 N Main St Apt 4B" point at one building or block, so they go; "a motel", "the county hospital",
"a farm outside town" are what lessons are made of, so they stay. Countries, states and major cities
stay too (a lesson needs jurisdiction); small towns after "in"/"near" are flagged by pii_names as
LOCATION, because in a town of a few thousand people the town plus the story can identify someone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from taskforce.lessons.anonymizer import pii_streets
from taskforce.lessons.anonymizer.pii_lexicon import fold, lexicon

Hit = tuple[int, int, str, str]

_CAP = r"[A-ZÁÉÍÓÚÑÂÊÔÃÕÇ][\wÀ-ÿ'’\-]*\.?"
_NAME = r"[A-ZÁÉÍÓÚÑÂÊÔÃÕÇ][\wÀ-ÿ'’\-]*"  # one word of a venue's name, never across a full stop
_STREET_SUFFIX = (r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Drive|Dr|Lane|Ln|Court|Ct|Place|Pl|Way|"
                  r"Parkway|Pkwy|Highway|Hwy|Circle|Cir|Terrace|Ter|Trail|Trl|Loop|Pike|Square|Sq|Freeway|"
                  r"Fwy|Expressway|Expy|Row|Path|Crossing|Alley|Cove|Close|Crescent)")
_ABBREVIATIONS = frozenset(
    "St Ave Rd Blvd Dr Ln Ct Pl Pkwy Hwy Cir Ter Trl Sq Fwy Expy N S E W NE NW SE SW Apt Ste Rm".split())
_UNIT = r"(?:,?\s*(?:Apt|Apartment|Unit|Suite|Ste|Rm|Room|Lot|Trailer|Space|Flat|#)\.?\s*#?\s*[A-Z0-9][A-Z0-9\-]{0,5}\b)"
_CITY_TAIL = r"(?:,\s*[A-Z][a-z]+(?:\s[A-Z][a-z]+){0,2},\s*[A-Z]{2}(?:\s+\d{5}(?:-\d{4})?)?\b)"
_US_ADDRESS = re.compile(
    rf"\b(?:No\.?\s*)?\d{{1,6}}[A-Z]?(?:-\d{{1,5}})?\s+(?:(?:N|S|E|W|NE|NW|SE|SW|North|South|East|West)\.?\s+)?"
    rf"(?:(?:{_CAP}|\d{{1,3}}(?:st|nd|rd|th))\s+){{0,4}}{_STREET_SUFFIX}\b\.?"
    rf"(?:\s+(?:N|S|E|W|NE|NW|SE|SW)\b\.?)?{_UNIT}?{_CITY_TAIL}?")
_STREET_NAME = re.compile(
    rf"\b(?:on|off|at|along|near|of|from|to)\s+((?:{_CAP}\s+){{1,3}}"
    r"(?:Street|Avenue|Road|Boulevard|Drive|Lane|Blvd|Ave|St\.|Rd\.|Parkway|Freeway)\b)")
_RURAL_ROAD = re.compile(r"\b(?:County\s+Road|CR|FM|Farm\s+to\s+Market\s+Road|Rural\s+Route|RR|State\s+Road)\s*-?\s*\d{1,4}\b")
_PO_BOX = re.compile(r"\b(?:P\.?\s?O\.?\s?Box|Post\s+Office\s+Box|Apartado(?:\s+Postal)?|Caixa\s+Postal)\s*#?\s*\d{1,6}\b", re.I)
_ZIP = re.compile(r"\b(?:ZIP|zip\s*code|ZIP\s*code|C\.?P\.?|CEP)\s*:?\s*\d{5}(?:-\d{3,4})?\b")
_UNIT_ALONE = re.compile(r"\b(?:Apt|Apartment|Unit|Suite)\.?\s*#?\s*\d+[A-Z]?\b")

_PART = r"(?:de|del|la|las|los|do|da|dos|das|y|e)"
_LATAM_TYPE = (r"(?:Calle|Avenida|Av\.|Avda\.?|Rua|Carrera|Cra\.?|Kra\.?|Calzada|Calz\.|Callej[óo]n|Privada|"
               r"Priv\.|Paseo|Prolongaci[óo]n|Andador|Cerrada|Circuito|Travessa|Alameda|Estrada|Rodovia|"
               r"Transversal|Diagonal|Camino|Carretera|Bulevar|Jir[óo]n|Pasaje)")
_LATAM_WORD = rf"(?:{_CAP}|\d{{1,4}}[A-Z]?(?:\s*-\s*\d{{1,4}})?)"
_LATAM_ADDRESS = re.compile(
    rf"\b{_LATAM_TYPE}\s+(?:{_PART}\s+){{0,2}}{_LATAM_WORD}(?:\s+(?:{_PART}\s+){{0,2}}{_LATAM_WORD}){{0,5}}"
    r"(?:\s*,?\s*(?:#|No\.?|Nº|n[º°]|n[úu]mero|num\.?)\s*\d{1,5}(?:\s*-\s*\d{1,4})?[A-Z]?)?"
    r"(?:,?\s*(?:Int\.?|Interior|Depto\.?|Apto\.?|Casa|Piso)\s*\w{1,5})?")
_NEIGHBORHOOD = re.compile(
    rf"\b(?:Colonia|Col\.|Barrio|Bairro|Vila|Jardim|Fraccionamiento|Fracc\.|Residencial|Urbanizaci[óo]n|"
    rf"Aldea|Caser[íi]o|Vereda|Favela|Comunidade|Morro)\s+(?:{_PART}\s+){{0,2}}{_NAME}"
    rf"(?:\s+(?:{_PART}\s+){{0,2}}{_NAME}){{0,3}}")

_VENUE_CAP = (r"Motel|Hotel|Inn|Lodge|Suites|Salon|Nails|Spa|Massage|Bar|Cantina|Club|Lounge|Restaurant|Cafe|"
              r"Café|Diner|Grill|Buffet|Taqueria|Farm|Farms|Ranch|Dairy|Orchards?|Nursery|Apartments|Apts|"
              r"Plaza|Mall|Market|Mart|Truck\s+Stop|Travel\s+Center|Church|Mosque|Temple|Hospital|Clinic|"
              r"Medical\s+Center|Factory|Warehouse|Laundromat|Car\s+Wash|Trailer\s+Park|Mobile\s+Home\s+Park|"
              r"Estates|Residences|Towers?|Cabaret|Karaoke|Bakery|Packing|Poultry|Seafood|Cannery|"
              r"Landscaping|Construction|Cleaning|Janitorial|Staffing|Beauty|Boutique|Barbershop|Bodega|"
              r"Store|Shop|Shelter|House|Home|Homes|Hostel|Parlor|Gardens|Village|Court\s+Apartments")
_VENUE_LOWER = (r"motel|hotel|salon|nail\s+salon|spa|massage\s+parlou?r|bar|cantina|nightclub|club|"
                r"restaurant|diner|farm|ranch|apartments|apartment\s+complex|complex|truck\s+stop|church|"
                r"factory|warehouse|store|shop|shelter|hostel|brothel|market|plant|orchard|nursery|"
                r"car\s+wash|laundromat|bakery|taqueria")
_VENUE = re.compile(
    rf"\b((?:{_NAME}\s+|&\s+){{0,3}}{_NAME})\s+(?:(?:{_VENUE_CAP})\b(?:\s+(?:{_VENUE_LOWER})\b)?|(?:{_VENUE_LOWER})\b)"
    rf"|\b(?:Motel|Studio|Super)\s+\d+\b|\bCasa\s+{_NAME}(?:\s+(?:{_PART}\s+)?{_NAME})?")
_LEADING_FILLER = frozenset(
    "the a an at in on to from after before when then our their his her its this that by near with for "
    "and but or while once later outside behind inside".split())
# Words in a venue's name that say nothing about which venue it is ("the County Hospital").
_GENERIC = frozenset(fold(w) for w in (
    "the a an at in on to from after before when then our their his her this that county city state "
    "regional general community public memorial children's main local new old big small catholic baptist "
    "methodist pentecostal evangelical lutheran presbyterian orthodox christian muslim hindu buddhist "
    "federal emergency police fire county's family women's youth".split()))


def _venues(text: str) -> Iterator[Hit]:
    for m in _VENUE.finditer(text):
        end = m.end()
        words = list(re.finditer(r"\S+", m.group()))
        # Drop leading sentence-start words ("After", "The") that are not part of the name.
        while words and fold(words[0].group()) in _LEADING_FILLER:
            words.pop(0)
        head = [w.group() for w in words[:-1]]
        if not words or not head and not m.group().startswith(("Motel", "Studio", "Super", "Casa")):
            continue
        if head and all(fold(w) in _GENERIC or fold(w) in lexicon().places for w in head):
            continue
        start = m.start() + words[0].start()
        yield start, end, "LOCATION", "named-venue"


def find_places(text: str) -> Iterator[Hit]:
    """Street addresses (US and Latin-American), PO boxes, neighborhoods and named venues."""
    yield from pii_streets.find_streets(text)
    for m in _US_ADDRESS.finditer(text):
        found = m.group()
        if found.endswith(".") and found[:-1].rsplit(None, 1)[-1] not in _ABBREVIATIONS:
            found = found[:-1]  # "Bell Road." ends a sentence; "Main St." keeps its period
        yield m.start(), m.start() + len(found), "ADDRESS", "street-address"
    for m in _STREET_NAME.finditer(text):
        yield m.start(1), m.end(1), "ADDRESS", "street-name"
    for m in _LATAM_ADDRESS.finditer(text):
        if any(ch.isdigit() for ch in m.group()) or len(m.group().split()) >= 2:
            yield m.start(), m.end(), "ADDRESS", "latin-american-street-address"
    for m in _NEIGHBORHOOD.finditer(text):
        yield m.start(), m.end(), "ADDRESS", "neighborhood-name"
    for pattern, rule in ((_RURAL_ROAD, "rural-road"), (_PO_BOX, "po-box"), (_ZIP, "postal-code"),
                          (_UNIT_ALONE, "apartment-unit")):
        for m in pattern.finditer(text):
            yield m.start(), m.end(), "ADDRESS", rule
    yield from _venues(text)
