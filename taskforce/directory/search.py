"""PURE: the directory's search and time rules on plain data — words, ranking weights, "open now", staleness.

Full-text search works the same on SQLite and PostgreSQL through a small inverted index (one row per service
and word, with a weight): a word in the service's name weighs more than one in its organization's name, which
weighs more than one in the description, so name matches rank first. The SQL query sums these weights; the
rules for which words exist and what they weigh live here so they can be tested without a database.

Opening hours are weekly intervals in the service's own IANA time zone. "HH:MM" strings compare in clock
order, "24:00" closes at midnight, and an interval whose closing time is earlier than its opening time runs
overnight into the next day.
"""
import re
import unicodedata
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

NAME_WEIGHT = 8
ORGANIZATION_WEIGHT = 3
DESCRIPTION_WEIGHT = 1
MAX_TERM_LENGTH = 40
MAX_DESCRIPTION_TERMS = 60
MAX_QUERY_TERMS = 6
PREFIX_MIN_LENGTH = 3  # shorter query words must match a whole word
STALE_AFTER = timedelta(days=90)

STOP_WORDS = frozenset(
    "a an and are as at be by for from has have in is it its of on or our the their this to we with you your "
    "y de la el los las del en para por con".split()
)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def fold(text: str) -> str:
    """Lower-case and strip accents, so "Médica" is found by "medica" (the index and queries both fold)."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def words(text: str) -> list[str]:
    """The searchable words of a text, folded, in order, without stop words or over-long tokens."""
    return [w[:MAX_TERM_LENGTH] for w in _WORD.findall(fold(text)) if w not in STOP_WORDS]


def index_terms(name: str, organization_name: str, description: str) -> dict[str, int]:
    """Word → weight for one service. A word in several fields adds up (name + description beats name)."""
    terms: dict[str, int] = {}
    for field_words, weight in ((words(name), NAME_WEIGHT), (words(organization_name), ORGANIZATION_WEIGHT),
                                (words(description)[:400], DESCRIPTION_WEIGHT)):
        for word in set(field_words):
            terms[word] = terms.get(word, 0) + weight
    description_only = [w for w, weight in terms.items() if weight == DESCRIPTION_WEIGHT]
    if len(description_only) > MAX_DESCRIPTION_TERMS:  # keep the index small: long texts keep their longest words
        dropped = sorted(description_only, key=lambda w: (-len(w), w))[MAX_DESCRIPTION_TERMS:]
        for word in dropped:
            del terms[word]
    return terms


def query_terms(query: str) -> list[str]:
    """The distinct words of a search query (at most MAX_QUERY_TERMS), in the order typed."""
    seen: list[str] = []
    for word in words(query):
        if word not in seen:
            seen.append(word)
    return seen[:MAX_QUERY_TERMS]


def term_range(word: str) -> tuple[str, str | None]:
    """The index range a query word matches: the word as a prefix when long enough, else the exact word.

    Returns (low, high) for `low <= term < high`, or (word, None) for equality. A range on the term index is
    what keeps a search fast at 50,000 services on both databases (no LIKE scan)."""
    if len(word) < PREFIX_MIN_LENGTH:
        return word, None
    return word, word[:-1] + chr(ord(word[-1]) + 1)


def name_matches_rank_first(term_count: int) -> bool:
    """Whether every service with a query word in its name outscores every service without one.

    The lowest score with a name match (one word in the name, the others only in descriptions) against the
    highest without (every word in both the organization's name and the description). True for one or two
    words: the search then ranks the few name matches alone and reads the long tail only when the page
    reaches past them."""
    lowest_named = NAME_WEIGHT + (term_count - 1) * DESCRIPTION_WEIGHT
    highest_unnamed = term_count * (ORGANIZATION_WEIGHT + DESCRIPTION_WEIGHT)
    return lowest_named > highest_unnamed


def sure_score(term_count: int) -> int:
    """The lowest score of a service named after every query word (for one word: a name row heavier than a
    bare name). Only strong candidates (`strong_name_weight`) can reach it, so a page of services that all
    reach it is final without scoring every service that merely has a query word in its name."""
    assert term_count in (1, 2), "name matches rank first for one or two words only"
    return NAME_WEIGHT + DESCRIPTION_WEIGHT if term_count == 1 else term_count * NAME_WEIGHT


def strong_name_weight(term_count: int) -> int:
    """The weight of a name row that makes its service a strong candidate, whatever its other words: a
    service with only one query word in its name, lighter than this, scores less than `sure_score` even with
    the other word in both its organization's name and its description."""
    return sure_score(term_count) - (term_count - 1) * (ORGANIZATION_WEIGHT + DESCRIPTION_WEIGHT)


def rank(scored: list[tuple[str, int]]) -> list[str]:
    """Order (name, score) pairs as the search does: higher score first, then by name."""
    return [name for name, _ in sorted(scored, key=lambda pair: (-pair[1], fold(pair[0])))]


def is_clock(value) -> bool:
    """A valid opening time "HH:MM" (00:00–23:59); closing times may also be "24:00"."""
    return isinstance(value, str) and bool(_CLOCK.match(value))


def zone(name: str) -> ZoneInfo | None:
    """The IANA time zone, or None when the name is unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return None


def local_clock(timezone: str, now: datetime) -> tuple[int, str] | None:
    """(weekday 0=Monday, "HH:MM") of the aware instant `now` in `timezone`, or None for an unknown zone."""
    tz = zone(timezone)
    if tz is None:
        return None
    local = now.astimezone(tz)
    return local.weekday(), local.strftime("%H:%M")


def interval_covers(weekday: int, opens: str, closes: str, at_weekday: int, at_clock: str) -> bool:
    """Whether one weekly interval is open at (at_weekday, at_clock). Mirrors the SQL in `finder`."""
    overnight = closes < opens
    if weekday == at_weekday and opens <= at_clock and (closes > at_clock or overnight):
        return True
    return overnight and (weekday + 1) % 7 == at_weekday and at_clock < closes


def is_open_now(hours, open_24_7: bool, timezone: str, now: datetime) -> bool:
    """Whether a service is open at `now`. `hours` are (weekday, opens_at, closes_at) triples in local time."""
    if open_24_7:
        return True
    clock = local_clock(timezone, now)
    if clock is None:
        return False
    return any(interval_covers(day, opens, closes, *clock) for day, opens, closes in hours)


def is_stale(last_verified_at: datetime | None, now: datetime) -> bool:
    """An entry nobody confirmed for 90 days (or ever) may send a survivor to a closed door: flag it."""
    return last_verified_at is None or now - last_verified_at > STALE_AFTER


def ago(then: datetime | None, now: datetime) -> str:
    """"5 minutes ago"-style text for "capacity updated" and "last verified"."""
    if then is None:
        return "never"
    seconds = max(0, int((now - then).total_seconds()))
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "just now"
