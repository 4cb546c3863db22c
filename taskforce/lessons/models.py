"""Anonymized case lessons: the lesson, its released versions, review and reader comments, helpful marks.

Every text column here holds text that already passed the anonymizer check (DESIGN §1): the author's raw
text is never stored. A revision of a published lesson is a working copy (its own Lesson row with
`revision_of_id`), so it goes through the same check and review; when released, its text is copied into
the original lesson (same address, comments and marks) and the working copy is removed.

Two numbers on a lesson, for two different things: `version` counts *released* versions (1, 2, … as a
reader sees them); `edit_version` is the optimistic lock, raised by every write (a draft saved, submitted,
sent back, published), so a save or a review based on an older page gets a 409 and overwrites nothing.
"""
import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from taskforce.dbtypes import UTCDateTime, utcnow
from taskforce.extensions import db
from taskforce.lessons import indicators


def _enum(enum_cls, name):
    return Enum(enum_cls, native_enum=False, length=32, name=name,
                values_callable=lambda members: [m.value for m in members])


class _Labelled(str, enum.Enum):
    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class TraffickingType(_Labelled):
    SEX = "sex"
    LABOR = "labor"
    BOTH = "both"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return {"sex": "Sex trafficking", "labor": "Labor trafficking", "both": "Sex and labor trafficking",
                "unknown": "Type not established"}[self.value]


class JurisdictionLevel(_Labelled):
    LOCAL = "local"
    STATE = "state"
    FEDERAL = "federal"
    TRIBAL = "tribal"
    INTERNATIONAL = "international"


class Status(_Labelled):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    CHANGES_REQUESTED = "changes_requested"
    PUBLISHED = "published"
    RETIRED = "retired"


class Visibility(_Labelled):
    TASK_FORCE = "task_force"
    SECTOR = "sector"

    @property
    def label(self) -> str:
        return {"task_force": "Whole task force", "sector": "Author's sector only"}[self.value]


TEXT_FIELDS = ("title", "summary", "what_happened", "what_worked", "what_did_not", "recommendation")


class Lesson(db.Model):
    __tablename__ = "lessons"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    what_happened: Mapped[str] = mapped_column(Text, default="")
    what_worked: Mapped[str] = mapped_column(Text, default="")
    what_did_not: Mapped[str] = mapped_column(Text, default="")
    recommendation: Mapped[str] = mapped_column(Text, default="")
    trafficking_type: Mapped[TraffickingType] = mapped_column(_enum(TraffickingType, "trafficking_type"),
                                                              default=TraffickingType.UNKNOWN, index=True)
    jurisdiction_level: Mapped[JurisdictionLevel] = mapped_column(_enum(JurisdictionLevel, "jurisdiction_level"),
                                                                  default=JurisdictionLevel.LOCAL)
    case_year: Mapped[int | None] = mapped_column(Integer, index=True)
    status: Mapped[Status] = mapped_column(_enum(Status, "lesson_status"), default=Status.DRAFT, index=True)
    visibility: Mapped[Visibility] = mapped_column(_enum(Visibility, "lesson_visibility"),
                                                   default=Visibility.TASK_FORCE, index=True)
    # The author's sector (a `Sector` value) when the lesson was started: "sector only" lessons are visible to that sector.
    sector: Mapped[str] = mapped_column(String(32), index=True)  # a `Sector` value
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revision_of_id: Mapped[int | None] = mapped_column(ForeignKey("lessons.id"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    edit_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    author = relationship("User", foreign_keys=[author_id], lazy="joined")
    reviewer = relationship("User", foreign_keys=[reviewer_id])
    indicator_tags: Mapped[list["LessonIndicator"]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    sector_tags: Mapped[list["LessonSector"]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    decisions: Mapped[list["NotIdentifyingDecision"]] = relationship(cascade="all, delete-orphan")
    replacements: Mapped[list["LessonReplacement"]] = relationship(
        cascade="all, delete-orphan", order_by="LessonReplacement.start")
    review_comments: Mapped[list["LessonReviewComment"]] = relationship(
        cascade="all, delete-orphan", order_by="LessonReviewComment.id")

    @property
    def indicators(self) -> list[str]:
        return sorted(tag.indicator for tag in self.indicator_tags)

    @property
    def indicator_labels(self) -> list[str]:
        return [indicators.label(slug) for slug in self.indicators]

    @property
    def sectors(self) -> list[str]:
        return sorted(tag.sector for tag in self.sector_tags)

    @property
    def is_revision(self) -> bool:
        return self.revision_of_id is not None

    @property
    def is_editable(self) -> bool:
        return self.status in (Status.DRAFT, Status.CHANGES_REQUESTED)

    def texts(self) -> dict[str, str]:
        return {field: getattr(self, field) or "" for field in TEXT_FIELDS}


class LessonIndicator(db.Model):
    __tablename__ = "lesson_indicators"

    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), primary_key=True)
    indicator: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)


class LessonSector(db.Model):
    """A sector involved in the case (not who may read the lesson: that is `Lesson.visibility`)."""

    __tablename__ = "lesson_sectors"

    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), primary_key=True)
    sector: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)  # a `Sector` value


class NotIdentifyingDecision(db.Model):
    """A flagged detail the author kept, saying why it identifies no one. The flagged text is stored too:
    it is in the lesson text anyway, and the reviewer needs to see what was waved through."""

    __tablename__ = "lesson_not_identifying"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(32))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    rule: Mapped[str] = mapped_column(String(120), default="")
    text: Mapped[str] = mapped_column(String(400))
    reason: Mapped[str] = mapped_column(String(300))
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LessonReplacement(db.Model):
    """Where the author replaced a flagged detail, for the reviewer: the place, the kind of detail and how it
    was replaced. Only the replacement is stored (it stands in the lesson text anyway), never the detail."""

    __tablename__ = "lesson_replacements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(32))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    how: Mapped[str] = mapped_column(String(16))  # redact | suggest | replace
    text: Mapped[str] = mapped_column(String(120))
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LessonRevision(db.Model):
    """The text of each released version, kept when a newer version replaces it."""

    __tablename__ = "lesson_revisions"
    __table_args__ = (UniqueConstraint("lesson_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    what_happened: Mapped[str] = mapped_column(Text, default="")
    what_worked: Mapped[str] = mapped_column(Text, default="")
    what_did_not: Mapped[str] = mapped_column(Text, default="")
    recommendation: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    published_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class _CommentColumns:
    """What every note on a lesson has: the lesson, who wrote it, the (checked) text, when."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @declared_attr
    def author(cls):
        return relationship("User", lazy="joined")


class LessonReviewComment(_CommentColumns, db.Model):
    """A coordinator's note when sending a lesson back to its author."""

    __tablename__ = "lesson_review_comments"


class LessonComment(_CommentColumns, db.Model):
    """A reader's comment on a published lesson (passed the anonymizer check before it was stored)."""

    __tablename__ = "lesson_comments"


class LessonHelpfulMark(db.Model):
    __tablename__ = "lesson_helpful_marks"
    __table_args__ = (UniqueConstraint("lesson_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
