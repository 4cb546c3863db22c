"""Catching up: what a client missed while away (new messages per channel, then edits, deletions and reaction
changes by change number) and a channel's history page by page.

Ids and change numbers are handed out in commit order (`posting.serialize_ids`), so "everything after N" is
never missing a message committed later with a smaller number. A channel the actor cannot read makes the whole
answer a NotFound: no partial answers to forged ids.
"""
from sqlalchemy import func, or_, select

from taskforce import ids
from taskforce.auth.models import User
from taskforce.channels import access
from taskforce.channels.models import Message
from taskforce.errors import NotFound, ValidationError
from taskforce.extensions import db

SYNC_LIMIT = 200
HISTORY_LIMIT = 50


def messages_since(actor: User, since, limit: int = SYNC_LIMIT) -> tuple[list[Message], bool]:
    """Catch-up: per channel, the messages after the last id the client saw, all channels merged in id
    order, at most `limit`; `has_more` says to ask again with the new last ids. Any channel the actor
    cannot read makes the whole call a NotFound (no partial answers to forged ids)."""
    if not isinstance(since, dict) or len(since) > 1000:
        raise ValidationError("since must map channel ids to the last message id seen.", field="since")
    cursors: dict[int, int] = {}
    for raw_channel, last_id in since.items():
        last_id = ids.position(last_id) if isinstance(last_id, int) else None
        if last_id is None:
            raise ValidationError("Each last seen id must be a message's number (0 for none).", field="since")
        channel_id = access.channel_id_of(raw_channel)
        cursors[channel_id] = max(last_id, cursors.get(channel_id, 0))
    if set(cursors) - access.readable_channel_ids(actor, cursors):  # one query for the whole sidebar
        raise NotFound(access.NOT_FOUND)
    conditions = [(Message.channel_id == channel_id) & (Message.id > last_id)
                  for channel_id, last_id in sorted(cursors.items())]
    if not conditions:
        return [], False
    limit = max(1, min(int(limit), SYNC_LIMIT))
    rows = list(db.session.scalars(select(Message).where(or_(*conditions)).order_by(Message.id).limit(limit + 1)))
    return rows[:limit], len(rows) > limit


def current_change() -> int:
    """The newest change number. Read it *before* reading messages: every change up to it is committed,
    so what is read afterwards already shows them (a page starts catching up on changes from here)."""
    return db.session.scalar(select(func.max(Message.change_seq))) or 0


def changes_since(actor: User, channel_ids, after, limit: int = SYNC_LIMIT) -> tuple[list[Message], int, bool]:
    """Catch-up of edits, deletions and reaction changes made while a client was away: the messages of
    these channels changed after change number `after`, in change order, at most `limit`. Returns them,
    the change number the client is now caught up to, and whether more remain. `after=None` asks only
    where changes stand now."""
    if after is not None:
        after = ids.position(after) if isinstance(after, int) else None
        if after is None:
            raise ValidationError("changes_since must be a change number (0 for none).", field="changes_since")
    channel_ids = {access.channel_id_of(value) for value in channel_ids}
    if channel_ids - access.readable_channel_ids(actor, channel_ids):
        raise NotFound(access.NOT_FOUND)
    current = current_change()
    if after is None or after >= current or not channel_ids:
        return [], current, False
    limit = max(1, min(int(limit), SYNC_LIMIT))
    rows = list(db.session.scalars(select(Message).where(
        Message.channel_id.in_(sorted(channel_ids)), Message.change_seq > after, Message.change_seq <= current)
        .order_by(Message.change_seq).limit(limit + 1)))
    if len(rows) > limit:
        return rows[:limit], rows[limit - 1].change_seq, True
    return rows, current, False


def history(actor: User, channel_id, *, before=None, limit: int = HISTORY_LIMIT) -> tuple[list[Message], bool]:
    """The newest messages of a channel (or those before an id), returned oldest first, and whether older
    ones exist (the page scrolls back)."""
    channel = access.readable_channel(actor, channel_id)
    stmt = select(Message).where(Message.channel_id == channel.id)
    if before is not None:
        before = ids.record_id(before)
        if before is None:
            raise ValidationError("before must be a message's number.", field="before")
        stmt = stmt.where(Message.id < before)
    limit = max(1, min(int(limit), SYNC_LIMIT))
    rows = list(db.session.scalars(stmt.order_by(Message.id.desc()).limit(limit + 1)))
    return list(reversed(rows[:limit])), len(rows) > limit
