"""Who may read and write which channel — the one place these rules live.

Read: task_force → every active member; sector → members of that sector, plus coordinators; private and
training → invited members only. Write: read, and the channel is not archived. A channel the actor may not
read answers exactly like one that does not exist (NotFound), so ids cannot be probed.
"""
from sqlalchemy import and_, exists, func, or_, select

from taskforce import ids
from taskforce.auth.models import Organization, Role, Sector, User
from taskforce.channels.models import Channel, ChannelKind, ChannelMembership, Message
from taskforce.errors import NotFound, PermissionDenied, ValidationError
from taskforce.extensions import db

NOT_FOUND = "That channel does not exist or you are not a member of it."


def readable_condition(actor: User):
    """A SQL condition on `Channel` true for the channels `actor` may read."""
    if actor is None or not getattr(actor, "is_active", False):
        return Channel.id.is_(None)
    invited = exists().where(ChannelMembership.channel_id == Channel.id, ChannelMembership.user_id == actor.id)
    by_rule = [Channel.kind == ChannelKind.TASK_FORCE]
    if actor.is_coordinator:
        by_rule.append(Channel.kind == ChannelKind.SECTOR)
    else:
        by_rule.append(and_(Channel.kind == ChannelKind.SECTOR, Channel.sector == actor.sector.value))
    by_invitation = and_(Channel.kind.in_([ChannelKind.PRIVATE, ChannelKind.TRAINING]), invited)
    return or_(*by_rule, by_invitation)


def can_read(actor: User, channel: Channel) -> bool:
    return db.session.scalar(select(Channel.id).where(Channel.id == channel.id, readable_condition(actor))) is not None


def channel_id_of(value) -> int:
    """A channel id from client input: an int (or a string of ASCII digits) that a database id column can
    hold, else a ValidationError."""
    channel_id = ids.record_id(value)
    if channel_id is None:
        raise ValidationError("channel_id must be a channel's number.", field="channel_id")
    return channel_id


def readable_channel(actor: User, channel_id) -> Channel:
    """The channel, if `actor` may read it; NotFound otherwise (the same answer as a missing id)."""
    channel_id = channel_id_of(channel_id)
    channel = db.session.scalar(select(Channel).where(Channel.id == channel_id, readable_condition(actor)))
    if channel is None:
        raise NotFound(NOT_FOUND)
    return channel


def writable_channel(actor: User, channel_id) -> Channel:
    """A channel `actor` may post to: readable and not archived."""
    channel = readable_channel(actor, channel_id)
    if channel.is_archived:
        raise PermissionDenied("This channel is archived: it can be read but no longer written to.")
    return channel


def readable_message(actor: User, message_id) -> Message:
    """A message in a channel `actor` may read; NotFound otherwise."""
    message_id = ids.record_id(message_id)
    if message_id is None:
        raise ValidationError("message_id must be a message's number.", field="message_id")
    message = db.session.get(Message, message_id)
    if message is None or db.session.scalar(
            select(Channel.id).where(Channel.id == message.channel_id, readable_condition(actor))) is None:
        raise NotFound("That message does not exist or is in a channel you cannot read.")
    return message


def may_manage(actor: User, channel: Channel) -> bool:
    """Rename, set the topic, archive: coordinators for shared channels; the creator (or a coordinator)
    for private ones."""
    if channel.kind.has_explicit_members:
        return channel.created_by_id == actor.id or actor.is_coordinator
    return actor.is_coordinator


def _readers_statement(channel: Channel):
    stmt = select(User).where(User.active.is_(True))
    if channel.kind is ChannelKind.SECTOR:
        stmt = stmt.join(Organization, User.organization_id == Organization.id).where(
            or_(Organization.sector == Sector(channel.sector), User.role.in_([Role.COORDINATOR, Role.ADMIN])))
    elif channel.kind.has_explicit_members:
        stmt = stmt.join(ChannelMembership, ChannelMembership.user_id == User.id).where(
            ChannelMembership.channel_id == channel.id)
    return stmt


def readers(channel: Channel) -> list[User]:
    """Everyone who may read `channel` (autocomplete and the members panel: a page load, never per event —
    a task-force channel's readers are every active member)."""
    return list(db.session.scalars(_readers_statement(channel).order_by(User.display_name)).unique())


def readers_among(channel: Channel, user_ids) -> set[int]:
    """Which of `user_ids` may read `channel` — one query bounded by the ids asked about (the people online),
    not by the channel's membership, so a join costs the same in a channel of 10 or 10,000."""
    ids = sorted({i for i in user_ids if isinstance(i, int)})
    if not ids:
        return set()
    stmt = _readers_statement(channel).where(User.id.in_(ids)).with_only_columns(User.id)
    return set(db.session.scalars(stmt))


def readers_named(channel: Channel, spellings) -> list[User]:
    """The readers of `channel` an @mention names (`spellings` as written): by display name, any case, or
    by the handle before the @ of their email (`@ada.lind` → ada.lind@…). One query bounded by the names,
    not by the membership; the final comparison is Python's (SQLite's lower() knows only ASCII)."""
    spellings = sorted({s.strip() for s in spellings if s and s.strip()})[:20]
    names = {s.lower() for s in spellings}
    if not names:
        return []
    by_email = [func.lower(User.email).like(_like_prefix(name.replace(" ", ".")) + "@%", escape="\\")
                for name in sorted(names)]
    stmt = _readers_statement(channel).where(or_(func.lower(User.display_name).in_(sorted(names)),
                                                 User.display_name.in_(spellings), *by_email))
    candidates = db.session.scalars(stmt.order_by(User.id)).unique()
    return [u for u in candidates
            if u.display_name.lower() in names or u.email.split("@")[0].replace(".", " ").lower() in names]


def _like_prefix(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def readable_channel_ids(actor: User, channel_ids) -> set[int]:
    """Which of these channel ids `actor` may read, in one query (catch-up asks about every channel in the
    sidebar at once)."""
    ids = {channel_id_of(value) for value in channel_ids}
    if not ids:
        return set()
    return set(db.session.scalars(select(Channel.id).where(Channel.id.in_(sorted(ids)), readable_condition(actor))))
