"""Notification use cases: write one row per recipient (`notify`), count, list, mark read, preferences.

`notify` is called by domains' `live.py` listeners after the domain's own transaction committed; it commits
its rows, pushes the new unread count to each recipient's room and mails those who asked for it at once.
A failure here is logged and swallowed: the member's message or lesson is already stored and must not be
reported as failed because a notification could not be written. Other people's notifications do not exist
for the actor (404), whatever the id.
"""
import functools
import logging
import re
import threading
from collections.abc import Iterable

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from taskforce import ids, live
from taskforce.dbtypes import utcnow
from taskforce.errors import NotFound, ValidationError
from taskforce.extensions import db
from taskforce.notifications import mailing, rules
from taskforce.notifications.models import MAX_TEXT, MAX_URL, Notification, NotificationPreference
from taskforce.notifications.rules import Delivery

log = logging.getLogger(__name__)
PAGE_SIZE = 50
NOT_FOUND = "That notification does not exist."

_kinds_lock = threading.Lock()
KINDS: dict[str, str] = {}  # kind -> label shown in preferences and filters; filled at import of live.py modules


def register_kind(kind: str, label: str) -> str:
    """Declare a notification kind (shown in preferences and filters as `label`). Returns `kind`."""
    if not isinstance(kind, str) or not kind or len(kind) > 40:
        raise ValueError("a notification kind is a short name")
    with _kinds_lock:
        KINDS[kind] = label
    return kind


def kinds() -> dict[str, str]:
    """A copy of the registered kinds (kind -> label), in registration order."""
    with _kinds_lock:
        return dict(KINDS)


def listener(function):
    """Decorate a domain's notification listener: it runs after the domain committed, so its failure is
    logged (by name, no content) and rolled back, never raised into the use case that already succeeded."""
    @functools.wraps(function)
    def guarded(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except Exception:  # noqa: BLE001 - see the docstring
            db.session.rollback()
            log.exception("notification listener %s failed", function.__name__)
            return None
    return guarded


def users_table():
    """The auth domain's `users` table, by name: the platform imports no domain (DESIGN §2)."""
    return db.metadata.tables["users"]


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _line(text, limit: int) -> str:
    """One line of at most `limit` characters, without control characters (PostgreSQL refuses NUL)."""
    return " ".join(_CONTROL.sub(" ", str(text or "")).split())[:limit]


def _safe_url(url) -> str:
    url = str(url or "")
    if (not url.startswith("/") or url.startswith("//") or "\\" in url or len(url) > MAX_URL
            or _CONTROL.search(url)):
        return "/notifications"
    return url


def notify(user_ids: Iterable[int], kind: str, text: str, url: str, *, object_type: str | None = None,
           object_id: int | None = None, email_text: str | None = None) -> list[int]:
    """Tell these members something happened: a row each (active accounts only), the live bell count, and an
    email for those who chose "at once". `text` is short and carries no case details ("Ana mentioned you
    in #intake"); `email_text` is what an email may say (default `text`). Returns the recipients told."""
    if isinstance(user_ids, int):  # one member (the style guide's example passes a single id)
        user_ids = [user_ids]
    wanted = sorted({i for i in user_ids or () if isinstance(i, int) and not isinstance(i, bool)})
    if not wanted:
        return []
    text, url = _line(text, MAX_TEXT), _safe_url(url)
    email_text = _line(email_text, MAX_TEXT) or text
    try:
        users = users_table()
        recipients = list(db.session.scalars(select(users.c.id).where(users.c.id.in_(wanted), users.c.active.is_(True))))
        if not recipients:
            return []
        now = utcnow()
        db.session.execute(insert(Notification), [  # one executemany, not a statement per recipient
            {"user_id": user_id, "kind": kind, "object_type": object_type, "object_id": object_id, "text": text,
             "email_text": email_text, "url": url, "created_at": now} for user_id in recipients])
        db.session.commit()
        by_delivery = rules.split_by_delivery(recipients, _preferences_of(recipients, kind))
    except SQLAlchemyError:
        db.session.rollback()
        log.exception("notifications of kind %s could not be written", kind)
        return []
    for user_id in recipients:
        live.push(live.user_room(user_id), "notification", {"kind": kind, "text": text, "url": url})
    push_unread_counts(recipients)
    if by_delivery[Delivery.EMAIL]:
        mailing.mail_at_once(sorted(by_delivery[Delivery.EMAIL]), kind, now)
    return recipients


def _preferences_of(user_ids: list[int], kind: str) -> dict[int, Delivery]:
    rows = db.session.execute(select(NotificationPreference.user_id, NotificationPreference.delivery)
                              .where(NotificationPreference.user_id.in_(user_ids), NotificationPreference.kind == kind))
    return dict(rows.all())


def unread_counts(user_ids: Iterable[int]) -> dict[int, int]:
    """Unread notifications per member, in one query (members with none are 0)."""
    wanted = sorted(set(user_ids))
    counts = dict.fromkeys(wanted, 0)
    if wanted:
        counts.update(db.session.execute(
            select(Notification.user_id, func.count(Notification.id))
            .where(Notification.user_id.in_(wanted), Notification.read_at.is_(None))
            .group_by(Notification.user_id)).all())
    return counts


def unread_count(actor) -> int:
    """The number on the actor's bell."""
    return unread_counts([actor.id])[actor.id]


def push_unread_counts(user_ids: Iterable[int]) -> None:
    """Every tab of these members shows the new bell count (sent after a write or a read)."""
    for user_id, count in unread_counts(user_ids).items():
        live.push(live.user_room(user_id), "notifications_unread", {"count": count, "badge": rules.badge(count)})


def _clean_kind(kind) -> str | None:
    if kind in (None, ""):
        return None
    if not isinstance(kind, str) or kind not in kinds():
        raise ValidationError("Choose one of the listed kinds of notification.", field="kind")
    return kind


def list_notifications(actor, *, kind=None, unread_only: bool = False, before=None,
                       limit: int = PAGE_SIZE) -> tuple[list[Notification], bool]:
    """The actor's notifications, newest first, optionally of one kind or unread only; `before` (an id)
    pages back. Returns the rows and whether older ones exist."""
    kind = _clean_kind(kind)
    stmt = select(Notification).where(Notification.user_id == actor.id)
    if kind:
        stmt = stmt.where(Notification.kind == kind)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    if before not in (None, ""):
        before = ids.record_id(before)
        if before is None:
            raise ValidationError("before must be a notification's number.", field="before")
        stmt = stmt.where(Notification.id < before)
    rows = list(db.session.scalars(stmt.order_by(Notification.id.desc()).limit(limit + 1)))
    return rows[:limit], len(rows) > limit


def get_notification(actor, notification_id) -> Notification:
    """One of the actor's notifications; another member's id is the same NotFound as a missing one."""
    notification_id = ids.record_id(notification_id)
    notification = db.session.get(Notification, notification_id) if notification_id is not None else None
    if notification is None or notification.user_id != actor.id:
        raise NotFound(NOT_FOUND)
    return notification


def mark_read(actor, notification_id) -> Notification:
    """Mark one notification read (again: nothing changes) and update the bell in every tab."""
    notification = get_notification(actor, notification_id)
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.commit()
        push_unread_counts([actor.id])
    return notification


def mark_all_read(actor, kind=None) -> int:
    """Mark every unread notification (of one kind, if given) read; returns how many changed."""
    kind = _clean_kind(kind)
    stmt = update(Notification).where(Notification.user_id == actor.id, Notification.read_at.is_(None))
    if kind:
        stmt = stmt.where(Notification.kind == kind)
    changed = db.session.execute(stmt.values(read_at=utcnow()).execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    if changed:
        push_unread_counts([actor.id])
    return changed


def unread_object_ids(user_id: int, object_type: str, limit: int = 500) -> set[int]:
    """The ids of objects of one type a member has unread notifications about (bounded)."""
    return set(db.session.scalars(select(Notification.object_id).where(
        Notification.user_id == user_id, Notification.read_at.is_(None), Notification.object_type == object_type,
        Notification.object_id.is_not(None)).limit(limit)))


def mark_object_read(user_id: int, object_type: str, object_ids: Iterable[int]) -> int:
    """A domain saw its member look at objects (a channel's messages read): their notifications are read."""
    wanted = sorted({i for i in object_ids if isinstance(i, int)})
    if not wanted:
        return 0
    changed = db.session.execute(
        update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None),
                                   Notification.object_type == object_type, Notification.object_id.in_(wanted))
        .values(read_at=utcnow()).execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    if changed:
        push_unread_counts([user_id])
    return changed


# --- preferences ---------------------------------------------------------------------------------------

def preferences(actor) -> list[dict]:
    """Every registered kind with how the actor hears of it (in the app only when never chosen)."""
    chosen = dict(db.session.execute(select(NotificationPreference.kind, NotificationPreference.delivery)
                                     .where(NotificationPreference.user_id == actor.id)).all())
    return [{"kind": kind, "label": label, "delivery": chosen.get(kind, Delivery.IN_APP)}
            for kind, label in kinds().items()]


def set_preferences(actor, choices: dict) -> list[dict]:
    """Store how the actor hears of each kind, all at once: every choice is checked first, and any bad one
    refuses the whole form (nothing half-saved), naming each."""
    if not isinstance(choices, dict):
        raise ValidationError("Send a choice for each kind of notification.")
    known, errors, cleaned = kinds(), {}, {}
    for kind, value in choices.items():
        if kind not in known:
            errors[str(kind)[:40]] = "This kind of notification does not exist."
            continue
        try:
            cleaned[kind] = Delivery(value)
        except ValueError:
            errors[kind] = f"Choose how to hear of “{known[kind]}”: in the app, email at once or a daily digest."
    if errors:
        raise ValidationError("Some choices could not be used; nothing was saved.", details={"fields": errors})
    existing = {p.kind: p for p in db.session.scalars(
        select(NotificationPreference).where(NotificationPreference.user_id == actor.id))}
    for kind, delivery in cleaned.items():
        row = existing.get(kind)
        if delivery is Delivery.IN_APP:
            if row is not None:
                db.session.delete(row)
        elif row is None:
            db.session.add(NotificationPreference(user_id=actor.id, kind=kind, delivery=delivery))
        else:
            row.delivery = delivery
    db.session.commit()
    return preferences(actor)
