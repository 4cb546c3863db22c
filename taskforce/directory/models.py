"""Directory records, shaped after Open Referral HSDS 3.0 (organization → service → location).

`uuid` columns are the HSDS ids: kept on export and re-import so exchanges are idempotent. A confidential
location never leaves the server with its street address (only city and phone). `version` is the optimistic
lock: an edit based on an old version gets a 409, nothing is overwritten.
"""
from datetime import datetime

from sqlalchemy import (Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, delete, event,
                        insert, inspect, literal_column)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from taskforce.directory import search

from taskforce.dbtypes import UTCDateTime, utcnow
from taskforce.extensions import db


class Location(db.Model):
    __tablename__ = "directory_locations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    address_1: Mapped[str] = mapped_column(String(200), default="")
    city: Mapped[str] = mapped_column(String(120), default="")
    state_province: Mapped[str] = mapped_column(String(120), default="")
    postal_code: Mapped[str] = mapped_column(String(20), default="")
    country: Mapped[str] = mapped_column(String(2), default="US")
    latitude: Mapped[float | None] = mapped_column()
    longitude: Mapped[float | None] = mapped_column()
    is_confidential: Mapped[bool] = mapped_column(Boolean, default=False)


class Service(db.Model):
    __tablename__ = "directory_services"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    location_id: Mapped[int | None] = mapped_column(ForeignKey("directory_locations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200), index=True)  # index: result pages are ordered by name
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="active")  # HSDS: active|inactive|defunct|temporarily closed
    min_age: Mapped[int | None] = mapped_column(Integer)
    max_age: Mapped[int | None] = mapped_column(Integer)
    genders: Mapped[str] = mapped_column(String(120), default="")  # comma-separated GENDERS slugs; empty = all
    trafficking_types: Mapped[str] = mapped_column(String(60), default="")  # comma-separated; empty = all
    eligibility_notes: Mapped[str] = mapped_column(Text, default="")
    open_24_7: Mapped[bool] = mapped_column(Boolean, default=False)
    timezone: Mapped[str] = mapped_column(String(64), default="America/Los_Angeles", index=True)  # IANA, for "open now"
    service_area: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")  # E.164 (phonenumbers) where parseable
    email: Mapped[str] = mapped_column(String(254), default="")
    website: Mapped[str] = mapped_column(String(500), default="")
    capacity_available: Mapped[int | None] = mapped_column(Integer)
    capacity_total: Mapped[int | None] = mapped_column(Integer)
    capacity_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    stale_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)

    __mapper_args__ = {"version_id_col": version}

    organization = relationship("Organization", lazy="joined")
    location: Mapped[Location | None] = relationship(lazy="joined")
    categories: Mapped[list["ServiceCategory"]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    languages: Mapped[list["ServiceLanguage"]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    hours: Mapped[list["ServiceHours"]] = relationship(cascade="all, delete-orphan", lazy="selectin",
                                                       order_by="(ServiceHours.weekday, ServiceHours.opens_at)")
    # Added by the directory core: the search index rows, kept in step by `_refresh_search_terms` below.
    terms: Mapped[list["ServiceTerm"]] = relationship(viewonly=True, lazy="select")  # rows die by ON DELETE CASCADE

    @property
    def category_slugs(self) -> list[str]:
        return sorted(c.category for c in self.categories)

    @property
    def language_codes(self) -> list[str]:
        return sorted(lang.code for lang in self.languages)


class ServiceCategory(db.Model):
    __tablename__ = "directory_service_categories"
    __table_args__ = (UniqueConstraint("service_id", "category"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("directory_services.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(40), index=True)  # a taxonomy.CATEGORIES slug


class ServiceLanguage(db.Model):
    __tablename__ = "directory_service_languages"
    __table_args__ = (UniqueConstraint("service_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("directory_services.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(3), index=True)  # ISO 639-1 (two letters) where one exists


class ServiceHours(db.Model):
    """One opening interval of a weekly schedule, in the service's own time zone (HSDS schedule)."""

    __tablename__ = "directory_service_hours"
    # "Open now" asks, per service, whether one of its intervals covers a time: the service leads the index.
    __table_args__ = (Index("ix_directory_service_hours_open_now", "service_id", "weekday", "opens_at", "closes_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("directory_services.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int] = mapped_column(Integer)  # 0 = Monday … 6 = Sunday
    opens_at: Mapped[str] = mapped_column(String(5))  # "HH:MM"
    closes_at: Mapped[str] = mapped_column(String(5))  # "HH:MM"; "24:00" = midnight; closes < opens = overnight


class ServiceTerm(db.Model):
    """Search index: one row per (service, word) with the word's weight (search.index_terms).

    A range on `term` finds candidates through the index on both SQLite and PostgreSQL, so a search stays fast
    at 50,000 services. The "C" collation on PostgreSQL makes the prefix range compare bytes, as SQLite does.
    The partial index holds only the words of service names (weight ≥ NAME_WEIGHT): the services that rank
    first are found there without reading every service that mentions a common word in its description; the
    by-service index then reads their weights without touching the table.
    """

    __tablename__ = "directory_service_terms"
    __table_args__ = (UniqueConstraint("service_id", "term"),
                      Index("ix_directory_service_terms_lookup", "term", "service_id", "weight"),
                      Index("ix_directory_service_terms_by_service", "service_id", "term", "weight"),
                      Index("ix_directory_service_terms_in_name", "term", "service_id", "weight",
                            sqlite_where=literal_column("weight") >= literal_column(str(search.NAME_WEIGHT)),
                            postgresql_where=literal_column("weight") >= literal_column(str(search.NAME_WEIGHT))))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("directory_services.id", ondelete="CASCADE"))
    term: Mapped[str] = mapped_column(String(search.MAX_TERM_LENGTH).with_variant(
        String(search.MAX_TERM_LENGTH, collation="C"), "postgresql"))
    weight: Mapped[int] = mapped_column(Integer)


_INDEXED_FIELDS = ("name", "description", "organization_id")


@event.listens_for(Session, "after_flush")
def _refresh_search_terms(session, _flush_context):
    """Re-index a service whenever its name, description or organization changes, whoever writes it (the
    editor, the HSDS or CSV import), so search never misses a service. Core statements, not ORM objects:
    an import of 50,000 services writes its index rows in bulk."""
    changed = []
    for obj in list(session.new) + list(session.dirty):
        if not isinstance(obj, Service) or obj.id is None:
            continue
        state = inspect(obj)
        if obj in session.new or any(state.attrs[f].history.has_changes() for f in _INDEXED_FIELDS):
            changed.append(obj)
    if not changed:
        return
    organization_class = Service.organization.property.mapper.class_
    rows = []
    with session.no_autoflush:
        for service in changed:
            organization = service.organization
            if organization is None or organization.id != service.organization_id:
                organization = session.get(organization_class, service.organization_id)
            terms = search.index_terms(service.name or "", organization.name if organization else "",
                                       service.description or "")
            rows.extend({"service_id": service.id, "term": term, "weight": weight} for term, weight in terms.items())
    table = ServiceTerm.__table__
    connection = session.connection()
    old = [s.id for s in changed if s not in session.new]
    if old:
        connection.execute(delete(table).where(table.c.service_id.in_(old)))
    if rows:
        connection.execute(insert(table), rows)
