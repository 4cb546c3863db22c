"""Calendar feeds: the public one, one per organization, and each member's secret feed.

The public and organization feeds hold the trainings open to all partners (a sector-only training is not
public), from 90 days back on; the link of a virtual session is never in them. A member's feed holds the
trainings they hold or wait for a seat in, with the link once they hold a seat.

A member's feed URL is `<key_id>.<hmac>`: the random key id is stored, the HMAC (under the app's secret
key) is not, so a copy of the database alone opens no feed; a new key revokes the old URL at once.
Each training's VEVENT bytes are cached by (uid, SEQUENCE, variant, base url) — SEQUENCE grows with every
change — so a feed of 2,000 trainings reads three columns per training and re-serializes only what changed.
"""
import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import false, select

from taskforce.auth.models import User
from taskforce.dbtypes import utcnow
from taskforce.extensions import db
from taskforce.training import cache, ics, topics
from taskforce.training.models import (ChangeKind, FeedKey, Registration, RegistrationState, Training,
                                       TrainingCoHost)

PAST_DAYS = 90


def _feed_training(training: Training, base_url: str, *, with_link: bool) -> ics.FeedTraining:
    exdates = tuple(c.recurrence_id for c in training.changes if c.kind is ChangeKind.SKIPPED)
    overrides = tuple(ics.FeedSession(c.recurrence_id, c.starts_at or c.recurrence_id,
                                      c.ends_at or c.recurrence_id + (training.ends_at - training.starts_at),
                                      cancelled=c.kind is ChangeKind.CANCELLED)
                      for c in training.changes if c.kind is not ChangeKind.SKIPPED)
    starts_at, ends_at, cancelled = training.starts_at, training.ends_at, training.is_cancelled
    if not training.rrule and overrides:  # a single session moved or cancelled: the event itself changes
        only = overrides[0]
        starts_at, ends_at, cancelled = only.starts_at, only.ends_at, cancelled or only.cancelled
        overrides = ()
    location = training.place
    if with_link and training.link:
        location = f"{location} · {training.link}" if location else training.link
    return ics.FeedTraining(
        uid=training.uid, title=training.title, starts_at=starts_at, ends_at=ends_at, tz=training.tz,
        sequence=training.sequence, last_modified=training.updated_at, created=training.created_at,
        description=training.description, url=f"{base_url}training/{training.id}", location=location,
        rrule=training.rrule, cancelled=cancelled, exdates=exdates, overrides=overrides,
        categories=tuple(topics.label(t) for t in training.topics))


def _block(training: Training, base_url: str, with_link: bool) -> tuple:
    years = (training.starts_at.year, training.series_ends_at.year)
    return ics.events(_feed_training(training, base_url, with_link=with_link)), training.tz, years


def _render(name: str, rows, base_url: str) -> bytes:
    """`rows`: (id, uid, sequence, with_link) in feed order. Cached event blocks are used as they are; the
    trainings missing from the cache are loaded (in chunks) and serialized once."""
    keyed = [(row[0], (row[1], row[2], row[3], base_url)) for row in rows]
    blocks = {}
    missing = []
    for training_id, key in keyed:
        hit = cache.events.get(key)
        if hit is None:
            missing.append((training_id, key))
        else:
            blocks[training_id] = hit
    for start in range(0, len(missing), 500):
        chunk = dict(missing[start:start + 500])
        for training in db.session.scalars(select(Training).where(Training.id.in_(sorted(chunk)))).unique():
            key = chunk[training.id]
            block = _block(training, base_url, key[2])
            cache.events.put(key, block)
            blocks[training.id] = block
    zones: dict[str, tuple[int, int]] = {}
    ordered = []
    for training_id, _key in keyed:
        body, tz, (first, last) = blocks[training_id]
        low, high = zones.get(tz, (first, last))
        zones[tz] = (min(low, first), max(high, last))
        ordered.append(body)
    return ics.calendar(name, ordered, zones)


def _public_statement():
    since = utcnow() - timedelta(days=PAST_DAYS)
    return (select(Training.id, Training.uid, Training.sequence, false())
            .where(Training.audience_sector.is_(None), Training.series_ends_at >= since)
            .order_by(Training.starts_at, Training.id))


def public_feed(base_url: str) -> bytes:
    """Every training open to all partners (public: no sign-in, no links)."""
    return _render("Task force joint trainings", db.session.execute(_public_statement()).all(), base_url)


def organization_feed(organization_id: int, base_url: str) -> bytes:
    """The public trainings an organization hosts or co-hosts."""
    co_hosted = select(TrainingCoHost.training_id).where(TrainingCoHost.organization_id == organization_id)
    stmt = _public_statement().where((Training.host_organization_id == organization_id) | Training.id.in_(co_hosted))
    return _render("Joint trainings of one partner", db.session.execute(stmt).all(), base_url)


def member_feed(user: User, base_url: str) -> bytes:
    """The trainings a member holds or waits for a seat in (the link once they hold a seat)."""
    rows = db.session.execute(select(Training.id, Training.uid, Training.sequence, Registration.state).join(
        Registration, Registration.training_id == Training.id).where(
        Registration.user_id == user.id, Registration.state != RegistrationState.CANCELLED)
        .order_by(Training.starts_at, Training.id)).all()
    return _render("My joint trainings", [(i, u, s, state.holds_seat) for i, u, s, state in rows], base_url)


def _signature(key_id: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"training-feed:{key_id}".encode(), hashlib.sha256).hexdigest()[:32]


def feed_secret(actor: User) -> str:
    """The member's feed secret (created the first time it is asked for)."""
    key = db.session.scalar(select(FeedKey).where(FeedKey.user_id == actor.id))
    if key is None:
        key = FeedKey(user_id=actor.id, key_id=secrets.token_hex(12))
        db.session.add(key)
        db.session.commit()
    return f"{key.key_id}.{_signature(key.key_id)}"


def existing_feed_secret(actor: User) -> str | None:
    key = db.session.scalar(select(FeedKey).where(FeedKey.user_id == actor.id))
    return f"{key.key_id}.{_signature(key.key_id)}" if key else None


def revoke_feed(actor: User) -> None:
    """Kill the member's feed URL; the next one asked for is new."""
    key = db.session.scalar(select(FeedKey).where(FeedKey.user_id == actor.id))
    if key is not None:
        db.session.delete(key)
        db.session.commit()


def member_for_secret(secret) -> User | None:
    """The active member whose feed this secret opens, or None (wrong, revoked or forged)."""
    if not isinstance(secret, str) or secret.count(".") != 1 or len(secret) > 80:
        return None
    key_id, signature = secret.split(".")
    if not hmac.compare_digest(signature, _signature(key_id)):
        return None
    key = db.session.scalar(select(FeedKey).where(FeedKey.key_id == key_id))
    if key is None:
        return None
    user = db.session.get(User, key.user_id)
    return user if user is not None and user.active else None
