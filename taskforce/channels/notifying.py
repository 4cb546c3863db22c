"""The facts the notification rules need about a posted message: which channel, who of the people it may
concern can still read it, who muted it, who wrote in its thread. Each query is bounded by the people
named or in the thread, never by the channel's membership (a task-force channel is read by everyone)."""
from sqlalchemy import or_, select

from taskforce.channels import access
from taskforce.channels.models import Channel, ChannelMembership, Mention, Message
from taskforce.extensions import db


def message_facts(message: Message, mentioned_ids=()) -> dict:
    """`channel_name`, `author_name`, `thread_author_ids` (the thread's first message and its replies, for
    a reply), `reader_ids` (which of the mentioned and thread people may read the channel now) and
    `muted_ids` (which of them muted it)."""
    channel = db.session.get(Channel, message.channel_id)
    thread_authors: set[int] = set()
    if message.parent_id is not None:
        root = message.parent_id
        thread_authors = set(db.session.scalars(select(Message.author_id).where(
            or_(Message.id == root, Message.parent_id == root), Message.id != message.id).distinct()))
    concerned = thread_authors | {i for i in mentioned_ids if isinstance(i, int)}
    readers = access.readers_among(channel, concerned) if concerned else set()
    muted = set(db.session.scalars(select(ChannelMembership.user_id).where(
        ChannelMembership.channel_id == channel.id, ChannelMembership.user_id.in_(sorted(readers)),
        ChannelMembership.muted.is_(True)))) if readers else set()
    return {"channel_name": channel.name, "author_name": message.author.display_name,
            "thread_author_ids": thread_authors, "reader_ids": readers, "muted_ids": muted}


def recent_mentions(actor, limit: int = 5) -> list[dict]:
    """The actor's latest @mentions in channels they can still read (the sidebar lists them): where, by
    whom, when, and whether the message is past their read position. No message text."""
    readable = select(Channel.id).where(access.readable_condition(actor))
    last_read = (select(ChannelMembership.last_read_message_id)
                 .where(ChannelMembership.channel_id == Message.channel_id, ChannelMembership.user_id == actor.id)
                 .scalar_subquery())
    rows = db.session.execute(
        select(Message.id, Message.channel_id, Channel.name, Message.author_id, Message.created_at, last_read)
        .join(Mention, Mention.message_id == Message.id).join(Channel, Channel.id == Message.channel_id)
        .where(Mention.user_id == actor.id, Message.channel_id.in_(readable), Message.deleted_at.is_(None))
        .order_by(Message.id.desc()).limit(limit)).all()
    authors = {}
    if rows:
        from taskforce.auth.models import User
        authors = dict(db.session.execute(select(User.id, User.display_name)
                                          .where(User.id.in_({r.author_id for r in rows}))).all())
    return [{"message_id": r.id, "channel_id": r.channel_id, "channel_name": r.name,
             "author": authors.get(r.author_id, "Someone"), "created_at": r.created_at,
             "unread": r.id > (r[5] or 0)} for r in rows]


def read_message_ids(channel_id: int, message_ids, last_read: int) -> list[int]:
    """Which of `message_ids` are in this channel at or before the read position `last_read`."""
    wanted = sorted({i for i in message_ids if isinstance(i, int) and i <= last_read})
    if not wanted:
        return []
    return list(db.session.scalars(select(Message.id).where(Message.channel_id == channel_id, Message.id.in_(wanted))))
