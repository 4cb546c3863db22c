"""Changes to a stored message: edit (history kept for coordinators), delete (soft, the text gone), react.

Each change takes the next change number in commit order, so a client caught up to change N has seen every
change up to N (`catch_up.changes_since`). An edited body passes the same identifying-details warning as a new
message (`posting.warn_about_pii`).
"""
from sqlalchemy import delete, func, select, update

from taskforce import audit
from taskforce.auth.models import User
from taskforce.channels import access
from taskforce.channels.models import REACTIONS, Message, MessageRevision, Reaction
from taskforce.channels.posting import clean_body, serialize_ids, warn_about_pii
from taskforce.dbtypes import utcnow
from taskforce.errors import PermissionDenied, ValidationError
from taskforce.extensions import db


def _stamp_change(message: Message) -> None:
    """Give `message` the next change number (an edit, deletion or reaction change). Like ids, change
    numbers are handed out in commit order (the same advisory lock on PostgreSQL; SQLite's single writer
    holds its lock from this write to the commit), so a client caught up to change N has seen every
    change up to N."""
    serialize_ids()
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
        warn_about_pii(actor, channel, body, confirm_pii)
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
