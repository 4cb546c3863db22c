"""Channels, who is in them, and what was said.

A message's integer id is its place in the conversation: ids only grow, clients order and catch up by them
(DESIGN §4). Nothing said is ever hard-deleted: a deleted message keeps its row with `deleted_at` set, and
an edit keeps the previous body in `MessageRevision` (coordinators read those).
"""
import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from taskforce.dbtypes import UTCDateTime, enum_column, utcnow
from taskforce.extensions import db

MAX_BODY = 10_000
MAX_CLIENT_ID = 64
REACTIONS = ("👍", "✅", "❤️", "🙏", "👀", "🎉")


class ChannelKind(str, enum.Enum):
    TASK_FORCE = "task_force"  # every active member of the task force
    SECTOR = "sector"          # the members of one sector (plus coordinators)
    PRIVATE = "private"        # invited members only, across organizations
    TRAINING = "training"      # the registrants of one joint training (members added by the training work)

    @property
    def label(self) -> str:
        return {"task_force": "Task force", "sector": "Sector", "private": "Private",
                "training": "Training"}[self.value]

    @property
    def has_explicit_members(self) -> bool:
        return self in (ChannelKind.PRIVATE, ChannelKind.TRAINING)


class Channel(db.Model):
    __tablename__ = "channels"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    topic: Mapped[str] = mapped_column(String(250), default="")
    kind: Mapped[ChannelKind] = mapped_column(enum_column(ChannelKind, "channel_kind"), index=True)
    sector: Mapped[str | None] = mapped_column(String(32), index=True)  # a `Sector` value, for sector channels
    training_id: Mapped[int | None] = mapped_column(Integer, index=True)  # no FK: the training work links it
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class ChannelMembership(db.Model):
    """An invitation to a private channel, or (any kind) the member's read position and mute switch.

    Rows for task_force and sector channels are created lazily when the member first reads; the right to
    read those comes from the rule (everyone / the sector), never from the row."""

    __tablename__ = "channel_memberships"
    __table_args__ = (UniqueConstraint("channel_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    last_read_message_id: Mapped[int] = mapped_column(Integer, default=0)
    muted: Mapped[bool] = mapped_column(Boolean, default=False)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped["User"] = relationship("User", lazy="joined")  # noqa: F821


class Message(db.Model):
    __tablename__ = "channel_messages"
    __table_args__ = (UniqueConstraint("author_id", "client_id", name="uq_channel_message_client_id"),
                      Index("ix_channel_messages_channel_id_id", "channel_id", "id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    client_id: Mapped[str] = mapped_column(String(MAX_CLIENT_ID))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("channel_messages.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The number of the message's latest edit, deletion or reaction change: one counter for all messages,
    # handed out in commit order like ids, so `sync` can bring a client's copies up to date too.
    change_seq: Mapped[int | None] = mapped_column(Integer, index=True)

    author: Mapped["User"] = relationship("User", lazy="joined")  # noqa: F821
    reactions: Mapped[list["Reaction"]] = relationship(lazy="selectin", order_by="Reaction.id")

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class MessageRevision(db.Model):
    """A body a message had before an edit (coordinators can read the history)."""

    __tablename__ = "channel_message_revisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("channel_messages.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Reaction(db.Model):
    __tablename__ = "channel_reactions"
    __table_args__ = (UniqueConstraint("message_id", "user_id", "emoji"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("channel_messages.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    emoji: Mapped[str] = mapped_column(String(16))


class Mention(db.Model):
    """The stored notification that a member was @mentioned (the live toast is sent besides)."""

    __tablename__ = "channel_mentions"
    __table_args__ = (UniqueConstraint("message_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("channel_messages.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

