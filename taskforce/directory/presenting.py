"""What a viewer may see of a service, as plain data for templates and JSON alike.

Every page and the JSON API show services through `present`, so the confidentiality rule (a confidential
site shows only its city and phone outside its organization) is applied in one place. It reads an ORM
Service or a result page's Listing (`listings`) the same way.
"""
from datetime import datetime
from functools import lru_cache

from taskforce.directory import opening, search, validation
from taskforce.directory.languages import language_name
from taskforce.directory.listings import ServiceDetails
from taskforce.directory.models import Service
from taskforce.directory.services import can_edit, may_see_address
from taskforce.directory.taxonomy import GENDERS, TRAFFICKING_TYPES, WEEKDAYS, category_label


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


_DAY_NAMES = tuple(day.capitalize() for day in WEEKDAYS)
_LABELS = {"genders": GENDERS, "trafficking_types": TRAFFICKING_TYPES}


def _shown_categories(slugs: tuple) -> list:
    return [{"slug": slug, "label": category_label(slug)} for slug in slugs]


def _shown_languages(codes: tuple) -> list:
    return [{"code": code, "name": language_name(code)} for code in codes]


def _shown_hours(hours: tuple) -> list:
    return [{"weekday": day, "day": _DAY_NAMES[day], "opens_at": opens, "closes_at": closes}
            for day, opens, closes in hours]


def _shown_labels(kind: str, joined: str) -> list:
    """A comma-separated list column (`genders`, `trafficking_types`) as slugs with their labels."""
    return [{"slug": slug, "label": _LABELS[kind].get(slug, slug)} for slug in joined.split(",") if slug]


# What a card shows of a service's categories, languages, hours, eligibility lists and phone number, kept
# per distinct value (the builder and its arguments): the same few combinations recur on every page, and
# parsing a phone number is the slow part of a card. Process-wide and thread-safe (functools keeps the
# cache coherent under concurrent calls); the lists are shared between results, so they are read-only
# (templates and JSON only read them).
@lru_cache(maxsize=4096)
def _shown(build, *value):
    return build(*value)


def present(service: Service, viewer, now: datetime, details: ServiceDetails | None = None) -> dict:
    """What `viewer` may see of a service, as plain data for templates and JSON alike. `details` (from a
    ResultPage) spares loading the service's categories, languages and hours one object at a time."""
    if details is None:
        details = ServiceDetails(tuple(service.category_slugs), tuple(service.language_codes),
                                 tuple((h.weekday, h.opens_at, h.closes_at) for h in service.hours))
    location = service.location
    show_address = may_see_address(viewer, service)
    return {
        "id": service.id,
        "uuid": service.uuid,
        "name": service.name,
        "description": service.description,
        "status": service.status,
        "organization": {"id": service.organization_id, "name": service.organization.name},
        "categories": _shown(_shown_categories, details.categories),
        "languages": _shown(_shown_languages, details.languages),
        "open_24_7": service.open_24_7,
        "open_now": search.is_open_now(details.hours, service.open_24_7, service.timezone, now),
        "opening": opening.opening_note(details.hours, service.open_24_7, service.timezone, now),
        "timezone": service.timezone,
        "hours": _shown(_shown_hours, details.hours),
        "eligibility": {"min_age": service.min_age, "max_age": service.max_age,
                        "genders": _shown(_shown_labels, "genders", service.genders),
                        "trafficking_types": _shown(_shown_labels, "trafficking_types", service.trafficking_types),
                        "notes": service.eligibility_notes},
        "service_area": service.service_area,
        "phone": service.phone,
        "phone_display": _shown(validation.display_phone, service.phone),
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
