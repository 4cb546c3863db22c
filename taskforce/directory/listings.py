"""A result page's rows, read as plain data in one statement: its services with their organization's name
and location, each one's categories, languages and hours as joined strings, and — on a full page — the
capped count of all matches (`ranking.count_statement`) as one more column.

Building ORM objects for a page cost more than the search itself; `presenting.present` reads these Listings the
same way it reads a Service.
"""
from dataclasses import dataclass
from types import SimpleNamespace

from sqlalchemy import Integer, String, bindparam, cast, func, select
from sqlalchemy.dialects import postgresql

from taskforce.directory.models import Location, Service, ServiceCategory, ServiceHours, ServiceLanguage
from taskforce.directory.ranking import MatchCount, statement
from taskforce.extensions import db


@dataclass(frozen=True)
class ServiceDetails:
    """A service's category slugs, language codes and (weekday, opens, closes) hours, as plain data (tuples:
    `presenting.present` looks up what it shows of them by value)."""

    categories: tuple = ()
    languages: tuple = ()
    hours: tuple = ()


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


def _listed_ids(column, dialect: str):
    """The column is one of the `ids` parameter's. On PostgreSQL an array (`= ANY`): the statement's text
    stays the same for any number of ids, where an expanding IN is rendered again on every execution (a
    tenth of a page's rows' cost there). SQLite has no arrays; its placeholders are cheap to render."""
    if dialect == "postgresql":
        return column == func.any(bindparam("ids", type_=postgresql.ARRAY(Integer)))
    return column.in_(bindparam("ids", expanding=True))


def _page_statement(count: MatchCount | None, dialect: str):
    """The page's rows — service, organization name, location and the joined details — built once per kind
    of count and database (`ranking.statement`; the ids are a parameter, so the compiled form is cached too).
    With `count` the capped count of all matches rides along as the column `total`: a full page then costs
    one statement less."""
    services, locations = Service.__table__, Location.__table__
    organizations = Service.organization.property.mapper.class_.__table__
    categories, languages, hours = ServiceCategory.__table__, ServiceLanguage.__table__, ServiceHours.__table__
    interval = cast(hours.c.weekday, String) + " " + hours.c.opens_at + " " + hours.c.closes_at
    total = [] if count is None else [count.statement.scalar_subquery().label("total")]
    # The organization's name by key, per row: joined, PostgreSQL hashed every organization for 25 rows.
    organization_name = select(organizations.c.name).where(organizations.c.id == services.c.organization_id)
    return (select(*(services.c[name] for name in _PAGE_FIELDS),
                   organization_name.scalar_subquery().label("organization_name"),
                   *(locations.c[name].label(f"location_{name}") for name in _LOCATION_FIELDS),
                   _joined(categories, categories.c.category, services).label("categories"),
                   _joined(languages, languages.c.code, services).label("languages"),
                   _joined(hours, interval, services).label("hours"), *total)
            .select_from(services.outerjoin(locations, locations.c.id == services.c.location_id))
            .where(_listed_ids(services.c.id, dialect)))


def _split(joined: str | None) -> tuple[str, ...]:
    return tuple(sorted(joined.split(","))) if joined else ()


def _intervals(joined: str | None) -> tuple[tuple[int, str, str], ...]:
    if not joined:
        return ()
    return tuple(sorted((int(weekday), opens_at, closes_at)
                  for weekday, opens_at, closes_at in (interval.split(" ") for interval in joined.split(","))))


# Where each part of a page row starts: its columns are read by position (a row's mapping looks every name up).
_ORGANIZATION_NAME = len(_PAGE_FIELDS)
_LOCATION = _ORGANIZATION_NAME + 1
_DETAILS = _LOCATION + len(_LOCATION_FIELDS)


def _listing(row: tuple) -> Listing:
    location = None if row[_LOCATION] is None else SimpleNamespace(
        **dict(zip(_LOCATION_FIELDS, row[_LOCATION:_DETAILS])))
    listing = Listing(**dict(zip(_PAGE_FIELDS, row)), location=location)
    listing.organization = SimpleNamespace(id=listing.organization_id, name=row[_ORGANIZATION_NAME])
    return listing


def listings(ids: list[int], count: MatchCount | None, params: dict
             ) -> tuple[list[Listing], dict[int, ServiceDetails], int | None]:
    """The page's services in the order of `ids`, as Listings (location None when the service has none), each
    one's categories, languages and hours, and — with `count` — the capped count of all matches (None when
    not asked, or when no row came back); all from one query. `params` are the bound values of the search
    (its words, the clock of "open now"), which the count needs."""
    by_id, details, total = {}, {}, None
    parsed: dict = {}  # a page's joined details repeat (the same categories, the same hours): parsed once each

    def once(parse, joined):
        key = (parse, joined)
        if key not in parsed:
            parsed[key] = parse(joined)
        return parsed[key]
    connection = db.session.connection()
    page_statement = statement(_page_statement, count, connection.dialect.name)
    for row in connection.execute(page_statement, {**params, "ids": ids} if count is not None else {"ids": ids}).all():
        row = tuple(row)
        listing = by_id[row[0]] = _listing(row)
        categories, languages, hours = row[_DETAILS:_DETAILS + 3]
        details[listing.id] = ServiceDetails(once(_split, categories), once(_split, languages), once(_intervals, hours))
        if count is not None:
            total = row[-1]
    return [by_id[i] for i in ids if i in by_id], details, total
