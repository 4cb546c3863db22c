"""Finding services: filters from a shareable URL, the search query (one page + a capped count), and what a
viewer may see of each result.

Every page and the JSON API show services through `present`, so the confidentiality rule (a confidential
site shows only its city and phone outside its organization) is applied in one place.
"""
from dataclasses import asdict, dataclass, field
from datetime import datetime
from functools import lru_cache

from sqlalchemy import and_, func, literal, literal_column, or_, select, union_all
from sqlalchemy.orm import aliased, lazyload

from taskforce.auth.validation import clean_text
from taskforce.directory import search, validation
from taskforce.directory.languages import is_language_code, language_name
from taskforce.directory.models import Service, ServiceCategory, ServiceHours, ServiceLanguage, ServiceTerm
from taskforce.directory.services import can_edit, may_see_address
from taskforce.directory.taxonomy import CATEGORIES, GENDERS, TRAFFICKING_TYPES, WEEKDAYS, category_label
from taskforce.errors import ValidationError
from taskforce.extensions import db

PAGE_SIZE = 25
COUNT_STEP = 1000  # matches are counted up to the next thousand past the page shown ("1,000+")
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
        values = asdict(self) | changes
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


def _open_now_clause(now: datetime):
    """Open at `now`: 24/7, or an interval covering the local time in the service's own zone (the SQL twin
    of search.interval_covers; one branch per time zone in use, which are few). EXISTS per service, so a page
    ordered by name stops after its 25 rows instead of listing every open service first."""
    branches = [Service.open_24_7.is_(True)]
    for zone_name in _zones_in_use():
        clock = search.local_clock(zone_name, now)
        if clock is None:
            continue
        weekday, hhmm = clock
        overnight = ServiceHours.closes_at < ServiceHours.opens_at
        covering = select(ServiceHours.id).where(ServiceHours.service_id == Service.id, or_(
            and_(ServiceHours.weekday == weekday, ServiceHours.opens_at <= hhmm,
                 or_(ServiceHours.closes_at > hhmm, overnight)),
            and_(ServiceHours.weekday == (weekday - 1) % 7, overnight, ServiceHours.closes_at > hhmm)))
        branches.append(and_(Service.timezone == zone_name, covering.exists()))
    return or_(*branches)


def _conditions(filters: Filters, now: datetime) -> list:
    conditions = [Service.status.in_(LISTED_STATUSES)]
    if filters.category:
        conditions.append(Service.id.in_(select(ServiceCategory.service_id)
                                         .where(ServiceCategory.category == filters.category)))
    if filters.language:
        conditions.append(Service.id.in_(select(ServiceLanguage.service_id)
                                         .where(ServiceLanguage.code == filters.language)))
    if filters.always_open:
        conditions.append(Service.open_24_7.is_(True))
    if filters.open_now:
        conditions.append(_open_now_clause(now))
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


def _word_match(column, word: str):
    """The index range of one query word (search.term_range): a prefix range, or the exact short word."""
    low, high = search.term_range(word)
    return column == low if high is None else and_(column >= low, column < high)


def _scores(terms: list[str]):
    """Per service: the summed weight of the query words it contains, only where it contains all of them."""
    parts = [select(ServiceTerm.service_id.label("service_id"), func.max(ServiceTerm.weight).label("weight"))
             .where(_word_match(ServiceTerm.term, term)).group_by(ServiceTerm.service_id) for term in terms]
    matches = union_all(*parts).subquery()
    return (select(matches.c.service_id, func.sum(matches.c.weight).label("score"))
            .group_by(matches.c.service_id).having(func.count() == len(terms)).subquery())


def _named(terms: list[str]):
    """Services with a query word in their name (the partial name index): the ones that rank first."""
    return select(ServiceTerm.service_id).where(
        ServiceTerm.weight >= literal_column(str(search.NAME_WEIGHT)),  # a literal, so the partial index applies
        or_(*(_word_match(ServiceTerm.term, term) for term in terms)))


def _named_page(terms: list[str], conditions: list, limit: int) -> list[int]:
    """The best `limit` services among those named after a query word: one join per word on the service's
    own index rows (a key lookup each), only for these few services."""
    query = select(Service.id)
    weights = []
    for term in terms:
        row = aliased(ServiceTerm)
        query = query.join(row, and_(row.service_id == Service.id, _word_match(row.term, term)))
        weights.append(func.max(row.weight))
    score = sum(weights[1:], weights[0])
    query = (query.where(Service.id.in_(_named(terms)), *conditions).group_by(Service.id, Service.name)
             .order_by(score.desc(), Service.name, Service.id).limit(limit))
    return list(db.session.scalars(query))


def _ranked_page(terms: list[str], conditions: list, offset: int, limit: int) -> list[int]:
    """Ids of one page of search results, by score then name, computed in SQL.

    When name matches always outrank the rest (one or two words), they are ranked alone first; the services
    that mention the words only in descriptions or organization names are read only when the page reaches
    past the name matches. Same order as ranking everything at once, far fewer rows for common words."""
    scores = _scores(terms)
    ranked = (select(Service.id).join(scores, scores.c.service_id == Service.id).where(*conditions)
              .order_by(scores.c.score.desc(), Service.name, Service.id))
    if not search.name_matches_rank_first(len(terms)):
        return list(db.session.scalars(ranked.offset(offset).limit(limit)))
    named = _named_page(terms, conditions, offset + limit)
    if len(named) == offset + limit:
        return named[offset:]
    rest_offset = max(0, offset - len(named))
    rest = db.session.scalars(ranked.where(Service.id.not_in(_named(terms)))
                              .offset(rest_offset).limit(offset + limit - len(named) - rest_offset))
    return named[offset:] + list(rest)


def _count(conditions: list, at_least: int) -> tuple[int, bool]:
    """How many services match, counted only up to the next COUNT_STEP past `at_least` (the end of the page
    shown): (count, capped). An exact count of every match of a common word would read them all."""
    cap = COUNT_STEP * (at_least // COUNT_STEP + 1)
    found = db.session.scalar(select(func.count()).select_from(
        select(Service.id).where(*conditions).limit(cap + 1).subquery()))
    return min(found, cap), found > cap


@dataclass(frozen=True)
class ServiceDetails:
    """A service's category slugs, language codes and (weekday, opens, closes) hours, as plain data."""

    categories: list = field(default_factory=list)
    languages: list = field(default_factory=list)
    hours: list = field(default_factory=list)


@dataclass(frozen=True)
class ResultPage:
    """One page of services; `total` is exact unless `capped`, when it means "at least this many".
    `details` holds each service's categories, languages and hours, read as plain rows for the page."""

    services: list
    total: int
    capped: bool = False
    details: dict = field(default_factory=dict)


def _details(ids: list[int]) -> dict[int, ServiceDetails]:
    """Categories, languages and hours of the page's services in three plain queries (no ORM objects:
    building them cost more than the search itself)."""
    details = {service_id: ServiceDetails() for service_id in ids}
    for service_id, slug in db.session.execute(select(ServiceCategory.service_id, ServiceCategory.category)
                                               .where(ServiceCategory.service_id.in_(ids))):
        details[service_id].categories.append(slug)
    for service_id, code in db.session.execute(select(ServiceLanguage.service_id, ServiceLanguage.code)
                                               .where(ServiceLanguage.service_id.in_(ids))):
        details[service_id].languages.append(code)
    for service_id, *interval in db.session.execute(
            select(ServiceHours.service_id, ServiceHours.weekday, ServiceHours.opens_at, ServiceHours.closes_at)
            .where(ServiceHours.service_id.in_(ids)).order_by(ServiceHours.weekday, ServiceHours.opens_at)):
        details[service_id].hours.append(tuple(interval))
    for entry in details.values():
        entry.categories.sort()
        entry.languages.sort()
    return details


def find_services(filters: Filters, now: datetime, page_size: int = PAGE_SIZE) -> ResultPage:
    """One page of matching services (best matches first when searching, else by name) and a count, capped
    at COUNT_STEP past the page so a common word does not cost a pass over every match."""
    conditions = _conditions(filters, now)
    terms = search.query_terms(filters.q)
    word_conditions = [Service.id.in_(select(ServiceTerm.service_id).where(_word_match(ServiceTerm.term, term)))
                       for term in terms]
    offset = (filters.page - 1) * page_size
    total, capped = _count(conditions + word_conditions, offset + page_size)
    if offset >= total:
        return ResultPage([], total, capped)
    if terms:
        ids = _ranked_page(terms, conditions, offset, page_size)
    else:
        ids = list(db.session.scalars(select(Service.id).where(*conditions).order_by(Service.name, Service.id)
                                      .offset(offset).limit(page_size)))
    if not ids:
        return ResultPage([], total, capped)
    children = (lazyload(Service.categories), lazyload(Service.languages), lazyload(Service.hours))
    by_id = {service.id: service for service in
             db.session.scalars(select(Service).where(Service.id.in_(ids)).options(*children)).unique()}
    return ResultPage([by_id[i] for i in ids if i in by_id], total, capped, _details(ids))


def stale_services(viewer, now: datetime, limit: int = 50) -> list[Service]:
    """The viewer's organization's entries nobody confirmed for 90 days (for the banner on the directory)."""
    cutoff = now - search.STALE_AFTER
    return db.session.scalars(
        select(Service).where(Service.organization_id == viewer.organization_id,
                              Service.status.in_(LISTED_STATUSES),
                              or_(Service.last_verified_at.is_(None), Service.last_verified_at < cutoff))
        .order_by(Service.name).limit(limit)).unique().all()


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


_display_phone = lru_cache(maxsize=4096)(validation.display_phone)  # parsing is the slow part of a card


def present(service: Service, viewer, now: datetime, details: ServiceDetails | None = None) -> dict:
    """What `viewer` may see of a service, as plain data for templates and JSON alike. `details` (from a
    ResultPage) spares loading the service's categories, languages and hours one object at a time."""
    if details is None:
        details = ServiceDetails(service.category_slugs, service.language_codes,
                                 [(h.weekday, h.opens_at, h.closes_at) for h in service.hours])
    location = service.location
    show_address = may_see_address(viewer, service)
    hours = details.hours
    genders = [g for g in service.genders.split(",") if g]
    trafficking = [t for t in service.trafficking_types.split(",") if t]
    return {
        "id": service.id,
        "uuid": service.uuid,
        "name": service.name,
        "description": service.description,
        "status": service.status,
        "organization": {"id": service.organization_id, "name": service.organization.name},
        "categories": [{"slug": slug, "label": category_label(slug)} for slug in details.categories],
        "languages": [{"code": code, "name": language_name(code)} for code in details.languages],
        "open_24_7": service.open_24_7,
        "open_now": search.is_open_now(hours, service.open_24_7, service.timezone, now),
        "timezone": service.timezone,
        "hours": [{"weekday": day, "day": WEEKDAYS[day].capitalize(), "opens_at": opens, "closes_at": closes}
                  for day, opens, closes in hours],
        "eligibility": {"min_age": service.min_age, "max_age": service.max_age,
                        "genders": [{"slug": g, "label": GENDERS.get(g, g)} for g in genders],
                        "trafficking_types": [{"slug": t, "label": TRAFFICKING_TYPES.get(t, t)} for t in trafficking],
                        "notes": service.eligibility_notes},
        "service_area": service.service_area,
        "phone": service.phone,
        "phone_display": _display_phone(service.phone),
        "email": service.email,
        "website": service.website,
        "location": None if location is None else {
            "name": location.name if show_address else "",
            "city": location.city,
            "state_province": location.state_province,
            "country": location.country,
            "confidential": location.is_confidential,
            "address_1": location.address_1 if show_address else None,
            "postal_code": location.postal_code if show_address else None,
            "latitude": location.latitude if show_address else None,
            "longitude": location.longitude if show_address else None,
        },
        "capacity": None if service.capacity_total is None else {
            "available": service.capacity_available, "total": service.capacity_total,
            "updated_at": _iso(service.capacity_updated_at),
            "updated_ago": search.ago(service.capacity_updated_at, now)},
        "last_verified_at": _iso(service.last_verified_at),
        "verified_ago": search.ago(service.last_verified_at, now),
        "stale": search.is_stale(service.last_verified_at, now),
        "version": service.version,
        "can_edit": can_edit(viewer, service),
    }
