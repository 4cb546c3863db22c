"""PURE: one schema-valid HSDS object turned into directory records (the half of the reader that knows fields).

Field rules are the directory editor's own (`validation`): e-mail, http(s) website, ISO 639-1 languages, ages
0–120 with min ≤ max, lengths of the columns. What cannot be kept without losing the record (a phone in an odd
format, coordinates off the globe, unknown language codes) is noted rather than refused.
"""
import math
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from taskforce.directory import validation
from taskforce.directory.exchange import hsds
from taskforce.directory.languages import is_language_code
from taskforce.directory.exchange.hsds_terms import (categories_of, date_of, hours_from_schedules, language_code,
                                                     terms_of)
from taskforce.directory.taxonomy import GENDERS, TRAFFICKING_TYPES
from taskforce.errors import ValidationError

LIMITS = {"name": 200, "email": 254, "website": 500, "phone": 40, "service_area": 200, "address_1": 200,
          "city": 120, "state_province": 120, "postal_code": 20, "timezone": 64}
CONTROL_REASON = "contains control characters (such as NUL) or broken Unicode; remove them and import again"


def is_clean_text(value: str) -> bool:
    """Text a database stores as written: no control characters but tab and line breaks (PostgreSQL refuses NUL),
    no lone surrogates (they cannot be encoded as UTF-8). The editor's rule (`clean_text`), plus surrogates."""
    return not any((ord(ch) < 32 and ch not in "\t\n\r") or 0xD800 <= ord(ch) <= 0xDFFF
                   for ch in value)


@dataclass
class Problem:
    file: str
    path: str
    reason: str

    def as_dict(self) -> dict:
        return {"file": self.file, "path": self.path, "reason": self.reason}


@dataclass
class Batch:
    """Everything readable from a set of files: records keyed by HSDS id, plus what was refused or skipped."""

    organizations: dict = field(default_factory=dict)
    locations: dict = field(default_factory=dict)
    services: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    records_seen: int = 0


class Reader:
    """Turns one schema-valid object into directory records; domain limits become Problems."""

    def __init__(self, file: str, path: str, staged: Batch):
        self.file, self.base, self.staged, self.problems = file, path, staged, []

    def problem(self, path: str, reason: str) -> None:
        self.problems.append(Problem(self.file, self.base + path[1:], reason))

    def text(self, obj: dict, key: str, path: str, limit_key: str | None = None, into: dict | None = None,
             target: str | None = None, clip: bool = False) -> None:
        if key not in obj or into is None:
            return
        value = (obj[key] or "").strip()
        if not is_clean_text(value):
            self.problem(f"{path}.{key}", CONTROL_REASON)
            return
        limit = LIMITS.get(limit_key or target or key)
        if limit and len(value) > limit:
            if not clip:
                self.problem(f"{path}.{key}", f"is too long for the directory (at most {limit} characters)")
                return
            value = value[:limit - 1] + "…"
        into[target or key] = value

    def organization(self, obj: dict, path: str) -> str:
        record = {"uuid": obj["id"]}
        self.text(obj, "name", path, into=record)
        sectors = terms_of(obj, hsds.SECTOR_TAXONOMY)
        if sectors:
            record["sector"] = sectors[0]
        self.staged.organizations.setdefault(obj["id"], {}).update(record)
        for i, loc in enumerate(obj.get("locations") or []):
            self.location(loc, f"{path}.locations[{i}]", organization_uuid=obj["id"])
        for i, svc in enumerate(obj.get("services") or []):
            self.service(svc, f"{path}.services[{i}]", organization_uuid=obj["id"])
        return obj["id"]

    def location(self, obj: dict, path: str, organization_uuid: str | None = None) -> str:
        record = {"uuid": obj["id"], "_source": (self.file, self.base + path[1:])}
        organization_uuid = obj.get("organization_id") or organization_uuid
        if organization_uuid:
            record["organization_uuid"] = organization_uuid
        self.text(obj, "name", path, into=record)
        address = next((a for a in obj.get("addresses") or [] if a.get("address_type") == "physical"),
                       (obj.get("addresses") or [None])[0])
        if address:
            for key in ("address_1", "city", "state_province", "postal_code"):
                self.text(address, key, f"{path}.addresses[0]", into=record)
            country = (address.get("country") or "").strip().upper()
            if len(country) != 2 or not country.isalpha():
                self.problem(f"{path}.addresses[0].country", "must be a two-letter ISO 3166 country code")
            record["country"] = country
        for key in ("latitude", "longitude"):
            if key in obj:
                bound = 90 if key == "latitude" else 180
                if math.isfinite(obj[key]) and -bound <= obj[key] <= bound:
                    record[key] = float(obj[key])
                else:  # the official examples carry 100/101: drop the point, keep the record
                    self.staged.notes.append(f"{self.file} {self.base + path[1:]}.{key}: {obj[key]} is off the "
                                             "globe; the coordinates were left out.")
                    record.pop("latitude", None)
                    break
        if "attributes" in obj:
            record["is_confidential"] = hsds.FLAG_CONFIDENTIAL in terms_of(obj, hsds.FLAG_TAXONOMY)
        self.staged.locations.setdefault(obj["id"], {}).update(record)
        return obj["id"]

    def service(self, obj: dict, path: str, organization_uuid: str | None = None) -> str:
        """A service record, field group by field group; its nested organization and first site are read too."""
        record = {"uuid": obj["id"], "_source": (self.file, self.base + path[1:])}
        organization_uuid = self._service_owner(obj, path, record, organization_uuid)
        self._service_texts(obj, path, record)
        self._ages(obj, path, record)
        self._service_contact(obj, path, record)
        self._service_languages(obj, path, record)
        self._service_area(obj, path, record)
        self._service_assured_date(obj, path, record)
        self._service_timezone(obj, path, record)
        self._service_terms(obj, record)
        self._service_hours(obj, record)
        self._service_site(obj, path, record, organization_uuid)
        self.staged.services.setdefault(obj["id"], {}).update(record)
        return obj["id"]

    def _service_owner(self, obj: dict, path: str, record: dict, organization_uuid: str | None) -> str | None:
        """The organization: a nested one (read as well), its `organization_id`, or the enclosing one's."""
        if isinstance(obj.get("organization"), dict):
            organization_uuid = self.organization(obj["organization"], f"{path}.organization")
        organization_uuid = obj.get("organization_id") or organization_uuid
        if organization_uuid:
            record["organization_uuid"] = organization_uuid
        return organization_uuid

    def _service_texts(self, obj: dict, path: str, record: dict) -> None:
        self.text(obj, "name", path, into=record)
        self.text(obj, "description", path, into=record)
        self.text(obj, "eligibility_description", path, into=record, target="eligibility_notes")
        self.cleaned(obj, "email", path, record, "email",
                     lambda v: validation.clean_email(v) if v.strip() else "")
        self.cleaned(obj, "url", path, record, "website", validation.clean_website)
        if "status" in obj:
            if is_clean_text(obj["status"]):
                record["status"] = obj["status"]
            else:
                self.problem(f"{path}.status", CONTROL_REASON)

    def _service_contact(self, obj: dict, path: str, record: dict) -> None:
        """The first phone (an empty list clears the directory's)."""
        if "phones" in obj:
            record["phone"] = ""
            if obj["phones"]:
                self.phone(obj["phones"][0]["number"], f"{path}.phones[0].number", record)

    def _service_languages(self, obj: dict, path: str, record: dict) -> None:
        """ISO 639-1 codes kept; any other code noted and left out."""
        if "languages" in obj:
            codes = {language_code(lang) for lang in obj["languages"]}
            record["languages"] = sorted(c for c in codes if is_language_code(c))
            unknown = sorted(str(c) for c in codes if not is_language_code(c))
            if unknown:
                self.staged.notes.append(f"{self.file} {self.base + path[1:]}.languages: {', '.join(unknown)} "
                                         "not ISO 639-1 two-letter codes; left out.")

    def _service_area(self, obj: dict, path: str, record: dict) -> None:
        """The areas' names joined into the one text the directory keeps (clipped, never refused)."""
        if "service_areas" in obj:
            names = "; ".join(str(a.get("name") or a.get("description") or "") for a in obj["service_areas"] or []
                              if isinstance(a, dict)).strip("; ")
            self.text({"area": names}, "area", path, target="service_area", into=record, clip=True)

    def _service_assured_date(self, obj: dict, path: str, record: dict) -> None:
        if "assured_date" in obj:
            record["last_verified_at"] = date_of(obj["assured_date"])
            if record["last_verified_at"] is None:
                self.problem(f"{path}.assured_date", "must be a date like 2024-05-16")

    def _service_timezone(self, obj: dict, path: str, record: dict) -> None:
        """Our own extension field: the IANA zone that "open now" reads the hours in."""
        if obj.get("taskforce_timezone"):
            zone = obj["taskforce_timezone"]
            try:
                if not isinstance(zone, str) or len(zone) > LIMITS["timezone"]:
                    raise ValueError("not a time zone name")
                ZoneInfo(zone)  # a very long or odd name raises OSError, NUL a ValueError
                record["timezone"] = zone
            except (ZoneInfoNotFoundError, ValueError, OSError):
                self.problem(f"{path}.taskforce_timezone", "is not an IANA time zone such as America/Chicago")

    @staticmethod
    def _service_terms(obj: dict, record: dict) -> None:
        """Categories, genders, trafficking types and the 24/7 flag, from the attributes' taxonomy terms."""
        if "attributes" in obj:
            record["categories"] = sorted(set(categories_of(obj)))
            record["genders"] = sorted(set(terms_of(obj, hsds.GENDER_TAXONOMY)) & set(GENDERS))
            record["trafficking_types"] = sorted(set(terms_of(obj, hsds.TRAFFICKING_TAXONOMY)) & set(TRAFFICKING_TYPES))
            record["open_24_7"] = hsds.FLAG_OPEN_24_7 in terms_of(obj, hsds.FLAG_TAXONOMY)

    @staticmethod
    def _service_hours(obj: dict, record: dict) -> None:
        """Weekly hours from the schedules; every day around the clock is the 24/7 flag instead."""
        if "schedules" in obj:
            hours, always = hours_from_schedules(obj["schedules"])
            record["hours"] = [] if always else hours
            record["open_24_7"] = record.get("open_24_7", False) or always

    def _service_site(self, obj: dict, path: str, record: dict, organization_uuid: str | None) -> None:
        """The first of the service's sites (the directory keeps one; more are noted)."""
        links = obj.get("service_at_locations") or []
        if links:
            record["location_uuid"] = self.service_at_location(links[0], f"{path}.service_at_locations[0]",
                                                               service_record=record, organization_uuid=organization_uuid)
            if len(links) > 1:
                self.staged.notes.append(f"{self.file} {self.base}: the directory keeps one location per service; "
                                         f"only the first of {len(links)} was imported.")

    def service_at_location(self, obj: dict, path: str, service_record: dict | None = None,
                            organization_uuid: str | None = None) -> str | None:
        location_uuid = obj.get("location_id")
        service_uuid = obj.get("service_id")
        if isinstance(obj.get("service"), dict) and service_record is None:
            service_uuid = self.service(obj["service"], f"{path}.service")
            organization_uuid = self.staged.services[service_uuid].get("organization_uuid")
        if isinstance(obj.get("location"), dict):
            location_uuid = self.location(obj["location"], f"{path}.location", organization_uuid=organization_uuid)
        if service_record is None and service_uuid and location_uuid:
            link = self.staged.services.setdefault(service_uuid, {"uuid": service_uuid})
            link["location_uuid"] = location_uuid
            link.setdefault("_source", (self.file, self.base + path[1:]))
        if service_record is None and not service_uuid:
            self.problem(path, "names no service (service_id or service is required to link a location)")
        return location_uuid

    def cleaned(self, obj: dict, key: str, path: str, record: dict, target: str, clean) -> None:
        """Apply one of the directory's own field checks (the editor's rules) to an imported value."""
        if key not in obj:
            return
        if isinstance(obj[key], str) and not is_clean_text(obj[key]):
            self.problem(f"{path}.{key}", CONTROL_REASON)
            return
        try:
            record[target] = clean(obj[key])
        except ValidationError as error:
            self.problem(f"{path}.{key}", error.message)

    def phone(self, number: str, path: str, record: dict) -> None:
        """Stored as E.164 when it can be dialled; another exchange's odd format is kept as written."""
        raw = number.strip().strip('"').strip()
        if not is_clean_text(raw):
            self.problem(path, CONTROL_REASON)
            return
        try:
            record["phone"] = validation.clean_phone(raw)
        except ValidationError:
            if len(raw) > LIMITS["phone"]:
                self.problem(path, f"is too long for the directory (at most {LIMITS['phone']} characters)")
            else:
                record["phone"] = raw

    def _ages(self, obj: dict, path: str, record: dict) -> None:
        for key, target in (("minimum_age", "min_age"), ("maximum_age", "max_age")):
            if key in obj:
                value = obj[key]
                if not math.isfinite(value) or value != int(value) or not 0 <= value <= 120:
                    self.problem(f"{path}.{key}", "must be a whole number of years between 0 and 120")
                    continue
                record[target] = int(value)
        if record.get("min_age") is not None and record.get("max_age") is not None \
                and record["min_age"] > record["max_age"]:
            self.problem(f"{path}.minimum_age", "is above maximum_age")

