"""A result page's rows, read as plain data in one statement: its services with their organization's name
and location, each one's categories, languages and hours as joined strings, and — on a full page — the
capped count of all matches (`ranking.count_statement`) as one more column.

Building ORM objects for a page cost more than the search itself; `finder.present` reads these Listings the
same way it reads a Service.
"""
from dataclasses import dataclass, field
from functools import lru_cache
from types import SimpleNamespace

from sqlalchemy import String, bindparam, cast, func, select

from taskforce.directory.models import Location, Service, ServiceCategory, ServiceHours, ServiceLanguage
from taskforce.directory.ranking import MatchCount, count_statement
from taskforce.extensions import db


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
