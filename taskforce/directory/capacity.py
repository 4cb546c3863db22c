"""Live capacity (beds, slots) and the stale-entry reminder.

Capacity is written without touching the service's `version`: beds change many times a day, and a
colleague's open edit form (description, hours) must not turn into a conflict because of it. Updating
capacity also counts as verifying the entry — the provider has just looked at it and vouched that the
service is operating — so it clears the stale flag. The − / + buttons send a change (`change_capacity`), added
in SQL so simultaneous presses all count; the Set form sends absolute numbers (`update_capacity`).
"""
import smtplib
from datetime import datetime, timedelta
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import or_, select, update

from taskforce import audit
from taskforce.dbtypes import utcnow
from taskforce.directory import search, validation
from taskforce.directory.finder import LISTED_STATUSES
from taskforce.directory.models import Service
from taskforce.directory.services import get_editable_service
from taskforce.directory.signals import capacity_changed
from taskforce.errors import ValidationError
from taskforce.extensions import db

REMIND_AGAIN_AFTER = timedelta(days=30)


def update_capacity(actor, service_id, available, total) -> Service:
    """Set available/total beds or slots (0 ≤ available ≤ total ≤ 10,000) for a service the actor keeps."""
    service = get_editable_service(actor, service_id)
    available, total = validation.clean_capacity(available, total)
    now = utcnow()
    table = Service.__table__
    db.session.execute(update(table).where(table.c.id == service.id).values(
        capacity_available=available, capacity_total=total, capacity_updated_at=now,
        last_verified_at=now, stale_reminded_at=None))
    audit.record(actor, "directory.capacity_updated", service)
    db.session.commit()
    db.session.expire(service)
    capacity_changed.send(service)  # the live layer pushes the new numbers (directory/live.py)
    return service


def change_capacity(actor, service_id, delta) -> Service:
    """One bed taken (−1) or freed (+1): `delta` is added IN the database, so two colleagues pressing − at once
    on 5 leave 3, never 4 (an absolute value read a moment ago would lose one of the presses). Refused, with
    nothing written, when the result would fall below 0 or rise above the total."""
    service = get_editable_service(actor, service_id)
    delta = validation.clean_capacity_delta(delta)
    now = utcnow()
    table = Service.__table__
    result = db.session.execute(update(table).where(
        table.c.id == service.id, table.c.capacity_available.is_not(None), table.c.capacity_total.is_not(None),
        (table.c.capacity_available + delta).between(0, table.c.capacity_total),
    ).values(capacity_available=table.c.capacity_available + delta, capacity_updated_at=now,
             last_verified_at=now, stale_reminded_at=None))
    if result.rowcount != 1:
        db.session.rollback()
        db.session.expire(service)
        if service.capacity_total is None or service.capacity_available is None:
            raise ValidationError("This service has no capacity yet: enter available and total with Set.",
                                  field="delta")
        if service.capacity_available + delta < 0:
            raise ValidationError(f"Only {service.capacity_available} available now; it cannot go below 0.",
                                  field="delta")
        raise ValidationError(f"Already {service.capacity_available} of {service.capacity_total} available; raise "
                              "the total with Set first.", field="delta")
    audit.record(actor, "directory.capacity_updated", service)
    db.session.commit()
    db.session.expire(service)
    capacity_changed.send(service)  # the live layer pushes the new numbers (directory/live.py)
    return service


def capacity_event(service: Service) -> dict:
    """The payload of the live `capacity_updated` event: numbers only, never an address."""
    return {"service_id": service.id, "available": service.capacity_available, "total": service.capacity_total,
            "updated_at": service.capacity_updated_at.isoformat() if service.capacity_updated_at else None}


def remind_stale(now: datetime | None = None) -> list[dict]:
    """Record a reminder for every organization with entries unverified for 90 days (again after 30 days).

    Returns, per organization: its name, the stale services and the people to tell (its coordinators, or
    its active members when it has no coordinator). Mailing is `mail_stale_reminder`, after the commit."""
    now = now or utcnow()
    cutoff = now - search.STALE_AFTER
    stale = db.session.scalars(select(Service).where(
        Service.status.in_(LISTED_STATUSES),
        or_(Service.last_verified_at.is_(None), Service.last_verified_at < cutoff),
        or_(Service.stale_reminded_at.is_(None), Service.stale_reminded_at < now - REMIND_AGAIN_AFTER),
    ).order_by(Service.organization_id, Service.name)).unique().all()
    reminders: dict[int, dict] = {}
    for service in stale:
        organization = service.organization
        if organization.id not in reminders:
            people = [u for u in organization.members if u.active]
            reminders[organization.id] = {
                "organization": organization.name,
                "recipients": [u.email for u in people if u.is_coordinator] or [u.email for u in people],
                "services": []}
        reminders[organization.id]["services"].append({"id": service.id, "name": service.name})
    table = Service.__table__
    if stale:
        db.session.execute(update(table).where(table.c.id.in_([s.id for s in stale]))
                           .values(stale_reminded_at=now))
    for organization_id, reminder in reminders.items():
        audit.record(None, "directory.stale_reminded", ("Organization", organization_id), actor_label="system",
                     outcome=f"{len(reminder['services'])} services")
    db.session.commit()
    return list(reminders.values())


def mail_stale_reminder(reminder: dict, directory_url: str) -> bool:
    """Mail one organization's reminder when SMTP is configured; returns whether it was sent."""
    server = current_app.config.get("MAIL_SERVER")
    if not server or not reminder["recipients"]:
        return False
    names = "\n".join(f"  - {s['name']}" for s in reminder["services"])
    message = EmailMessage()
    message["Subject"] = "Directory entries to confirm"
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = ", ".join(reminder["recipients"])
    message.set_content(
        f"These services of {reminder['organization']} have not been confirmed for 90 days:\n\n{names}\n\n"
        f"Partners may send survivors to them tonight. Please open the directory, check each entry and press "
        f"“Mark as verified” (or correct it):\n{directory_url}\n")
    try:
        with smtplib.SMTP(server, current_app.config["MAIL_PORT"], timeout=10) as smtp:
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException):
        current_app.logger.warning("stale reminder mail for %s failed", reminder["organization"])
        return False
    return True
