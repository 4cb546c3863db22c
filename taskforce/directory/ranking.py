"""Result pages in SQL: which services contain every query word, in what order they come, and the page's
rows (its services, categories, languages and hours) read as plain data.

The weights and the word rules live in the pure `search` module; this module turns them into queries over
the search index (`ServiceTerm`) that read few rows even for a common word at 50,000 services: name matches
are ranked alone first (through the partial name index), and the long tail of description matches is read
only when a page reaches past them.

The query words are bound parameters (`low0`, `high0`, … from `word_params`), so a statement depends only on
the filters and the shape of the query (how many words, which are short): it is built once per shape and
reused (`lru_cache` on the same condition objects, which `finder` keeps for a given set of filters).
"""
from dataclasses import dataclass, field
from functools import lru_cache
from types import SimpleNamespace

from sqlalchemy import Integer, String, and_, bindparam, cast, func, literal_column, select, union_all

from taskforce.directory import search
from taskforce.directory.models import (Location, Service, ServiceCategory, ServiceHours, ServiceLanguage,
                                        ServiceTerm)
from taskforce.extensions import db


class Conditions(tuple):
    """The filters' SQL conditions, compared and hashed by identity: a cache key that never asks SQL
    expressions for their truth (`==` on them builds SQL)."""

    __eq__ = object.__eq__
    __ne__ = object.__ne__
    __hash__ = object.__hash__


def limit_param(name: str):
    """A LIMIT or OFFSET that statements kept whole take at execution. Its value is written into the SQL
    (`literal_execute`): PostgreSQL plans a prepared statement's LIMIT blind, which made a capped count and
    a page of name matches a third slower at 50,000 services."""
    return bindparam(name, type_=Integer, literal_execute=True)


def shape(terms: list[str]) -> tuple[bool, ...]:
    """Per query word, whether it matches a whole word only (too short for a prefix): the statement's shape."""
    return tuple(search.term_range(term)[1] is None for term in terms)


def word_params(terms: list[str]) -> dict:
    """The bound values of the query words (search.term_range) for statements built from their `shape`."""
    params = {}
    for index, term in enumerate(terms):
        low, high = search.term_range(term)
        params[f"low{index}"] = low
        if high is not None:
            params[f"high{index}"] = high
    return params


def word_match(column, index: int, exact: bool):
    """The index range of query word `index`: a prefix range, or the exact short word (search.term_range)."""
    low = bindparam(f"low{index}", type_=String)
    return column == low if exact else and_(column >= low, column < bindparam(f"high{index}", type_=String))


def containing_words(words: tuple[bool, ...]) -> list:
    """Conditions keeping the services that contain every query word (for the count and plain filtering)."""
    return [Service.id.in_(select(ServiceTerm.service_id).where(word_match(ServiceTerm.term, index, exact)))
            for index, exact in enumerate(words)]


def _scores(words: tuple[bool, ...], among=None):
    """Per service: the summed weight of the query words it contains, only where it contains all of them.
    `among` (a select of service ids) limits the index rows read to those services' own."""
    parts = []
    for index, exact in enumerate(words):
        part = select(ServiceTerm.service_id.label("service_id"), func.max(ServiceTerm.weight).label("weight")).where(
            word_match(ServiceTerm.term, index, exact))
        if among is not None:
            part = part.where(ServiceTerm.service_id.in_(among))
        parts.append(part.group_by(ServiceTerm.service_id))
    matches = union_all(*parts).subquery()
    return (select(matches.c.service_id, func.sum(matches.c.weight).label("score"))
            .group_by(matches.c.service_id).having(func.count() == len(words)).subquery())


def _named(words: tuple[bool, ...]):
    """Services with a query word in their name (the partial name index): the ones that rank first. One range
    per word, united: an OR of ranges would make PostgreSQL read the table instead of the index alone."""
    return union_all(*(select(ServiceTerm.service_id).where(
        ServiceTerm.weight >= literal_column(str(search.NAME_WEIGHT)),  # a literal, so the partial index applies
        word_match(ServiceTerm.term, index, exact)) for index, exact in enumerate(words)))


@lru_cache(maxsize=512)
def _named_page(words: tuple[bool, ...], conditions: tuple):
    """The best services among those named after a query word: their scores are summed from the index rows
    of these few services only, then joined to the services by key (no pass over every service, which the
    planner chose for two common words). For one word the partial name index holds the score itself: a name
    row weighs at least NAME_WEIGHT, any other word of the same prefix range far less."""
    if len(words) == 1:  # the name row outweighs any other word of the range: the partial index alone scores
        scores = (select(ServiceTerm.service_id, func.max(ServiceTerm.weight).label("score"))
                  .where(ServiceTerm.weight >= literal_column(str(search.NAME_WEIGHT)),
                         word_match(ServiceTerm.term, 0, words[0]))
                  .group_by(ServiceTerm.service_id).subquery())
    else:
        named = _named(words).cte("named")  # read once, used by every word's part
        scores = _scores(words, among=select(named.c.service_id))
    return (select(Service.id).join(scores, scores.c.service_id == Service.id).where(*conditions)
            .order_by(scores.c.score.desc(), Service.name, Service.id).limit(limit_param("limit")))


@lru_cache(maxsize=512)
def _ranked(words: tuple[bool, ...], conditions: tuple, unnamed: bool):
    """Every match by score then name (`unnamed`: only those without a query word in their name)."""
    scores = _scores(words)
    query = select(Service.id).join(scores, scores.c.service_id == Service.id).where(*conditions)
    if unnamed:
        query = query.where(Service.id.not_in(_named(words)))
    return (query.order_by(scores.c.score.desc(), Service.name, Service.id)
            .offset(limit_param("offset")).limit(limit_param("limit")))


def ranked_page(terms: list[str], conditions: tuple, offset: int, limit: int) -> list[int]:
    """Ids of one page of search results, by score then name, computed in SQL.

    When name matches always outrank the rest (one or two words), they are ranked alone first; the services
    that mention the words only in descriptions or organization names are read only when the page reaches
    past the name matches. Same order as ranking everything at once, far fewer rows for common words."""
    words, params = shape(terms), word_params(terms)
    if not search.name_matches_rank_first(len(terms)):
        return first_column(_ranked(words, conditions, False), params | {"offset": offset, "limit": limit})
    named = first_column(_named_page(words, conditions), params | {"limit": offset + limit})
    if len(named) == offset + limit:
        return named[offset:]
    rest_offset = max(0, offset - len(named))
    rest = first_column(_ranked(words, conditions, True),
               params | {"offset": rest_offset, "limit": offset + limit - len(named) - rest_offset})
    return named[offset:] + rest


def first_column(statement, params: dict) -> list[int]:
    """The first column of every row, fetched at once. Statements here are built once and kept (their limit
    and offset are parameters too), so SQLAlchemy computes each one's cache key once, not per search."""
    return [row[0] for row in db.session.connection().execute(statement, params).all()]


@dataclass(frozen=True)
class ServiceDetails:
    """A service's category slugs, language codes and (weekday, opens, closes) hours, as plain data."""

    categories: list = field(default_factory=list)
    languages: list = field(default_factory=list)
    hours: list = field(default_factory=list)


class Listing(SimpleNamespace):
    """A service of a result page as plain attributes (the ones `present` reads), read as one row with its
    location and organization name: building ORM objects for a page cost more than the search itself."""


_PAGE_FIELDS = ("id", "uuid", "name", "description", "status", "organization_id", "min_age", "max_age", "genders",
                "trafficking_types", "eligibility_notes", "open_24_7", "timezone", "service_area", "phone", "email",
                "website", "capacity_available", "capacity_total", "capacity_updated_at", "last_verified_at", "version")
_LOCATION_FIELDS = ("id", "organization_id", "name", "address_1", "city", "state_province", "postal_code", "country",
                    "latitude", "longitude", "is_confidential")


def _joined(table, value, services):
    """One service's values of a detail table as a single comma-joined string (GROUP_CONCAT on SQLite,
    STRING_AGG on PostgreSQL): a page is then one row per service, not one per category, language and hour."""
    return (select(func.aggregate_strings(value, ",")).where(table.c.service_id == services.c.id)
            .scalar_subquery())


@lru_cache(maxsize=512)
def count_statement(conditions: tuple, words: tuple[bool, ...]):
    """How many services match the filters and every query word, read no further than the `limit` parameter
    (the caller's cap + 1): an exact count of every match of a common word would read them all."""
    return select(func.count()).select_from(
        select(Service.id).where(*conditions, *containing_words(words)).limit(limit_param("limit")).subquery())


@dataclass(frozen=True, eq=False)
class MatchCount:
    """What to count and how far: the filters' conditions, the query's shape (`shape`) and the bound values
    (the word ranges and `limit`, the cap + 1)."""

    conditions: tuple
    words: tuple
    params: dict


def count_matches(count: MatchCount) -> int:
    return first_column(count_statement(count.conditions, count.words), count.params)[0]


@lru_cache(maxsize=512)
def _page_statement(counted: tuple | None):
    """The page's rows — service, organization name, location and the joined details — built once per kind
    (the ids are an expanding parameter, so the compiled form is cached too). With `counted` (the filters'
    conditions and the query's shape) the capped count of all matches rides along as the column `total`:
    a full page then costs one statement less."""
    services, locations = Service.__table__, Location.__table__
    organizations = Service.organization.property.mapper.class_.__table__
    categories, languages, hours = ServiceCategory.__table__, ServiceLanguage.__table__, ServiceHours.__table__
    interval = cast(hours.c.weekday, String) + " " + hours.c.opens_at + " " + hours.c.closes_at
    total = [] if counted is None else [count_statement(*counted).scalar_subquery().label("total")]
    return (select(*(services.c[name] for name in _PAGE_FIELDS), organizations.c.name.label("organization_name"),
                   *(locations.c[name].label(f"location_{name}") for name in _LOCATION_FIELDS),
                   _joined(categories, categories.c.category, services).label("categories"),
                   _joined(languages, languages.c.code, services).label("languages"),
                   _joined(hours, interval, services).label("hours"), *total)
            .select_from(services.join(organizations, organizations.c.id == services.c.organization_id)
                         .outerjoin(locations, locations.c.id == services.c.location_id))
            .where(services.c.id.in_(bindparam("ids", expanding=True))))


def _split(joined: str | None) -> list[str]:
    return sorted(joined.split(",")) if joined else []


def _intervals(joined: str | None) -> list[tuple[int, str, str]]:
    intervals = []
    for interval in _split(joined):
        weekday, opens_at, closes_at = interval.split(" ")
        intervals.append((int(weekday), opens_at, closes_at))
    return sorted(intervals)


def listings(ids: list[int], count: MatchCount | None = None
             ) -> tuple[list[Listing], dict[int, ServiceDetails], int | None]:
    """The page's services in the order of `ids`, as Listings (location None when the service has none), each
    one's categories, languages and hours, and — with `count` — the capped count of all matches (None when
    not asked, or when no row came back); all from one query."""
    by_id, details, total = {}, {}, None
    counted = None if count is None else (count.conditions, count.words)
    params = {"ids": ids} if count is None else {**count.params, "ids": ids}
    for row in db.session.connection().execute(_page_statement(counted), params).all():
        values = row._mapping
        total = values["total"] if count is not None else None
        location = None if values["location_id"] is None else SimpleNamespace(
            **{name: values[f"location_{name}"] for name in _LOCATION_FIELDS})
        listing = Listing(**{name: values[name] for name in _PAGE_FIELDS}, location=location,
                          organization=SimpleNamespace(id=values["organization_id"], name=values["organization_name"]))
        by_id[listing.id] = listing
        details[listing.id] = ServiceDetails(_split(values["categories"]), _split(values["languages"]),
                                             _intervals(values["hours"]))
    return [by_id[i] for i in ids if i in by_id], details, total
