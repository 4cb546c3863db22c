"""Finding services: filters from a shareable URL and the search query (one page + a capped count), through
one entry point, `find(viewer, filters, now)`, which hands back what the viewer may see of each result.
"""
from dataclasses import dataclass, field, fields, replace
from datetime import datetime

from sqlalchemy import and_, bindparam, func, literal, or_, select

from taskforce.auth.validation import clean_text
from taskforce.directory import listings, presenting, ranking, search
from taskforce.directory.languages import is_language_code
from taskforce.directory.models import Service, ServiceCategory, ServiceHours, ServiceLanguage
from taskforce.directory.taxonomy import CATEGORIES, GENDERS
from taskforce.errors import ValidationError
from taskforce.extensions import db

PAGE_SIZE = 25
# Matches are counted up to the next hundred past the page shown ("100+"): past that, a list asks for a
# narrower search rather than a count, and every match counted is a row read.
COUNT_STEP = 100
MAX_PAGE = 2000
LISTED_STATUSES = ("active", "temporarily closed")
SERVES = {"minors": "Serves minors (under 18)", "adults": "Serves adults (18+)"}
SEARCHABLE_TRAFFICKING = ("sex", "labor")
_TRUE = ("1", "on", "true", "yes")


@dataclass(frozen=True)
class Filters:
    q: str = ""
    category: str = ""
    language: str = ""
    open_now: bool = False
    always_open: bool = False
    serves: str = ""
    area: str = ""
    has_capacity: bool = False
    gender: str = ""
    trafficking: str = ""
    page: int = 1

    def args(self, **changes) -> dict:
        """URL parameters of these filters (only the set ones), with `changes` applied — for links and chips."""
        values = {f.name: getattr(self, f.name) for f in fields(self)} | changes  # asdict deep-copies: slow
        return {k: ("1" if v is True else v) for k, v in values.items() if v not in ("", False, None) and
                not (k == "page" and v == 1)}

    @property
    def any(self) -> bool:
        return bool(self.args(page=1))


def _choice(args, name: str, allowed, label: str) -> str:
    value = args.get(name) or ""
    if not isinstance(value, str) or (value and value not in allowed):
        raise ValidationError(f"Unknown {label}: choose one from the list.", field=name)
    return value


def parse_filters(args) -> Filters:
    """Filters from GET parameters (a page URL or the API); an unknown value is a clear 400, not a guess."""
    language = (args.get("language") or "").strip().lower()
    if language and not is_language_code(language):
        raise ValidationError("Unknown language: use an ISO 639-1 code such as es.", field="language")
    try:
        page = int(args.get("page") or 1)
    except (TypeError, ValueError):
        raise ValidationError("The page must be a number.", field="page") from None
    if not 1 <= page <= MAX_PAGE:
        raise ValidationError(f"The page must be between 1 and {MAX_PAGE}.", field="page")
    return Filters(
        q=clean_text(args.get("q"), "q", "Search", max_length=200, required=False),
        category=_choice(args, "category", CATEGORIES, "category"),
        language=language,
        open_now=str(args.get("open_now", "")).lower() in _TRUE,
        always_open=str(args.get("always_open", "")).lower() in _TRUE,
        serves=_choice(args, "serves", SERVES, "age group"),
        area=clean_text(args.get("area"), "area", "Area", max_length=100, required=False),
        has_capacity=str(args.get("has_capacity", "")).lower() in _TRUE,
        gender=_choice(args, "gender", GENDERS, "gender"),
        trafficking=_choice(args, "trafficking", SEARCHABLE_TRAFFICKING, "trafficking type"),
        page=page,
    )


def _listed(column, value: str):
    """A comma-separated list column contains `value` (wrapped in commas so "male" never matches "female")."""
    return (literal(",") + column + literal(",")).like(f"%,{value},%")


def _zones_in_use() -> list[str]:
    """The distinct time zones of the directory, read as a skip scan over the time-zone index (one step per
    zone, however many services share it), not a pass over every service."""
    zones = select(func.min(Service.timezone).label("zone")).cte("zones", recursive=True)
    following = select(select(func.min(Service.timezone)).where(Service.timezone > zones.c.zone).scalar_subquery())
    zones = zones.union_all(following.where(zones.c.zone.is_not(None)))
    return [zone for zone in db.session.scalars(select(zones.c.zone)).all() if zone is not None]


def _open_now_clause(zones: tuple[str, ...]):
    """Open at the clock of `_clock_params`: 24/7, or an interval covering the local time in the service's
    own zone (the SQL twin of search.interval_covers; one branch per time zone in use, which are few). The
    clock is bound (`open_day0`, `open_time0`, …), so one statement serves every minute. EXISTS per service,
    so a page ordered by name stops after its 25 rows instead of listing every open service first."""
    branches = [Service.open_24_7.is_(True)]
    for index, zone_name in enumerate(zones):
        weekday = bindparam(f"open_day{index}", type_=ServiceHours.weekday.type)
        yesterday = bindparam(f"open_yesterday{index}", type_=ServiceHours.weekday.type)
        hhmm = bindparam(f"open_time{index}", type_=ServiceHours.opens_at.type)
        overnight = ServiceHours.closes_at < ServiceHours.opens_at
        covering = select(ServiceHours.id).where(ServiceHours.service_id == Service.id, or_(
            and_(ServiceHours.weekday == weekday, ServiceHours.opens_at <= hhmm,
                 or_(ServiceHours.closes_at > hhmm, overnight)),
            and_(ServiceHours.weekday == yesterday, overnight, ServiceHours.closes_at > hhmm)))
        branches.append(and_(Service.timezone == zone_name, covering.exists()))
    return or_(*branches)


def _clock_params(zones: tuple[str, ...], now: datetime) -> dict:
    """The bound clock of `_open_now_clause`: each zone's local weekday (and the day before) and "HH:MM"."""
    params = {}
    for index, zone_name in enumerate(zones):
        weekday, hhmm = search.local_clock(zone_name, now)
        params.update({f"open_day{index}": weekday, f"open_yesterday{index}": (weekday - 1) % 7,
                       f"open_time{index}": hhmm})
    return params


def _conditions(filters: Filters, now: datetime) -> ranking.Conditions:
    """The SQL conditions of the filters (not the query words), keyed by their value: the filters without
    words and page and, for "open now", the known time zones in use; the clock is bound, not part of the key."""
    steady = replace(filters, q="", page=1)
    if not filters.open_now:
        return ranking.Conditions((steady,), lambda: _filter_conditions(steady, ()))
    zones = tuple(zone for zone in _zones_in_use() if search.zone(zone) is not None)
    return ranking.Conditions((steady, zones), lambda: _filter_conditions(steady, zones),
                              _clock_params(zones, now))


def _is_listed():
    """The service's status is one a list shows. Each value is a parameter of its own: a list given to IN is
    one "expanding" parameter, for which SQLAlchemy renders the statement's text again at every execution."""
    return Service.status.in_([literal(status) for status in LISTED_STATUSES])


def _filter_conditions(filters: Filters, zones: tuple[str, ...]) -> list:
    conditions = [_is_listed()]
    if filters.category:
        conditions.append(Service.id.in_(select(ServiceCategory.service_id)
                                         .where(ServiceCategory.category == filters.category)))
    if filters.language:
        conditions.append(Service.id.in_(select(ServiceLanguage.service_id)
                                         .where(ServiceLanguage.code == filters.language)))
    if filters.always_open:
        conditions.append(Service.open_24_7.is_(True))
    if filters.open_now:
        conditions.append(_open_now_clause(zones))
    if filters.serves == "minors":
        conditions.append(or_(Service.min_age.is_(None), Service.min_age < 18))
    if filters.serves == "adults":
        conditions.append(or_(Service.max_age.is_(None), Service.max_age >= 18))
    if filters.has_capacity:
        conditions.append(Service.capacity_available > 0)
    if filters.gender:
        conditions.append(or_(Service.genders == "", _listed(Service.genders, filters.gender)))
    if filters.trafficking:
        conditions.append(or_(Service.trafficking_types == "", _listed(Service.trafficking_types, filters.trafficking),
                              _listed(Service.trafficking_types, "both"), _listed(Service.trafficking_types, "unknown")))
    if filters.area:
        pattern = "%" + filters.area.lower().replace("\\", "").replace("%", "").replace("_", "") + "%"
        conditions.append(func.lower(Service.service_area).like(pattern))
    return conditions


def _by_name(conditions: ranking.Conditions, offset: int, limit: int):
    return (select(Service.id).where(*conditions).order_by(Service.name, Service.id)
            .offset(ranking.literal_limit(offset)).limit(ranking.literal_limit(limit)))


def _capped(found: int, cap: int) -> tuple[int, bool]:
    """(count, capped) from a count read up to cap + 1."""
    return min(found, cap), found > cap


@dataclass(frozen=True)
class ResultPage:
    """One page of services as found, before what a viewer may see of them is applied (`find` applies it):
    `total` is exact unless `capped`, when it means "at least this many". `details` holds each service's
    categories, languages and hours, read as plain rows for the page."""

    services: list
    total: int
    capped: bool = False
    details: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Found:
    """One page of search results as `viewer` may see them (`presenting.present`: no confidential site's
    address outside its organization), with the count of all matches (exact unless `capped`)."""

    services: list[dict]
    total: int
    capped: bool = False


def find(viewer, filters: Filters, now: datetime, page_size: int = PAGE_SIZE) -> Found:
    """The directory's search: one page of the services matching `filters` at `now`, as `viewer` may see
    them. Every list of services (the search page, the JSON API, the partner map's pathways) comes through
    here, so none can hand on a confidential street address by forgetting to present it."""
    page = _page_of(filters, now, page_size)
    return Found([presenting.present(service, viewer, now, page.details.get(service.id)) for service in page.services],
                 page.total, page.capped)


def _page_of(filters: Filters, now: datetime, page_size: int) -> ResultPage:
    """One page of matching services (best matches first when searching, else by name) and a count, capped
    at COUNT_STEP past the page so a common word does not cost a pass over every match. A full page reads
    its count with its rows, unless the ranking read every match anyway and knows it; a page that is not
    full (and not past the end) is the end of the matches, whose count needs no query."""
    conditions = _conditions(filters, now)
    terms = search.query_terms(filters.q)
    words = ranking.shape(terms)  # each computed once, for the ranking and the count alike
    params = {**conditions.params, **ranking.word_params(terms)}
    offset = (filters.page - 1) * page_size
    known = None  # how many match, when already known: the ranking read them all, or the page is short
    if terms:
        ids, known = ranking.ranked_page(words, params, conditions, offset, page_size)
    else:
        ids = ranking.first_column(ranking.statement(_by_name, conditions, offset, page_size), params)
    # Matches are counted up to the next COUNT_STEP past the end of this page ("100+").
    cap = COUNT_STEP * ((offset + page_size) // COUNT_STEP + 1)
    count = ranking.MatchCount(conditions, words, params, cap + 1)
    if not ids and offset == 0:
        return ResultPage([], 0)
    if ids and len(ids) < page_size:  # a short page is the end of the matches
        known = offset + len(ids)
    page, details, found = [], {}, None
    if ids:  # a full page whose count is not known reads it with its rows
        page, details, found = listings.listings(ids, None if known is not None else count, params)
    if found is None:  # known, past the end, or every service of the page went away in between
        found = known if known is not None else ranking.count_matches(count)
    return ResultPage(page, *_capped(found, cap), details)


def stale_services(viewer, now: datetime, limit: int = 50) -> list:
    """The viewer's organization's entries nobody confirmed for 90 days (for the banner on the directory):
    (id, name) rows, all the banner shows."""
    return db.session.connection().execute(ranking.statement(_stale_statement, limit), {
        "organization_id": viewer.organization_id, "cutoff": now - search.STALE_AFTER}).all()


def _stale_statement(limit: int):
    cutoff = bindparam("cutoff", type_=Service.last_verified_at.type)
    return (select(Service.id, Service.name)
            .where(Service.organization_id == bindparam("organization_id"), _is_listed(),
                   or_(Service.last_verified_at.is_(None), Service.last_verified_at < cutoff))
            .order_by(Service.name).limit(ranking.literal_limit(limit)))
