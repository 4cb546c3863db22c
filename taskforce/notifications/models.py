"""Notification rows: one per recipient, so reading, filtering and mailing are per person.

A row holds only what the bell and the page show: the kind, which object it points at (type and id, no
content), a short sentence without case details, and an address inside the app. Users are referred to by
table name (`users.id`): the platform imports no domain.
"""
import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from taskforce.dbtypes import UTCDateTime, enum_column, utcnow
from taskforce.extensions import db
from taskforce.notifications.rules import Delivery

MAX_TEXT = 300
MAX_URL = 500


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_id_id", "user_id", "id"),
                      Index("ix_notifications_user_id_read_at", "user_id", "read_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(MAX_TEXT))
    # What an email may say (no author, no message text): "You were mentioned in #intake".
    email_text: Mapped[str] = mapped_column(String(MAX_TEXT))
    url: Mapped[str] = mapped_column(String(MAX_URL))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    digest_id: Mapped[int | None] = mapped_column(ForeignKey("notification_digests.id", ondelete="SET NULL"),
                                                  index=True)

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(db.Model):
    """How one member hears about one kind: in the app only (no row), email at once, or the daily digest."""

    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    delivery: Mapped[Delivery] = mapped_column(enum_column(Delivery, "notification_delivery"))


class NotificationDigest(db.Model):
    """One daily digest of one member, claimed before it is mailed: the (user, day) key makes a second run
    of `send-digests` (or two at once) find it taken, so a digest is never sent twice."""

    __tablename__ = "notification_digests"
    __table_args__ = (UniqueConstraint("user_id", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notification_count: Mapped[int] = mapped_column(Integer, default=0)


class HomeVisit(db.Model):
    """When a member last opened Home, so "new since your last visit" means since the previous morning,
    not since the last reload (a visit counts as new after an hour away)."""

    __tablename__ = "home_visits"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    previous_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
