"""Posting a message: idempotent by the client's id, threads one level deep, the identifying-details warning.

Store, then broadcast (DESIGN §4): these functions commit and return what the caller then emits. Message
ids are handed out in commit order (PostgreSQL: one transaction-scoped advisory lock around the insert;
SQLite: one writer at a time anyway), so a client that saw id N has seen everything below N.
"""
from dataclasses import dataclass, field

from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from taskforce import audit
from taskforce.auth.models import User
from taskforce.channels import access, mentions, pii_check
from taskforce.channels.models import MAX_BODY, MAX_CLIENT_ID, Channel, Mention, Message
from taskforce.channels.signals import message_posted
from taskforce.dbtypes import utcnow
from taskforce.errors import ValidationError
from taskforce.extensions import db

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
    warn_about_pii(actor, channel, body, confirm_pii)
    serialize_ids()
    message = Message(channel_id=channel.id, author_id=actor.id, body=body, client_id=client_id,
                      parent_id=parent_id, created_at=utcnow(), author=actor, reactions=[])  # new: none yet
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
    commit_keeping_state()
    message_posted.send(message, mentioned_ids=[person.id for person in mentioned])
    return Posted(message, created=True, mentioned=mentioned)


def commit_keeping_state() -> None:
    """Commit without expiring what this transaction loaded and wrote: the message just stored is exactly what
    the database now holds, and the broadcast, the ack and the mention listener read it right after. With
    the default expiry each of them reloaded it (and its reactions) — two queries per message, a fifth of a
    send's database work. Nothing outlives the event: its session ends with its app context."""
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def warn_about_pii(actor: User, channel: Channel, body: str, confirm_pii) -> None:
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


def serialize_ids() -> None:
    """Hold the "ids in commit order" lock until this transaction ends (posts, and changes' numbers)."""
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
