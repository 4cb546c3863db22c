"""Joint trainings, their sessions, seats, registrations and the waitlist; attendance and evaluation.

Times are stored in UTC with the organizer's IANA zone beside them (`tz`): a series is expanded in that
zone (timing.py) so that 09:00 stays 09:00 across a DST change. `sequence` is RFC 5545's SEQUENCE: it
grows whenever a change matters to someone's calendar (time, place, cancellation), so subscribed calendars
replace their copy.

Evaluation answers (`EvaluationAnswer`) are stored apart from who submitted (`EvaluationReceipt`): the
answer row has no user, no registration, no time finer than the day and a random id, so nothing links it
back to a person.
"""
import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from taskforce.dbtypes import UTCDateTime, enum_column, utcnow
from taskforce.extensions import db
from taskforce.training import topics


class _Labelled(str, enum.Enum):
    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Format(_Labelled):
    IN_PERSON = "in_person"
    VIRTUAL = "virtual"
    HYBRID = "hybrid"


class TrainingStatus(_Labelled):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class RegistrationState(_Labelled):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    OFFERED = "offered"
    CANCELLED = "cancelled"
    ATTENDED = "attended"
    NO_SHOW = "no_show"

    @property
    def holds_seat(self) -> bool:
        return self in (RegistrationState.CONFIRMED, RegistrationState.OFFERED, RegistrationState.ATTENDED,
                        RegistrationState.NO_SHOW)

    @property
    def is_active(self) -> bool:
        return self is not RegistrationState.CANCELLED


HELD_STATES = (RegistrationState.CONFIRMED, RegistrationState.OFFERED, RegistrationState.ATTENDED,
               RegistrationState.NO_SHOW)


class ChangeKind(_Labelled):
    SKIPPED = "skipped"      # an exception of the series: the session never happens (EXDATE)
    CANCELLED = "cancelled"  # a session called off after it was announced (RECURRENCE-ID, STATUS:CANCELLED)
    MOVED = "moved"          # a session at another time (RECURRENCE-ID with its own DTSTART)


class Training(db.Model):
    __tablename__ = "trainings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(64), unique=True)  # the feeds' stable UID
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    host_organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    format: Mapped[Format] = mapped_column(enum_column(Format, "training_format"), default=Format.IN_PERSON)
    is_exercise: Mapped[bool] = mapped_column(Boolean, default=False)  # scenario / role-play exercise
    place: Mapped[str] = mapped_column(String(300), default="")
    link: Mapped[str] = mapped_column(String(500), default="")  # shown to registrants only
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)  # the first session
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    series_ends_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)  # end of the last session
    tz: Mapped[str] = mapped_column(String(64))
    rrule: Mapped[str | None] = mapped_column(String(200))
    capacity: Mapped[int] = mapped_column(Integer)
    reservation_release_days: Mapped[int] = mapped_column(Integer, default=7)
    offer_hours: Mapped[int] = mapped_column(Integer, default=48)
    audience_sector: Mapped[str | None] = mapped_column(String(32), index=True)  # None: all partners
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    materials: Mapped[str] = mapped_column(Text, default="")  # one link per line
    status: Mapped[TrainingStatus] = mapped_column(enum_column(TrainingStatus, "training_status"),
                                                   default=TrainingStatus.SCHEDULED, index=True)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    host_organization = relationship("Organization", lazy="joined")
    co_hosts: Mapped[list["TrainingCoHost"]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    topic_tags: Mapped[list["TrainingTopic"]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    reservations: Mapped[list["SeatReservation"]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    changes: Mapped[list["OccurrenceChange"]] = relationship(cascade="all, delete-orphan", lazy="selectin",
                                                             order_by="OccurrenceChange.recurrence_id")

    @property
    def is_cancelled(self) -> bool:
        return self.status is TrainingStatus.CANCELLED

    @property
    def topics(self) -> list[str]:
        return sorted(tag.topic for tag in self.topic_tags)

    @property
    def topic_labels(self) -> list[str]:
        return [topics.label(slug) for slug in self.topics]

    @property
    def co_host_ids(self) -> list[int]:
        return sorted(c.organization_id for c in self.co_hosts)

    @property
    def reserved(self) -> dict[str, int]:
        return {r.sector: r.seats for r in self.reservations if r.seats > 0}

    @property
    def material_links(self) -> list[str]:
        return [line.strip() for line in self.materials.splitlines() if line.strip()]


class TrainingCoHost(db.Model):
    __tablename__ = "training_co_hosts"
    __table_args__ = (UniqueConstraint("training_id", "organization_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    training_id: Mapped[int] = mapped_column(ForeignKey("trainings.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    organization = relationship("Organization", lazy="joined")


class TrainingTopic(db.Model):
    __tablename__ = "training_topics"
    __table_args__ = (UniqueConstraint("training_id", "topic"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    training_id: Mapped[int] = mapped_column(ForeignKey("trainings.id", ondelete="CASCADE"), index=True)
    topic: Mapped[str] = mapped_column(String(40), index=True)  # a slug of topics.TOPICS


class SeatReservation(db.Model):
    __tablename__ = "training_seat_reservations"
    __table_args__ = (UniqueConstraint("training_id", "sector"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    training_id: Mapped[int] = mapped_column(ForeignKey("trainings.id", ondelete="CASCADE"), index=True)
    sector: Mapped[str] = mapped_column(String(32))  # a `Sector` value
    seats: Mapped[int] = mapped_column(Integer)


class OccurrenceChange(db.Model):
    """One session of a series skipped, cancelled or moved; keyed by its original start (RECURRENCE-ID)."""

    __tablename__ = "training_occurrence_changes"
    __table_args__ = (UniqueConstraint("training_id", "recurrence_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    training_id: Mapped[int] = mapped_column(ForeignKey("trainings.id", ondelete="CASCADE"), index=True)
    recurrence_id: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[ChangeKind] = mapped_column(enum_column(ChangeKind, "occurrence_change"))
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sequence: Mapped[int] = mapped_column(Integer, default=0)


class WaitlistEntry(db.Model):
    """A place in line: one member, or several staff a trainer registered together (one entry, N seats).
    Its id is its place: entries are created under the training's lock, so ids follow arrival order."""

    __tablename__ = "training_waitlist_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    training_id: Mapped[int] = mapped_column(ForeignKey("trainings.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    seats: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Registration(db.Model):
    __tablename__ = "training_registrations"
    __table_args__ = (UniqueConstraint("training_id", "user_id"),
                      Index("ix_training_registrations_training_state", "training_id", "state"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    training_id: Mapped[int] = mapped_column(ForeignKey("trainings.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    registered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    sector: Mapped[str] = mapped_column(String(32))  # the member's sector when they registered (seat rules)
    state: Mapped[RegistrationState] = mapped_column(enum_column(RegistrationState, "registration_state"))
    waitlist_entry_id: Mapped[int | None] = mapped_column(ForeignKey("training_waitlist_entries.id"), index=True)
    offer_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    offer_lapsed: Mapped[bool] = mapped_column(Boolean, default=False)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    training: Mapped[Training] = relationship(lazy="joined")
    user = relationship("User", foreign_keys=[user_id], lazy="joined")


class FeedKey(db.Model):
    """A member's secret feed: the URL carries `key_id` and an HMAC of it under the app's secret key, so
    the database alone does not open a feed; a new key (revoke) kills the old URL."""

    __tablename__ = "training_feed_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    key_id: Mapped[str] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CheckInCode(db.Model):
    """A per-session code members type on their phone; each member may use it once."""

    __tablename__ = "training_check_in_codes"
    __table_args__ = (UniqueConstraint("training_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    training_id: Mapped[int] = mapped_column(ForeignKey("trainings.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(12))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class EvaluationReceipt(db.Model):
    """That a member submitted an evaluation stage — and nothing of what they answered."""

    __tablename__ = "training_evaluation_receipts"
    # SQLite keeps a rowid in insertion order on ordinary tables; without it the rows lie in key order.
    __table_args__ = {"sqlite_with_rowid": False}

    # No serial id: a counter would record the order of submissions, to line up with the answers.
    training_id: Mapped[int] = mapped_column(ForeignKey("trainings.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    stage: Mapped[str] = mapped_column(String(16), primary_key=True)  # pre_quiz | reaction | follow_up


class EvaluationAnswer(db.Model):
    """One anonymous evaluation: a random key (no order to line up with receipts), the day only.

    No serial id and no time finer than the day; on SQLite the table has no rowid (rows lie in the random
    key's order, not the order they came in). PostgreSQL's heap still follows insertion: see design notes."""

    __tablename__ = "training_evaluation_answers"
    __table_args__ = {"sqlite_with_rowid": False}

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    training_id: Mapped[int] = mapped_column(ForeignKey("trainings.id", ondelete="CASCADE"), index=True)
    stage: Mapped[str] = mapped_column(String(16))
    submitted_on: Mapped[date] = mapped_column(Date)
    relevance: Mapped[int | None] = mapped_column(Integer)
    engagement: Mapped[int | None] = mapped_column(Integer)
    recommend: Mapped[int | None] = mapped_column(Integer)
    confidence_before: Mapped[int | None] = mapped_column(Integer)
    confidence_now: Mapped[int | None] = mapped_column(Integer)
    quiz_pre: Mapped[int | None] = mapped_column(Integer)   # percent correct
    quiz_post: Mapped[int | None] = mapped_column(Integer)
    used_in_case: Mapped[bool | None] = mapped_column(Boolean)
    comment: Mapped[str] = mapped_column(Text, default="")   # passed the anonymizer check
    barriers: Mapped[str] = mapped_column(Text, default="")  # level 3: what got in the way (checked too)


class TrainingDataVersion(db.Model):
    """One row: a counter every write of calendar data bumps in its own transaction (`versions.py`), so a
    cached month is keyed by the data it was built from. `epoch` is random per row: a new database (or a
    truncated table) starts a new epoch, so its counter never meets keys cached from another one."""

    __tablename__ = "training_data_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    epoch: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer, default=0)
