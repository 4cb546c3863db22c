"""PURE. Structured identifiers: phones, emails, URLs, IPs, social handles, ID numbers, plates and dates.

Why patterns here and not a model: these kinds have shapes, and a shape is an explanation an author
can check ("looks like a US Social Security number"). Phones go through ``phonenumbers`` (Google's
libphonenumber metadata), because victims' and recruiters' numbers come from every country and a
hand-written regex would either miss a Ghanaian mobile or flag every dollar amount.

Each detector yields ``(start, end, kind, rule)``; anonymizer.py turns them into findings and merges.
"""

from __future__ import annotations

import bisect
import ipaddress
import itertools
import re
from collections.abc import Iterable, Iterator

import phonenumbers
from stdnum import iban, luhn
from stdnum.in_ import aadhaar

Hit = tuple[int, int, str, str]

# Regions tried for numbers written without "+country": the task force's main origin countries.
PHONE_REGIONS = ("US", "MX", "GT", "HN", "SV", "BR", "CO", "NG", "GH", "IN", "RO", "PL", "UA", "ID",
                 "VN", "CN", "JP", "PH", "TH", "GB")

_PHONE_CANDIDATE = re.compile(r"(?<![\w@.\-/])(?:\+|00)?\(?\d[\d \t().\-/]{5,}\d(?!(?!x\d)[\w@])")
_PHONE_SHAPE = re.compile(
    r"^(?:\+\d{1,3}[ .\-]?)?(?:\(\d{2,4}\)|\d{2,4})[ .\-]\d{3,4}[ .\-]?\d{3,4}$|^\+\d{8,14}$|^\+\d{1,3}(?:[ .\-]\d{1,5}){2,5}$")

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,24}\b")
_TLDS = ("com|net|org|info|biz|io|co|me|us|uk|mx|br|ng|gh|in|ro|pl|id|vn|cn|jp|ph|eu|ru|xyz|app|"
         "site|online|club|top|ly|tv|gg|link|live|vip")
_URL = re.compile(
    r"\b(?:https?://|www\.)[^\s<>\"“”]+"
    rf"|(?<![@\w.])[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:{_TLDS})(?:/[^\s<>\"“”]*)?(?![\w@])",
    re.IGNORECASE)
# Naming a platform is context a lesson needs ("ads on megapersonals.eu"); a path points at someone.
_WELL_KNOWN_SITES = frozenset(
    "backpage.com craigslist.org facebook.com instagram.com whatsapp.com snapchat.com tiktok.com "
    "twitter.com x.com telegram.org onlyfans.com megapersonals.eu skipthegames.com listcrawler.com "
    "tinder.com grindr.com gmail.com yahoo.com hotmail.com outlook.com google.com youtube.com "
    "polarisproject.org humantraffickinghotline.org dhs.gov fbi.gov ice.gov".split())

_IPV4 = re.compile(r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?!\d|\.\d)")
_IPV6 = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])")

_PLATFORMS = (r"IG|Insta(?:gram)?|Snap(?:chat)?|SC|TikTok|Twitter|FB|Facebook|WhatsApp|Telegram|WeChat|"
              r"Kik|Line|Discord|OnlyFans|Tinder|Grindr|Skype|Signal|Threads|Reddit|Messenger")
_HANDLE_AT = re.compile(r"(?<![\w.@])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?")
_HANDLE_LABELLED = re.compile(
    rf"\b(?:(?:{_PLATFORMS})(?:\s+(?:handle|account|username|user\s?name|name|ID|profile|page))?\s*[:=]"
    r"|(?i:user\s?name|screen\s?name|handle|gamertag|profile\s+name|account\s+name|display\s+name)"
    r"(?:\s+(?:was|is|of|called|named))?\s*:?)"
    rf"\s*(?:[\"“']([^\"”'\n]{{2,40}})[\"”']|(?!(?:{_PLATFORMS}|username|handle|account)\b)@?([A-Za-z0-9_.]*[A-Za-z0-9_]))")

_ID_KEYWORDS = (
    r"case|docket|file|report|incident|complaint|cause|claim|record|MRN|chart|receipt|booking|inmate|"
    r"badge|ticket|citation|warrant|account|member|patient|policy|reference|ref|tracking|visa|I-94|"
    r"alien(?:\s+registration)?|A-?number|registration|licen[cs]e|DL|passport|ID|identification|"
    r"NIN|BVN|CURP|RFC|CPF|RG|Aadhaar|PAN|PESEL|CNP|NIK|KTP|DNI|c[ée]dula|INE|matr[íi]cula|"
    r"employee|permit|EAD|SEVIS|green\s+card|SSN|social\s+security|SS#|student")
_ID_LABELLED = re.compile(
    rf"(?i:\b(?:{_ID_KEYWORDS}))(?:\s+(?i:number|no\.|num\.|nr\.|card|ID|#)){{0,2}}\s*(?:[:#]|\bis\b|\bwas\b)?\s*"
    r"(#?[A-Z0-9][A-Z0-9\-./]{2,20}[A-Z0-9])\b")
_ID_SHAPES = (
    (re.compile(r"\b(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}\b"), "us-ssn-shape"),
    (re.compile(r"\bA[-#\s]?\d{3}[-\s]?\d{3}[-\s]?\d{2,3}\b"), "a-number-shape"),
    (re.compile(r"\b(?:19|20)\d{2}-[A-Z]{1,4}-\d{2,7}\b"), "case-number-shape"),
    (re.compile(r"\b\d:\d{2}-[a-z]{2,3}-\d{3,6}\b"), "federal-docket-shape"),
    (re.compile(r"\b[A-Z]{2,4}-\d{2,4}-\d{3,7}\b"), "agency-file-shape"),
    (re.compile(r"\b[A-Z]{4}\d{6}[HM][A-Z]{5}[A-Z0-9]\d\b"), "mexican-curp-shape"),
    (re.compile(r"\b\d{3}\.\d{3}\.\d{3}-\d{2}\b"), "brazilian-cpf-shape"),
    (re.compile(r"(?<![\d ])[2-9]\d{3} \d{4} \d{4}(?! ?\d)"), "indian-aadhaar-shape"),
    (re.compile(r"\b[A-Z]{1,2}\d{6,9}\b"), "passport-like-token"),
)
_NOT_IDS = re.compile(r"^(?:I-\d{3}[A-Z]?|H-?2[AB]|J-?1|T-?\d|U-?\d|MS-?13|(?:19|20)\d\d|COVID-?19|\d{1,4})$", re.I)

_PLATE = re.compile(
    r"(?i:\b(?:license\s+plates?|licence\s+plates?|plates?|tags?|placas?|matr[íi]cula))"
    r"(?:\s+(?i:number|no\.|#|reading|reads|read|that\s+read|of|was|is|were)){0,2}\s*[:#,]?\s*[\"“']?"
    r"([A-Z0-9]{1,4}(?:[- ][A-Z0-9]{1,5}){0,2}|[A-Z0-9]{5,8})\b")

_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d{2}"
_WEEKDAY = r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+)?"
_MES = (r"(?:enero|febrero|marzo|abril|mayo|junio|julio|agosto|sept?iembre|octubre|noviembre|diciembre|"
        r"janeiro|fevereiro|março|marco|maio|junho|julho|setembro|outubro|novembro|dezembro)")
_DATES = (
    (re.compile(rf"\b{_WEEKDAY}{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?\b(?!:)"), "month-day"),
    (re.compile(rf"\b{_WEEKDAY}(?:the\s+)?{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?(?![\w])"), "day-month"),
    (re.compile(rf"\b{_MONTH},?\s+(?:of\s+)?{_YEAR}\b"), "month-year"),
    (re.compile(rf"\b{_YEAR}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?:[ T]\d{{2}}:\d{{2}}(?::\d{{2}})?)?\b"),
     "iso-date"),
    (re.compile(r"(?<![\d/.\-])(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})(?![\d/\-]|\.\d)"), "numeric-date"),
    (re.compile(rf"(?<![\d/])(?:0?[1-9]|1[0-2])/{_YEAR}\b"), "numeric-month-year"),
    (re.compile(rf"(?i:\b{_DAY}\s+de\s+{_MES}(?:\s+(?:de|del)\s+{_YEAR})?\b)"), "spanish-portuguese-date"),
)


_EXTENSION = re.compile(r"^\s*(?:x|ext\.?|extension|#)\s*\d{1,6}\b", re.I)
_PHONE_CUE = re.compile(
    r"(?i:\b(?:phone|tel|telephone|mobile|cell|desk|fax|whatsapp|call(?:ed)?(?:\s+me)?(?:\s+at|\s+on)?|text(?:ed)?|"
    r"number|registered|reach\s+(?:me|her|him)\s+(?:at|on)|contact)\b)\s*(?:is|was|number|no\.?)?\s*[:#]?\s*$")
_LOCAL_SHAPE = re.compile(r"^\(?\d{2,4}\)?(?:[ .\-]\d{2,4}){1,4}$|^\d{7,12}$")


def _with_extension(text: str, end: int) -> int:
    """ "1-908-427-8492x012": the extension belongs to the number."""
    m = _EXTENSION.match(text[end:end + 16])
    return end + m.end() if m else end


def find_phones(text: str, claimed: Iterable[Hit] = ()) -> Iterator[Hit]:
    """Phone numbers. ``claimed``: hits of the more specific detectors (a card, an SSN, an IP); a run of
    digits one of them covers whole is not tried as a phone: any phone found inside it would lose the merge
    to that hit, and trying a run of digits in every region is the costliest rule of all."""
    for hit in _phones(text, _covered(claimed)):
        yield hit[0], _with_extension(text, hit[1]), hit[2], hit[3]


def _covered(hits: Iterable[Hit]):
    """Whether [start, end) lies inside one of ``hits``: the furthest end among the hits starting at or
    before ``start`` (a prefix maximum), so a check is one bisection however many hits a text holds."""
    spans = sorted((h[0], h[1]) for h in hits)
    starts = [s for s, _ in spans]
    furthest = list(itertools.accumulate((e for _, e in spans), max))

    def inside(start: int, end: int) -> bool:
        i = bisect.bisect_right(starts, start)
        return i > 0 and furthest[i - 1] >= end
    return inside


def _phones(text: str, covered) -> Iterator[Hit]:
    """Phone numbers valid in some task-force region, else shaped like one (fictional 555 numbers too)."""
    for cand in _PHONE_CANDIDATE.finditer(text):
        raw = cand.group().rstrip(" -./(")
        digits = sum(ch.isdigit() for ch in raw)
        if not 7 <= digits <= 15 or covered(cand.start(), cand.start() + len(raw)):
            continue
        found = False
        if "(0)" in raw and _PHONE_SHAPE.match(raw.strip().replace("(0)", "")):
            yield cand.start(), cand.start() + len(raw.rstrip()), "PHONE", "international-with-trunk-zero"
            continue  # "+41 (0)96 471 07 95": the "(0)" is dialled only from inside the country
        for region in PHONE_REGIONS:
            for m in phonenumbers.PhoneNumberMatcher(raw, region, leniency=phonenumbers.Leniency.VALID):
                where = phonenumbers.region_code_for_number(m.number) or region
                yield cand.start() + m.start, cand.start() + m.end, "PHONE", f"phonenumbers:valid-{where}"
                found = True
            if found:
                break
        bare = raw.strip()
        if found:
            continue
        if _PHONE_SHAPE.match(bare.replace("(0)", "")) and digits >= (9 if raw.startswith("+") else 10):
            yield cand.start(), cand.start() + len(raw.rstrip()), "PHONE", "phone-shaped-digits"
        elif _LOCAL_SHAPE.match(bare) and _PHONE_CUE.search(text, max(0, cand.start() - 40), cand.start()):
            yield cand.start(), cand.start() + len(raw.rstrip()), "PHONE", "digits-after-a-phone-cue"


def find_emails(text: str) -> Iterator[Hit]:
    for m in _EMAIL.finditer(text):
        yield m.start(), m.end(), "EMAIL", "email-address"


def find_urls(text: str) -> Iterator[Hit]:
    """Web addresses; a bare well-known platform domain is kept (it is context, not a pointer)."""
    for m in _URL.finditer(text):
        url = m.group().rstrip(".,;:!?)]}'\"")
        bare = url.lower().removeprefix("www.")
        if "/" not in url and bare in _WELL_KNOWN_SITES:
            continue
        if not m.group().lower().startswith(("http", "www.")) and bare.count(".") == 1 and len(bare) <= 5:
            continue  # "U.S", "a.m"-like fragments are not addresses
        yield m.start(), m.start() + len(url), "URL", "web-address"


def find_ips(text: str) -> Iterator[Hit]:
    for m in _IPV4.finditer(text):
        yield m.start(), m.end(), "IP", "ipv4-address"
    for m in _IPV6.finditer(text):
        token = m.group()
        if token.count(":") >= 2 and any(ch.isalnum() for ch in token):
            try:
                ipaddress.IPv6Address(token)
            except ValueError:
                continue
            yield m.start(), m.end(), "IP", "ipv6-address"


def find_handles(text: str) -> Iterator[Hit]:
    """@names and labelled accounts ("IG: kandi.gurl", "username was 'Lil Mami'")."""
    for m in _HANDLE_AT.finditer(text):
        yield m.start(), m.end(), "HANDLE", "at-handle"
    for m in _HANDLE_LABELLED.finditer(text):
        group = 1 if m.group(1) else 2
        token = m.group(group)
        if token and len(token) >= 3 and (group == 1 or not token.isalpha() or not token.islower()
                                          or len(token) > 3):
            if token.lower() in {"and", "the", "was", "with", "she", "her", "his", "him", "they", "that"}:
                continue
            yield m.start(group), m.end(group), "HANDLE", "labelled-social-account"


def find_ids(text: str) -> Iterator[Hit]:
    """Identity and case numbers: labelled ones ("case #88213", "passport G1234567") and known shapes."""
    for m in _ID_LABELLED.finditer(text):
        token = m.group(1).rstrip(".-/")
        bare = token.lstrip("#")
        digits = sum(ch.isdigit() for ch in bare)
        if _NOT_IDS.match(bare) or digits < 3:
            continue
        hashed = token.startswith("#") or text[m.start(1) - 1:m.start(1)] == "#"
        if bare.isdigit() and len(bare) < 5 and not hashed:
            continue
        start = m.start(1) - 1 if text[m.start(1) - 1:m.start(1)] == "#" else m.start(1)
        yield start, m.start(1) + len(token), "ID", "labelled-identifier"
    for pattern, rule in _ID_SHAPES:
        for m in pattern.finditer(text):
            if rule == "passport-like-token" and _NOT_IDS.match(m.group()):
                continue
            if rule == "indian-aadhaar-shape" and not aadhaar.is_valid(m.group()):
                continue  # Aadhaar numbers carry a Verhoeff check digit
            yield m.start(), m.end(), "ID", rule


_CARD = re.compile(r"(?<![\w\-.])\d(?:[ \-]?\d){11,18}(?![\w\-]|\.\d)")
_IBAN = re.compile(r"\b[A-Za-z]{2}\d{2}(?:[ ]?[A-Za-z0-9]){11,30}\b")
_CARD_CUE = re.compile(r"(?i:\b(?:card|cc|visa|mastercard|maestro|amex|debit|credit)\b[^\n\d]{0,12})$")


def find_accounts(text: str) -> Iterator[Hit]:
    """Payment card numbers that pass the Luhn check and IBANs whose ISO 7064 check digits hold
    (python-stdnum): a checksum tells an account number from any long run of digits."""
    for m in _CARD.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        cued = len(digits) >= 13 or _CARD_CUE.search(text, max(0, m.start() - 30), m.start())
        if 12 <= len(digits) <= 19 and cued and luhn.is_valid(digits) and len(set(digits)) > 1:
            yield m.start(), m.end(), "ID", "luhn-valid-card-number"
    for m in _IBAN.finditer(text):
        candidate = m.group()
        while candidate:  # "GB82 WEST 1234 5698 7654 32 abroad": drop trailing groups until it checks
            if iban.is_valid(candidate.upper()):
                yield m.start(), m.start() + len(candidate), "ID", "iban-with-valid-check-digits"
                break
            candidate = candidate.rsplit(" ", 1)[0] if " " in candidate else ""


def find_plates(text: str) -> Iterator[Hit]:
    for m in _PLATE.finditer(text):
        token = m.group(1).strip()
        compact = token.replace("-", "").replace(" ", "")
        if 4 <= len(compact) <= 8 and any(c.isdigit() for c in compact) and any(c.isalpha() for c in compact):
            yield m.start(1), m.start(1) + len(token), "PLATE", "labelled-vehicle-plate"


def find_dates(text: str) -> Iterator[Hit]:
    """Explicit calendar dates. A bare year is not flagged: lessons carry the case year on purpose."""
    for pattern, rule in _DATES:
        for m in pattern.finditer(text):
            if rule == "numeric-date":
                a, b = int(m.group(1)), int(m.group(2))
                if not ((1 <= a <= 12 and 1 <= b <= 31) or (1 <= b <= 12 and 1 <= a <= 31)):
                    continue
            yield m.start(), m.end(), "DATE", rule


_BEFORE_PHONES = (find_emails, find_urls, find_ips, find_handles, find_ids, find_accounts, find_plates)


def find_structured(text: str) -> list[Hit]:
    """Every structured identifier (emails, web and IP addresses, handles, IDs, cards, plates, phones):
    phones last, told what the more specific detectors already hold."""
    hits = [hit for detect in _BEFORE_PHONES for hit in detect(text)]
    hits.extend(find_phones(text, hits))
    return hits
