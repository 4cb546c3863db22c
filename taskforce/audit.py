"""Append-only audit log of security-relevant actions.

It records who did what to which record, never content: no passwords, no message or lesson text. Rows
are only ever inserted; nothing in the application updates or deletes them (a test walks the code).
"""
from datetime import datetime

from flask import has_request_context, request
from sqlalchemy import ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column

from taskforce.dbtypes import UTCDateTime, utcnow
from taskforce.errors import PermissionDenied
from taskforce.extensions import db


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    actor_label: Mapped[str] = mapped_column(String(254), default="")
    action: Mapped[str] = mapped_column(String(64), index=True)
    target_type: Mapped[str] = mapped_column(String(64), default="")
    target_id: Mapped[str] = mapped_column(String(64), default="")
    outcome: Mapped[str] = mapped_column(String(32), default="ok")
    source_ip: Mapped[str] = mapped_column(String(64), default="")


def _client_ip() -> str:
    if has_request_context():
        return request.remote_addr or ""
    return "cli"


def record(actor, action: str, target=None, outcome: str = "ok", source_ip: str | None = None,
           actor_label: str | None = None) -> AuditEvent:
    """Add an audit row to the current transaction (the caller's commit makes it durable).

    `target` is a model instance (its class name and id are kept) or a `(type, id)` pair.
    """
    if isinstance(target, tuple):
        target_type, target_id = target
    elif target is not None:
        target_type, target_id = type(target).__name__, getattr(target, "id", "")
    else:
        target_type, target_id = "", ""
    event = AuditEvent(
        at=utcnow(),
        actor_id=getattr(actor, "id", None),
        actor_label=actor_label if actor_label is not None else getattr(actor, "email", "") or "",
        action=action,
        target_type=str(target_type),
        target_id=str(target_id if target_id is not None else ""),
        outcome=outcome,
        source_ip=source_ip if source_ip is not None else _client_ip(),
    )
    db.session.add(event)
    return event


# How a target is named on the audit page, by model class name: audit is a platform module and imports no
# domain, so the class is found in the model registry. Types not listed (messages, channels, referrals) keep
# "Type id": their names are private to a channel or carry user text.
TARGET_NAMES = {"User": lambda u: f"{u.display_name} ({u.email})", "Invitation": lambda i: f"invitation for {i.email}",
                "Organization": lambda o: o.name, "Service": lambda s: s.name, "Lesson": lambda l: l.title}


def target_names(events) -> dict[tuple[str, str], str]:
    """(target_type, target_id) → a name a coordinator recognises, one query per target type on the page;
    targets since deleted are simply missing (the page falls back to "Type id")."""
    wanted: dict[str, set[int]] = {}
    for event in events:
        if event.target_type in TARGET_NAMES and event.target_id.isdigit() and len(event.target_id) < 19:
            wanted.setdefault(event.target_type, set()).add(int(event.target_id))
    classes = {mapper.class_.__name__: mapper.class_ for mapper in db.Model.registry.mappers}
    names = {}
    for type_name, ids in wanted.items():
        model = classes.get(type_name)
        if model is None:
            continue
        for row in db.session.scalars(select(model).where(model.id.in_(ids))):
            names[(type_name, str(row.id))] = TARGET_NAMES[type_name](row)
    return names


def read_log(reader, *, action: str | None = None, actor_text: str | None = None, since: datetime | None = None,
             until: datetime | None = None, limit: int | None = 200) -> tuple[list[AuditEvent], dict]:
    """The audit log as a coordinator reads it (page and CSV export): filtered events, newest first, and their
    targets' names. Everyone else is refused here, before any row is read, whichever page asks."""
    if reader is None or not getattr(reader, "is_coordinator", False):
        raise PermissionDenied("Only coordinators read the audit log.")
    events = _query_events(action=action, actor_text=actor_text, since=since, until=until, limit=limit)
    return events, target_names(events)


def _query_events(*, action: str | None, actor_text: str | None, since: datetime | None, until: datetime | None,
                  limit: int | None) -> list[AuditEvent]:
    """`action` is a prefix ("auth." every sign-in event), `actor_text` a part of the actor's label."""
    stmt = select(AuditEvent).order_by(AuditEvent.id.desc())
    if action:
        stmt = stmt.where(AuditEvent.action.startswith(action))
    if actor_text:
        stmt = stmt.where(AuditEvent.actor_label.ilike(f"%{actor_text}%"))
    if since:
        stmt = stmt.where(AuditEvent.at >= since)
    if until:
        stmt = stmt.where(AuditEvent.at < until)
    if limit:
        stmt = stmt.limit(limit)
    return db.session.scalars(stmt).all()
