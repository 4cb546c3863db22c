"""PURE: the directory as Open Referral HSDS 3.0 objects, and the schema check every exchanged record passes.

The directory speaks plain dicts here (see `exchange.py` for how rows become them):

- organization: uuid, name, sector, jurisdiction
- location: uuid, organization_uuid, name, address_1, city, state_province, postal_code, country, latitude,
  longitude, is_confidential
- service: uuid, organization_uuid, name, description, status, min_age, max_age, genders, trafficking_types,
  eligibility_notes, open_24_7, timezone, service_area, phone, email, website, categories, languages,
  hours [(weekday, opens, closes)], last_verified_at, updated_at, and `location` (a location dict or None)

Rules kept here: a confidential location leaves WITHOUT street address, postal code or coordinates (city,
state, country and the service's phone only); every id is a UUID, derived ids (phones, schedules, terms…)
are uuid5 of their owner so exports are stable and re-imports idempotent; categories, genders, trafficking
types and flags travel as attributes with taxonomy terms of our own taxonomies, so they round-trip.
"""
import json
import uuid
from functools import lru_cache
from pathlib import Path

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from taskforce.directory.taxonomy import CATEGORY_TAXONOMY, GENDERS, TRAFFICKING_TYPES, category_label

SCHEMA_DIR = Path(__file__).resolve().parent / "hsds_schema"
SCHEMA_BASE = "https://openreferral.org/hsds/3.0/schema/"
KINDS = ("organization", "service", "service_at_location")
ID_NAMESPACE = uuid.UUID("6f1c2a4e-3b7d-5e8f-9a0b-1c2d3e4f5a6b")  # the task force's uuid5 namespace

GENDER_TAXONOMY = "taskforce-eligible-gender"
TRAFFICKING_TAXONOMY = "taskforce-trafficking-type"
FLAG_TAXONOMY = "taskforce-flag"
SECTOR_TAXONOMY = "taskforce-sector"
FLAG_OPEN_24_7 = "open_24_7"
FLAG_CONFIDENTIAL = "confidential_location"
FLAG_LABELS = {FLAG_OPEN_24_7: "Open 24 hours, 7 days a week",
               FLAG_CONFIDENTIAL: "Confidential location: the street address is shared on referral only"}
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
CONFIDENTIAL_NAME = "Confidential location"


def derived_id(*parts) -> str:
    """A stable UUID for a sub-object that has no id of its own in the directory (phone, schedule, term…)."""
    return str(uuid.uuid5(ID_NAMESPACE, ":".join(str(p) for p in parts)))


def _registry() -> Registry:
    resources = []
    for path in sorted(SCHEMA_DIR.glob("*.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((SCHEMA_BASE + path.name, Resource.from_contents(contents, default_specification=DRAFT202012)))
    return Registry().with_resources(resources)


@lru_cache(maxsize=8)
def validator(kind: str) -> Draft202012Validator:
    """A Draft 2020-12 validator (formats checked: uuid, email, date…) for an HSDS object kind."""
    return Draft202012Validator({"$ref": SCHEMA_BASE + f"{kind}.json"}, registry=_registry(),
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def schema_errors(kind: str, obj) -> list[tuple[str, str]]:
    """Every schema violation of one object as (JSON path, reason), deepest paths first reported in order."""
    errors = sorted(validator(kind).iter_errors(obj), key=lambda e: list(e.absolute_path).__repr__())
    return [(error.json_path, _reason(error)) for error in errors]


def _reason(error) -> str:
    if error.validator == "required":
        return error.message.replace("is a required property", "is required")
    if error.validator == "format":
        return f"{_short(error.instance)} is not a valid {error.validator_value}"
    if error.validator == "type":
        return f"{_short(error.instance)} should be of type {error.validator_value}"
    return error.message if len(error.message) < 200 else error.message[:197] + "…"


def _short(value) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "…"


# --- directory → HSDS -------------------------------------------------------------------------------------

def term(taxonomy: str, code: str, label: str) -> dict:
    """A taxonomy term of one of the task force's taxonomies (its id depends only on taxonomy and code)."""
    return {"id": derived_id("term", taxonomy, code), "code": code, "name": label, "description": label,
            "taxonomy": taxonomy}


def attribute(link_id: str, link_entity: str, link_type: str, taxonomy_term: dict) -> dict:
    return {"id": derived_id("attribute", link_id, taxonomy_term["id"]), "link_id": link_id,
            "link_type": link_type, "link_entity": link_entity, "taxonomy_term_id": taxonomy_term["id"],
            "taxonomy_term": taxonomy_term}


def organization_object(org: dict, locations: list[dict] = (), services: list[dict] = ()) -> dict:
    """An HSDS organization with its (confidentiality-reduced) locations and a short entry per service."""
    description = org.get("sector_label") or "Task-force partner"
    if org.get("jurisdiction"):
        description += f", {org['jurisdiction']}"
    obj = {"id": org["uuid"], "name": org["name"], "description": description}
    if org.get("sector"):
        obj["attributes"] = [attribute(org["uuid"], "organization", "sector",
                                       term(SECTOR_TAXONOMY, org["sector"], org.get("sector_label") or org["sector"]))]
    obj["locations"] = [location_object(loc) for loc in locations]
    obj["services"] = [{"id": s["uuid"], "organization_id": org["uuid"], "name": s["name"],
                        "description": s.get("description", ""), "status": s.get("status") or "active"}
                       for s in services]
    return obj


def location_object(loc: dict) -> dict:
    """An HSDS location. Confidential: no street, postal code or coordinates; a neutral name; a flag attribute."""
    confidential = bool(loc.get("is_confidential"))
    obj = {"id": loc["uuid"], "location_type": "physical",
           "name": CONFIDENTIAL_NAME if confidential else loc.get("name", ""),
           "organization_id": loc["organization_uuid"]}
    if loc.get("city") or loc.get("address_1"):
        obj["addresses"] = [{
            "id": derived_id("address", loc["uuid"]), "location_id": loc["uuid"],
            "address_1": "" if confidential else loc.get("address_1", ""), "city": loc.get("city", ""),
            "state_province": loc.get("state_province", ""),
            "postal_code": "" if confidential else loc.get("postal_code", ""),
            "country": loc.get("country") or "US", "address_type": "physical"}]
    if not confidential and loc.get("latitude") is not None and loc.get("longitude") is not None:
        obj["latitude"], obj["longitude"] = loc["latitude"], loc["longitude"]
    if confidential:
        obj["description"] = FLAG_LABELS[FLAG_CONFIDENTIAL] + "."
        obj["attributes"] = [attribute(loc["uuid"], "location", "flag",
                                       term(FLAG_TAXONOMY, FLAG_CONFIDENTIAL, FLAG_LABELS[FLAG_CONFIDENTIAL]))]
    return obj


def service_object(svc: dict, organization: dict | None = None) -> dict:
    """A full HSDS service: phones, schedules, area, languages, attributes, its service_at_location, org."""
    sid = svc["uuid"]
    obj = {"id": sid, "organization_id": svc["organization_uuid"], "name": svc["name"],
           "description": svc.get("description", ""), "status": svc.get("status") or "active",
           "eligibility_description": svc.get("eligibility_notes", "")}
    if svc.get("website"):
        obj["url"] = svc["website"]
    if svc.get("email"):
        obj["email"] = svc["email"]
    if svc.get("min_age") is not None:
        obj["minimum_age"] = svc["min_age"]
    if svc.get("max_age") is not None:
        obj["maximum_age"] = svc["max_age"]
    if svc.get("last_verified_at"):
        obj["assured_date"] = svc["last_verified_at"].date().isoformat()
    if svc.get("updated_at"):
        obj["last_modified"] = svc["updated_at"].strftime("%Y-%m-%dT%H:%M:%SZ")
    obj["phones"] = _phones(svc, service_id=sid)
    obj["schedules"] = schedules(svc, service_id=sid)
    obj["service_areas"] = ([{"id": derived_id("service_area", sid), "service_id": sid, "name": svc["service_area"]}]
                            if svc.get("service_area") else [])
    obj["languages"] = [{"id": derived_id("language", sid, code), "service_id": sid, "code": code,
                         "name": svc.get("language_names", {}).get(code, code)} for code in svc.get("languages", [])]
    obj["attributes"] = service_attributes(svc)
    obj["service_at_locations"] = [service_at_location_object(svc, nested=True)] if svc.get("location") else []
    if organization:
        obj["organization"] = {"id": organization["uuid"], "name": organization["name"],
                               "description": organization_object(organization)["description"]}
    obj["taskforce_timezone"] = svc.get("timezone") or ""
    return obj


def service_at_location_object(svc: dict, nested: bool = False) -> dict:
    """The link of a service to its location (the location nested; the service shallow unless `nested`)."""
    loc = svc["location"]
    obj = {"id": derived_id("service_at_location", svc["uuid"], loc["uuid"]), "service_id": svc["uuid"],
           "location_id": loc["uuid"], "location": location_object(loc),
           "phones": _phones(svc, service_at_location_id=derived_id("service_at_location", svc["uuid"], loc["uuid"]))}
    if not nested:
        obj["service"] = {"id": svc["uuid"], "organization_id": svc["organization_uuid"], "name": svc["name"],
                          "description": svc.get("description", ""), "status": svc.get("status") or "active"}
    return obj


def _phones(svc: dict, **link) -> list[dict]:
    if not svc.get("phone"):
        return []
    owner = next(iter(link.values()))
    return [{"id": derived_id("phone", owner), **link, "number": svc["phone"], "type": "voice"}]


def schedules(svc: dict, service_id: str) -> list[dict]:
    """Weekly opening hours as RFC 5545-style HSDS schedules: one per distinct (opens, closes) pair."""
    if svc.get("open_24_7"):
        return [{"id": derived_id("schedule", service_id, "24/7"), "service_id": service_id, "freq": "WEEKLY",
                 "wkst": "MO", "byday": ",".join(WEEKDAY_CODES), "opens_at": "00:00", "closes_at": "23:59",
                 "description": FLAG_LABELS[FLAG_OPEN_24_7]}]
    groups: dict[tuple[str, str], list[int]] = {}
    for weekday, opens, closes in svc.get("hours", []):
        groups.setdefault((opens, closes), []).append(weekday)
    result = []
    for (opens, closes), days in sorted(groups.items(), key=lambda item: (min(item[1]), item[0])):
        byday = ",".join(WEEKDAY_CODES[d] for d in sorted(set(days)))
        result.append({"id": derived_id("schedule", service_id, opens, closes), "service_id": service_id,
                       "freq": "WEEKLY", "wkst": "MO", "byday": byday, "opens_at": opens, "closes_at": closes,
                       "description": f"{byday} {opens}-{closes}"})
    return result


def service_attributes(svc: dict) -> list[dict]:
    """Categories, eligible genders, trafficking types and the 24/7 flag as taxonomy-term attributes."""
    sid = svc["uuid"]
    result = [attribute(sid, "service", "category", term(CATEGORY_TAXONOMY, slug, category_label(slug)))
              for slug in svc.get("categories", [])]
    result += [attribute(sid, "service", "eligibility", term(GENDER_TAXONOMY, g, GENDERS.get(g, g)))
               for g in svc.get("genders", [])]
    result += [attribute(sid, "service", "eligibility", term(TRAFFICKING_TAXONOMY, t, TRAFFICKING_TYPES.get(t, t)))
               for t in svc.get("trafficking_types", [])]
    if svc.get("open_24_7"):
        result.append(attribute(sid, "service", "flag", term(FLAG_TAXONOMY, FLAG_OPEN_24_7, FLAG_LABELS[FLAG_OPEN_24_7])))
    return result

