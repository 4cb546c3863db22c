"""Notification emails: at once (on a worker thread, so a slow relay never delays a chat message) and the
daily digest (`flask --app app notifications send-digests`, for cron).

A digest is never sent twice: each member's digest of a day is a `NotificationDigest` row claimed (unique
user + day) and committed before the mail goes, and the notifications it covers are stamped with it. A
second run, or two at once, finds the day claimed or nothing left to send. If the relay refuses the mail,
the claim is undone and the next run tries again; if the process dies mid-send, the claim stays (at most
once: a lost digest, never a duplicate).
"""
import logging
import queue
import threading
from datetime import datetime

from flask import current_app
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from taskforce import mail
from taskforce.dbtypes import utcnow
from taskforce.extensions import db
from taskforce.notifications import rules
from taskforce.notifications.models import Notification, NotificationDigest, NotificationPreference
from taskforce.notifications.rules import Delivery

log = logging.getLogger(__name__)

_outbox: "queue.Queue[tuple]" = queue.Queue()  # thread-safe; one worker per process drains it
_worker_lock = threading.Lock()
_worker: threading.Thread | None = None


def _links() -> tuple[str, str]:
    return mail.absolute_url("/notifications"), mail.absolute_url("/notifications/preferences")


def mail_at_once(user_ids: list[int], kind: str, created_at: datetime) -> None:
    """Queue the emails of a notification just written for members who chose "email at once"."""
    if not mail.configured():
        return
    links = _links()  # read now: the worker has no request to read the app's address from
    _outbox.put((current_app._get_current_object(), list(user_ids), kind, created_at, links))
    _ensure_worker()


def _ensure_worker() -> None:
    global _worker
    with _worker_lock:
        if _worker is None or not _worker.is_alive():
            _worker = threading.Thread(target=_drain, name="notification-mail", daemon=True)
            _worker.start()


def _drain() -> None:
    while True:
        app, user_ids, kind, created_at, links = _outbox.get()
        try:
            with app.app_context():
                _send_at_once(user_ids, kind, created_at, links)
        except Exception:  # noqa: BLE001 - a bad job must not stop the worker; logged without content
            log.exception("notification mail of kind %s failed", kind)
        finally:
            _outbox.task_done()


def wait_for_outbox() -> None:
    """Block until every queued email was handled (tests, and a clean shutdown)."""
    _outbox.join()


def _send_at_once(user_ids: list[int], kind: str, created_at: datetime, links: tuple[str, str]) -> None:
    from taskforce.notifications.services import users_table
    users = users_table()
    rows = db.session.execute(
        select(Notification.id, Notification.email_text, Notification.url, users.c.email)
        .join(users, users.c.id == Notification.user_id)
        .where(Notification.user_id.in_(user_ids), Notification.kind == kind, Notification.created_at == created_at,
               Notification.emailed_at.is_(None), users.c.active.is_(True))).all()
    base = links[0].rsplit("/notifications", 1)[0]
    for notification_id, email_text, url, address in rows:
        subject, body = rules.immediate_email(email_text, base + url, links[1])
        if mail.send(address, subject, body, purpose="notification"):
            db.session.execute(update(Notification).where(Notification.id == notification_id)
                               .values(emailed_at=utcnow()))
            db.session.commit()


# --- daily digest ----------------------------------------------------------------------------------------

def send_digests(now: datetime | None = None) -> dict:
    """Mail each member who chose the digest for some kind one email listing what came since their last
    digest (unread notifications of those kinds not yet in a digest). Returns counts for the command."""
    now = now or utcnow()
    result = {"sent": 0, "failed": 0, "skipped": 0}
    if not mail.configured():
        result["skipped"] = -1
        return result
    links = _links()
    for user_id in _members_with_a_digest():
        outcome = _send_one_digest(user_id, now, links)
        result[outcome] += 1
    return result


def _members_with_a_digest() -> list[int]:
    return list(db.session.scalars(select(NotificationPreference.user_id)
                                   .where(NotificationPreference.delivery == Delivery.DIGEST)
                                   .distinct().order_by(NotificationPreference.user_id)))


def _send_one_digest(user_id: int, now: datetime, links: tuple[str, str]) -> str:
    from taskforce.notifications.services import users_table
    users = users_table()
    address = db.session.scalar(select(users.c.email).where(users.c.id == user_id, users.c.active.is_(True)))
    digest_kinds = select(NotificationPreference.kind).where(NotificationPreference.user_id == user_id,
                                                             NotificationPreference.delivery == Delivery.DIGEST)
    pending = select(Notification.id).where(Notification.user_id == user_id, Notification.kind.in_(digest_kinds),
                                            Notification.digest_id.is_(None), Notification.read_at.is_(None),
                                            Notification.created_at <= now)
    if address is None or db.session.scalar(pending.limit(1)) is None:
        return "skipped"
    digest = NotificationDigest(user_id=user_id, day=now.date(), created_at=now)
    try:
        db.session.add(digest)
        db.session.flush()  # the (user, day) key: a second run today stops here
        claimed = db.session.execute(update(Notification).where(Notification.id.in_(pending.scalar_subquery()))
                                     .values(digest_id=digest.id).execution_options(synchronize_session=False))
        digest.notification_count = claimed.rowcount
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return "skipped"
    texts = list(db.session.scalars(select(Notification.email_text).where(Notification.digest_id == digest.id)
                                    .order_by(Notification.id)))
    subject, body = rules.digest_email(texts, links[0], links[1])
    if mail.send(address, subject, body, purpose="digest"):
        digest.sent_at = utcnow()
        db.session.commit()
        return "sent"
    try:  # refused by the relay: release the claim so the next run tries again
        db.session.execute(update(Notification).where(Notification.digest_id == digest.id).values(digest_id=None))
        db.session.execute(delete(NotificationDigest).where(NotificationDigest.id == digest.id))
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        log.exception("a refused digest could not be released")
    return "failed"
