"""Channel use cases: create, rename, topic, archive, invite and remove members, read state, mute.

Every function takes the acting member; the rules of who may read which channel are in `access`. The
socket side effects (joining or leaving rooms) belong to the caller, after the commit.
"""
from sqlalchemy import and_, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from taskforce import audit, ids
from taskforce.auth.models import Sector, User
from taskforce.auth.validation import clean_choice, clean_text
from taskforce.channels import access
from taskforce.channels.models import Channel, ChannelKind, ChannelMembership, Message
from taskforce.channels.payloads import channel_payload
from taskforce.channels.signals import channel_read
from taskforce.dbtypes import utcnow
from taskforce.errors import Conflict, NotFound, PermissionDenied, ValidationError
from taskforce.extensions import db

MAX_NAME = 80
MAX_TOPIC = 250


def readable_channels(actor: User, *, include_archived: bool = True) -> list[Channel]:
    """The channels `actor` may read, shared ones first, then by name (the sidebar and GET /api/channels)."""
    stmt = select(Channel).where(access.readable_condition(actor))
    if not include_archived:
        stmt = stmt.where(Channel.archived_at.is_(None))
    order = {ChannelKind.TASK_FORCE: 0, ChannelKind.SECTOR: 1, ChannelKind.TRAINING: 2, ChannelKind.PRIVATE: 3}
    channels = db.session.scalars(stmt).all()
    return sorted(channels, key=lambda c: (c.is_archived, order[c.kind], c.name.lower(), c.id))


def create_channel(actor: User, name, kind, *, topic="", sector=None, members=()) -> Channel:
    """Coordinators open task_force and sector channels; any member opens a private one (and is in it).
    Training channels are opened by the training work, not by hand."""
    name = clean_text(name, "name", "Channel name", max_length=MAX_NAME)
    topic = clean_text(topic, "topic", "Topic", max_length=MAX_TOPIC, required=False)
    kind = clean_choice(kind, ChannelKind, "kind", "Channel kind")
    if kind is ChannelKind.TRAINING:
        raise PermissionDenied("Training channels are opened from the training's page.")
    if kind in (ChannelKind.TASK_FORCE, ChannelKind.SECTOR) and not actor.is_coordinator:
        raise PermissionDenied("Only coordinators open task-force and sector channels; open a private one instead.")
    sector_value = clean_choice(sector, Sector, "sector", "Sector").value if kind is ChannelKind.SECTOR else None
    channel = Channel(name=name, topic=topic, kind=kind, sector=sector_value, created_by_id=actor.id)
    db.session.add(channel)
    db.session.flush()
    if kind is ChannelKind.PRIVATE:
        db.session.add(ChannelMembership(channel_id=channel.id, user_id=actor.id))
        for user in _active_users(members):
            if user.id != actor.id:
                db.session.add(ChannelMembership(channel_id=channel.id, user_id=user.id))
    audit.record(actor, "channel.created", channel)
    db.session.commit()
    return channel


def rename(actor: User, channel_id, name) -> Channel:
    """A new name (who may: `access.may_manage`)."""
    channel = _managed(actor, channel_id)
    channel.name = clean_text(name, "name", "Channel name", max_length=MAX_NAME)
    audit.record(actor, "channel.renamed", channel)
    db.session.commit()
    return channel


def update_channel(actor: User, channel_id, name, topic) -> Channel:
    """Rename and set the topic together (the channel settings form), in one transaction."""
    channel = _managed(actor, channel_id)
    new_name = clean_text(name, "name", "Channel name", max_length=MAX_NAME)
    channel.topic = clean_text(topic, "topic", "Topic", max_length=MAX_TOPIC, required=False)
    if new_name != channel.name:
        channel.name = new_name
        audit.record(actor, "channel.renamed", channel)
    db.session.commit()
    return channel


def archive(actor: User, channel_id) -> Channel:
    """An archived channel stays readable and searchable but takes no new messages."""
    channel = _managed(actor, channel_id)
    if channel.is_archived:
        raise Conflict("This channel is already archived.")
    channel.archived_at = utcnow()
    audit.record(actor, "channel.archived", channel)
    db.session.commit()
    return channel


def invite_member(actor: User, channel_id, user_id) -> User:
    """A member of a private channel brings in another active member, from any organization."""
    channel = access.writable_channel(actor, channel_id)
    if not channel.kind.has_explicit_members:
        raise ValidationError("Everyone who may read this channel is already in it.")
    users = _active_users([user_id])
    if not users:
        raise NotFound("That person does not exist or their account is not active.")
    invitee = users[0]
    if _membership(channel.id, invitee.id) is not None:
        raise Conflict(f"{invitee.display_name} is already in this channel.")
    db.session.add(ChannelMembership(channel_id=channel.id, user_id=invitee.id))
    audit.record(actor, "channel.member_invited", channel, outcome=f"user:{invitee.id}")
    db.session.commit()
    return invitee


def remove_member(actor: User, channel_id, user_id) -> None:
    """The creator or a coordinator removes someone from a private channel; anyone may leave. The caller
    then takes that person's sockets out of the channel's room at once."""
    channel = access.readable_channel(actor, channel_id)
    if not channel.kind.has_explicit_members:
        raise ValidationError("Task-force and sector channels have no member list to remove someone from.")
    user_id = ids.record_id(user_id)
    if user_id is None:
        raise ValidationError("Choose the person to remove.", field="user_id")
    if user_id != actor.id and not access.may_manage(actor, channel):
        raise PermissionDenied("Only the channel's creator or a coordinator removes members.")
    membership = _membership(channel.id, user_id)
    if membership is None:
        raise NotFound("That person is not in this channel.")
    db.session.delete(membership)
    audit.record(actor, "channel.member_removed", channel, outcome=f"user:{user_id}")
    db.session.commit()


def mark_read(actor: User, channel_id, message_id) -> int:
    """Move the member's read position forward (never back); returns the position."""
    channel = access.readable_channel(actor, channel_id)
    message_id = ids.position(message_id) if isinstance(message_id, int) else None
    if message_id is None:
        raise ValidationError("message_id must be a message's number.", field="message_id")
    newest = db.session.scalar(select(func.max(Message.id)).where(Message.channel_id == channel.id)) or 0
    membership = ensure_membership(actor, channel)
    before = membership.last_read_message_id
    membership.last_read_message_id = max(before, min(message_id, newest))
    db.session.commit()
    if membership.last_read_message_id > before:
        channel_read.send(actor.id, channel_id=channel.id, last_read=membership.last_read_message_id)
    return membership.last_read_message_id


def set_muted(actor: User, channel_id, muted: bool) -> bool:
    """A muted channel still counts unread messages but does not draw attention."""
    channel = access.readable_channel(actor, channel_id)
    membership = ensure_membership(actor, channel)
    membership.muted = bool(muted)
    db.session.commit()
    return membership.muted


def unread_counts(actor: User) -> dict[int, dict]:
    """Per readable channel: unread messages by others after the read position, the read position, the
    newest message id (where a page starts listening) and the mute state."""
    readable = select(Channel.id).where(access.readable_condition(actor)).subquery()
    mine = select(ChannelMembership).where(ChannelMembership.user_id == actor.id).subquery()
    stmt = (select(readable.c.id, func.coalesce(mine.c.last_read_message_id, 0), func.coalesce(mine.c.muted, False))
            .select_from(readable).outerjoin(mine, mine.c.channel_id == readable.c.id))
    state = {cid: {"last_read": last, "muted": bool(muted), "unread": 0, "newest": 0}
             for cid, last, muted in db.session.execute(stmt)}
    if state:
        newest = (select(Message.channel_id, func.max(Message.id)).join(readable, readable.c.id == Message.channel_id)
                  .group_by(Message.channel_id))
        for cid, top in db.session.execute(newest):
            state[cid]["newest"] = top
        counts = (select(Message.channel_id, func.count(Message.id))
                  .join(readable, readable.c.id == Message.channel_id)
                  .outerjoin(mine, mine.c.channel_id == Message.channel_id)
                  .where(Message.author_id != actor.id, Message.deleted_at.is_(None),
                         Message.id > func.coalesce(mine.c.last_read_message_id, 0))
                  .group_by(Message.channel_id))
        for cid, count in db.session.execute(counts):
            state[cid]["unread"] = count
    return state


def ensure_membership(actor: User, channel: Channel) -> ChannelMembership:
    """The member's row (created lazily for task_force and sector channels); part of the caller's
    transaction."""
    membership = _membership(channel.id, actor.id)
    if membership is None:  # two tabs may get here at once: insert-if-absent, then read the row
        dialect = db.session.get_bind().dialect.name
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        db.session.execute(insert(ChannelMembership).values(channel_id=channel.id, user_id=actor.id,
                                                            last_read_message_id=0, muted=False, joined_at=utcnow())
                           .on_conflict_do_nothing(index_elements=["channel_id", "user_id"]))
        membership = _membership(channel.id, actor.id)
    return membership


def join_channel(actor: User, channel_id, online_ids=()) -> dict:
    """Open a channel on a socket: checks the joining member's right to read (nobody else's), creates the
    read-state row if needed and returns the channel, the read position, the mute switch and which of
    `online_ids` may read it. Its cost does not grow with the channel's membership (DESIGN §4: every join
    is authorized, and a task-force channel is read by everyone)."""
    channel = access.readable_channel(actor, channel_id)
    membership = ensure_membership(actor, channel)
    state = {"channel": channel_payload(channel), "last_read": membership.last_read_message_id,
             "muted": membership.muted, "online": sorted(access.readers_among(channel, online_ids))}
    db.session.commit()
    return state


def sector_choices() -> list[Sector]:
    """The sectors a sector channel can be for (the create form's list)."""
    return list(Sector)


def channel_members(actor: User, channel_id) -> list[User]:
    """Who can read a channel the actor can read (autocomplete, online list, members panel)."""
    return access.readers(access.readable_channel(actor, channel_id))


def invitable_people(actor: User, channel_id) -> list[User]:
    """Active members of any organization not yet in this private channel (the invite list)."""
    channel = access.readable_channel(actor, channel_id)
    inside = select(ChannelMembership.user_id).where(ChannelMembership.channel_id == channel.id)
    return list(db.session.scalars(select(User).where(User.active.is_(True), User.id.not_in(inside))
                                   .order_by(User.display_name)).unique())


def _managed(actor: User, channel_id) -> Channel:
    channel = access.readable_channel(actor, channel_id)
    if not access.may_manage(actor, channel):
        raise PermissionDenied("Only coordinators (or a private channel's creator) change this channel.")
    return channel


def _membership(channel_id: int, user_id: int) -> ChannelMembership | None:
    return db.session.scalar(select(ChannelMembership).where(
        and_(ChannelMembership.channel_id == channel_id, ChannelMembership.user_id == user_id)))


def _active_users(user_ids) -> list[User]:
    wanted = {ids.record_id(value) for value in user_ids} - {None}
    if not wanted:
        return []
    return list(db.session.scalars(select(User).where(User.id.in_(sorted(wanted)), User.active.is_(True))).unique())
