"""Retention: what `flask --app app purge` deletes — channel messages older than RETENTION_MESSAGE_DAYS and
audit events older than RETENTION_AUDIT_DAYS (never under a year: taskforce.config refuses less). Unset
keeps for ever, the default.

A message goes with everything hanging off it (earlier versions, reactions, mentions). A thread's opening
message stays while any reply is still within the retention, so no reply loses its parent. The plan is
computed the same way for the dry run and for --apply; both name counts and channel ids, never text.
"""
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, exists, func, select
from sqlalchemy.orm import aliased

from taskforce.audit import AuditEvent, record
from taskforce.channels.models import Mention, Message, MessageRevision, Reaction
from taskforce.extensions import db


@dataclass
class PurgePlan:
    message_cutoff: datetime | None
    audit_cutoff: datetime | None
    messages_by_channel: dict[int, int] = field(default_factory=dict)
    audit_events: int = 0

    @property
    def messages(self) -> int:
        return sum(self.messages_by_channel.values())

    def lines(self) -> list[str]:
        """What goes, for the operator (ids and counts only)."""
        out = []
        if self.message_cutoff is None:
            out.append("Messages: kept for ever (RETENTION_MESSAGE_DAYS unset).")
        else:
            out.append(f"Messages older than {self.message_cutoff:%Y-%m-%d %H:%M} UTC: {self.messages}")
            out.extend(f"  channel {cid}: {n}" for cid, n in sorted(self.messages_by_channel.items()))
        if self.audit_cutoff is None:
            out.append("Audit events: kept for ever (RETENTION_AUDIT_DAYS unset).")
        else:
            out.append(f"Audit events older than {self.audit_cutoff:%Y-%m-%d %H:%M} UTC: {self.audit_events}")
        return out


def _cutoff(now: datetime, days: int | None) -> datetime | None:
    return None if days is None else now - timedelta(days=days)


def _purgeable_messages(cutoff: datetime):
    """Ids of messages older than `cutoff` with no reply younger than it."""
    reply = aliased(Message)
    young_reply = exists().where(and_(reply.parent_id == Message.id, reply.created_at >= cutoff))
    return select(Message.id).where(Message.created_at < cutoff, ~young_reply)


def plan(config, now: datetime) -> PurgePlan:
    result = PurgePlan(_cutoff(now, config.get("RETENTION_MESSAGE_DAYS")),
                       _cutoff(now, config.get("RETENTION_AUDIT_DAYS")))
    if result.message_cutoff is not None:
        ids = _purgeable_messages(result.message_cutoff).subquery()
        rows = db.session.execute(select(Message.channel_id, func.count()).where(Message.id.in_(select(ids.c.id)))
                                  .group_by(Message.channel_id))
        result.messages_by_channel = {channel_id: count for channel_id, count in rows}
    if result.audit_cutoff is not None:
        result.audit_events = db.session.scalar(select(func.count()).select_from(AuditEvent)
                                                .where(AuditEvent.at < result.audit_cutoff)) or 0
    return result


def purge(config, now: datetime) -> PurgePlan:
    """Delete what `plan` names, in one transaction, and audit the counts."""
    result = plan(config, now)
    if result.message_cutoff is not None and result.messages:
        ids = [row for row in db.session.scalars(_purgeable_messages(result.message_cutoff))]
        for start in range(0, len(ids), 500):  # bounded IN lists
            chunk = ids[start:start + 500]
            for dependent in (MessageRevision, Reaction, Mention):
                db.session.execute(delete(dependent).where(dependent.message_id.in_(chunk)))
            db.session.execute(delete(Message).where(Message.id.in_(chunk), Message.parent_id.is_not(None)))
            db.session.execute(delete(Message).where(Message.id.in_(chunk)))
    if result.audit_cutoff is not None and result.audit_events:
        # The one deletion of audit rows there is: past the configured retention, never under a year.
        db.session.execute(delete(AuditEvent.__table__).where(AuditEvent.__table__.c.at < result.audit_cutoff))
    record(None, "retention.purge", ("retention", f"messages={result.messages};audit={result.audit_events}"),
           actor_label="flask purge", source_ip="cli")
    db.session.commit()
    return result
