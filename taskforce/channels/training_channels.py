"""Training channels (kind `training`): one per joint training, its members kept equal to the people who
hold a seat (and the trainer who scheduled it).

Called from `taskforce.wiring` when the training domain sends its signals (after its commit); the channels
domain never imports the training domain: it is handed the training's id and title, and `members`, a
function that reads who should be in the channel. That function is called only after the channel's row is
locked, so two registrations syncing at once cannot leave a stale member list behind (the later one reads
what the earlier committed). Socket rooms follow at once (`room_events.member_added` / `member_removed`).
"""
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from taskforce.channels import room_events
from taskforce.channels.models import Channel, ChannelKind, ChannelMembership
from taskforce.dbtypes import utcnow
from taskforce.extensions import db

MAX_NAME = 80


def _find(training_id: int) -> Channel | None:
    return db.session.scalar(select(Channel).where(Channel.kind == ChannelKind.TRAINING,
                                                   Channel.training_id == training_id).order_by(Channel.id))


def ensure_training_channel(training_id: int, title: str, created_by_id: int | None = None) -> Channel:
    """The training's channel, created the first time (commits)."""
    channel = _find(training_id)
    if channel is None:
        channel = Channel(name=f"training: {title}"[:MAX_NAME], topic="Registrants of this joint training",
                          kind=ChannelKind.TRAINING, training_id=training_id, created_by_id=created_by_id)
        db.session.add(channel)
        db.session.commit()
    return channel


def _lock(channel_id: int) -> None:
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(Channel.id).where(Channel.id == channel_id).with_for_update())
    else:  # SQLite: take the one writer's lock before reading
        db.session.execute(update(Channel).where(Channel.id == channel_id).values(topic=Channel.topic))


def sync_training_members(training_id: int, title: str, members, created_by_id: int | None = None) -> tuple[set, set]:
    """Make the channel's members exactly `members()` (or the ids given); returns (added, removed) ids.
    Commits, then moves the sockets."""
    channel = ensure_training_channel(training_id, title, created_by_id)
    _lock(channel.id)
    wanted = {int(i) for i in (members() if callable(members) else members)}
    rows = {m.user_id: m for m in db.session.scalars(select(ChannelMembership).where(
        ChannelMembership.channel_id == channel.id))}
    added, removed = wanted - set(rows), set(rows) - wanted
    insert = postgresql_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    for user_id in sorted(added):
        db.session.execute(insert(ChannelMembership).values(
            channel_id=channel.id, user_id=user_id, last_read_message_id=0, muted=False, joined_at=utcnow())
            .on_conflict_do_nothing(index_elements=["channel_id", "user_id"]))
    for user_id in sorted(removed):
        db.session.delete(rows[user_id])
    db.session.commit()
    for user_id in sorted(added):
        room_events.member_added(channel, user_id)
    for user_id in sorted(removed):
        room_events.member_removed(channel.id, user_id)
    return added, removed


def on_training_changed(training, kind="updated", **_extra) -> None:
    """Receiver of the training domain's `training_changed`: a new training gets its channel at once."""
    if kind == "created":
        ensure_training_channel(training.id, training.title, getattr(training, "created_by_id", None))


def on_training_registrations_changed(training, members=(), **_extra) -> None:
    """Receiver of the training domain's `registration_changed` (connected in `taskforce.wiring`)."""
    sync_training_members(training.id, training.title, members, getattr(training, "created_by_id", None))
