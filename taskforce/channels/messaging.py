"""Messages: post (idempotent), edit (history kept), delete (soft), react, catch up, page back, search.

Store, then broadcast (DESIGN §4): these functions commit and return what the caller then emits. Message
ids are handed out in commit order (PostgreSQL: one transaction-scoped advisory lock around the insert;
SQLite: one writer at a time anyway), so a client that saw id N has seen everything below N.
"""
from dataclasses import dataclass, field

from sqlalchemy import delete, func, or_, select, text, update
from sqlalchemy.exc import IntegrityError

from taskforce import audit, ids
from taskforce.auth.models import User
from taskforce.channels import access, mentions, pii_check
from taskforce.channels.models import (MAX_BODY, MAX_CLIENT_ID, REACTIONS, Channel, Mention, Message,
                                       MessageRevision, Reaction)
from taskforce.channels.signals import message_posted
from taskforce.dbtypes import utcnow
from taskforce.errors import NotFound, PermissionDenied, ValidationError
from taskforce.extensions import db

SYNC_LIMIT = 200
HISTORY_LIMIT = 50
SEARCH_LIMIT = 50
_ID_LOCK = 7_346_021  # advisory lock key: "message ids in commit order"


class PiiWarning(ValidationError):
    """The body holds what looks like identifying details; the sender edits it or confirms."""

    def __init__(self, findings: list[dict]):
        kinds = sorted({f["kind"].lower() for f in findings})
        super().__init__("This message looks like it contains identifying details (" + ", ".join(kinds)
                         + "). Remove them, or confirm that they identify no survivor.",
                         field="body", details={"pii": findings})
        self.findings = findings


@dataclass
class Posted:
    message: Message
    created: bool                      # False: a retry of an earlier send, nothing new was stored
    mentioned: list[User] = field(default_factory=list)


def clean_body(body) -> str:
    """A message body: text, not blank, at most 10,000 characters."""
    if not isinstance(body, str):
        raise ValidationError("The message must be text.", field="body")
    body = body.strip()
    if not body:
        raise ValidationError("The message is empty.", field="body")
    if len(body) > MAX_BODY:
        raise ValidationError(f"The message is too long: {len(body):,} characters; the limit is {MAX_BODY:,}. "
                              "Split it, or share a document instead.", field="body")
    if "\x00" in body:
        raise ValidationError("The message contains control characters.", field="body")
    return body


def _clean_client_id(client_id) -> str:
    if not isinstance(client_id, str) or not client_id.strip() or len(client_id) > MAX_CLIENT_ID:
        raise ValidationError(f"client_id must be a short text (1–{MAX_CLIENT_ID} characters).", field="client_id")
    return client_id.strip()


def _existing(author_id: int, client_id: str) -> Message | None:
    return db.session.scalar(select(Message).where(Message.author_id == author_id, Message.client_id == client_id))


def post_message(actor: User, channel_id, body, client_id, *, parent_id=None, confirm_pii=False) -> Posted:
    """Store a message (or find the one an earlier try of the same `client_id` stored)."""
    client_id = _clean_client_id(client_id)
    existing = _existing(actor.id, client_id)
    if existing is not None:
        access.readable_channel(actor, existing.channel_id)
        return Posted(existing, created=False)
    channel = access.writable_channel(actor, channel_id)
    body = clean_body(body)
    parent = None
    if parent_id is not None:
        parent = access.readable_message(actor, parent_id)
        if parent.channel_id != channel.id:
            raise ValidationError("A reply goes in the same channel as the message it answers.", field="parent_id")
        parent_id = parent.parent_id or parent.id  # threads are one level deep
    _warn_about_pii(actor, channel, body, confirm_pii)
    _serialize_ids()
    message = Message(channel_id=channel.id, author_id=actor.id, body=body, client_id=client_id,
                      parent_id=parent_id, created_at=utcnow())
    db.session.add(message)
    try:
        db.session.flush()
    except IntegrityError:  # the same client_id raced in from another connection
        db.session.rollback()
        existing = _existing(actor.id, client_id)
        if existing is None:
            raise
        return Posted(existing, created=False)
    mentioned = _record_mentions(actor, channel, message)
    db.session.commit()
    message_posted.send(message, mentioned_ids=[person.id for person in mentioned])
    return Posted(message, created=True, mentioned=mentioned)


def _warn_about_pii(actor: User, channel: Channel, body: str, confirm_pii) -> None:
    """Chat is where a survivor's phone number gets pasted in a hurry: a body with structured identifying
    details is refused with a warning (PiiWarning) until the sender removes them or confirms. Both the
    warning and a confirmation are in the audit log (never the text). Posts and edits alike."""
    findings = pii_check.check(body)
    if not findings:
        return
    if confirm_pii is not True:
        audit.record(actor, "channel.pii_warning", channel, outcome="warned")
        db.session.commit()
        raise PiiWarning(findings)
    audit.record(actor, "channel.pii_warning", channel, outcome="confirmed")


def _serialize_ids() -> None:
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ID_LOCK})


def _record_mentions(actor: User, channel: Channel, message: Message) -> list[User]:
    spellings = mentions.mentioned_spellings(message.body)
    if not spellings:
        return []
    people = [u for u in access.readers_named(channel, spellings) if u.id != actor.id]
    for person in people:
        db.session.add(Mention(message_id=message.id, user_id=person.id))
    return people


def _stamp_change(message: Message) -> None:
    """Give `message` the next change number (an edit, deletion or reaction change). Like ids, change
    numbers are handed out in commit order (the same advisory lock on PostgreSQL; SQLite's single writer
    holds its lock from this write to the commit), so a client caught up to change N has seen every
    change up to N."""
    _serialize_ids()
    counter = Message.__table__.alias("counter")
    db.session.execute(update(Message).where(Message.id == message.id)
                       .values(change_seq=select(func.coalesce(func.max(counter.c.change_seq), 0) + 1)
                               .scalar_subquery())
                       .execution_options(synchronize_session=False))
    db.session.expire(message, ["change_seq"])


def edit_message(actor: User, message_id, body, *, confirm_pii=False) -> Message:
    """Only the author edits; the previous body is kept for coordinators, the message is marked edited.
    A new body passes the same identifying-details warning as a new message."""
    message = access.readable_message(actor, message_id)
    if message.author_id != actor.id:
        raise PermissionDenied("Only the author can edit a message.")
    if message.is_deleted:
        raise ValidationError("A deleted message cannot be edited.")
    channel = access.writable_channel(actor, message.channel_id)
    body = clean_body(body)
    if body != message.body:
        _warn_about_pii(actor, channel, body, confirm_pii)
        db.session.add(MessageRevision(message_id=message.id, body=message.body, replaced_at=utcnow()))
        message.body, message.edited_at = body, utcnow()
        _stamp_change(message)
    db.session.commit()
    return message


def delete_message(actor: User, message_id) -> Message:
    """Soft delete by the author or a coordinator; the row stays and readers see "message deleted".

    The text goes for good — the body is blanked and the earlier versions are removed — so a pasted phone
    number can really be taken back; the audit event says who deleted which message, never what it said."""
    message = access.readable_message(actor, message_id)
    if message.author_id != actor.id and not actor.is_coordinator:
        raise PermissionDenied("Only the author or a coordinator can delete a message.")
    if not message.is_deleted:
        message.deleted_at = utcnow()
        message.body = ""
        db.session.execute(delete(MessageRevision).where(MessageRevision.message_id == message.id))
        _stamp_change(message)
        audit.record(actor, "channel.message_deleted", message)
        db.session.commit()
    return message


def message_revisions(actor: User, message_id) -> list[MessageRevision]:
    """Earlier bodies of an edited message — for coordinators (moderation), oldest first."""
    message = access.readable_message(actor, message_id)
    if not actor.is_coordinator:
        raise PermissionDenied("Only coordinators can see earlier versions of a message.")
    return list(db.session.scalars(select(MessageRevision).where(MessageRevision.message_id == message.id)
                                   .order_by(MessageRevision.id)))


def react(actor: User, message_id, emoji, *, on: bool = True) -> Message:
    """Add (or with on=False remove) one of the small set of reactions; doing it twice changes nothing."""
    if emoji not in REACTIONS:
        raise ValidationError("Choose one of the offered reactions: " + " ".join(REACTIONS), field="emoji")
    message = access.readable_message(actor, message_id)
    if message.is_deleted:
        raise ValidationError("A deleted message takes no reactions.")
    access.writable_channel(actor, message.channel_id)
    existing = db.session.scalar(select(Reaction).where(Reaction.message_id == message.id,
                                                        Reaction.user_id == actor.id, Reaction.emoji == emoji))
    if on and existing is None:
        db.session.add(Reaction(message_id=message.id, user_id=actor.id, emoji=emoji))
        _stamp_change(message)
    elif not on and existing is not None:
        db.session.delete(existing)
        _stamp_change(message)
    db.session.commit()
    db.session.refresh(message)
    return message


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


def search_messages(actor: User, query, *, limit: int = SEARCH_LIMIT) -> list[Message]:
    """Messages containing every word of `query`, newest first, in channels the actor can read only
    (deleted messages are not found)."""
    if not isinstance(query, str):
        raise ValidationError("Search for some text.", field="q")
    words = [w for w in query.strip().split() if w][:8]
    if not words or len(query) > 200:
        raise ValidationError("Search for one to eight words (at most 200 characters).", field="q")
    readable = select(Channel.id).where(access.readable_condition(actor))
    stmt = select(Message).where(Message.channel_id.in_(readable), Message.deleted_at.is_(None))
    for word in words:
        escaped = word.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(func.lower(Message.body).like(f"%{escaped}%", escape="\\"))
    return list(db.session.scalars(stmt.order_by(Message.id.desc()).limit(limit)))


def unseen_mention_count(actor: User) -> int:
    """How many @mentions of the actor are not yet seen (in channels still readable)."""
    readable = select(Channel.id).where(access.readable_condition(actor))
    return db.session.scalar(select(func.count(Mention.id)).join(Message, Message.id == Mention.message_id)
                             .where(Mention.user_id == actor.id, Mention.seen_at.is_(None),
                                    Message.channel_id.in_(readable))) or 0
