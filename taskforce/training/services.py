"""Who may see and change which training, and the lookups every training use case starts from.

Rules kept here: a training for one sector only is visible to that sector, its hosts and coordinators; for
everyone else it does not exist (404, the same answer as a missing id). A training is edited by the
trainers and coordinators of its host organization or of a co-host (and admins). Scheduling lives in
`scheduling.py`, seats in `registration.py`, feeds in `feeds.py`, attendance and evaluation in theirs.
"""
from sqlalchemy import or_, select

from taskforce import ids
from taskforce.auth.models import User
from taskforce.errors import NotFound, PermissionDenied
from taskforce.extensions import db
from taskforce.training import cache, timing, versions  # noqa: F401 (versions: its flush listener)
from taskforce.training.models import Training, TrainingCoHost

NOT_FOUND = "That training does not exist or is not open to your sector."


def visible_condition(actor: User):
    """SQL condition on `Training`: the trainings `actor` may see (lists, calendars, feeds, JSON)."""
    if actor.is_coordinator:
        return Training.id.is_not(None)
    co_hosted = select(TrainingCoHost.training_id).where(TrainingCoHost.organization_id == actor.organization_id)
    return or_(Training.audience_sector.is_(None), Training.audience_sector == actor.sector.value,
               Training.host_organization_id == actor.organization_id, Training.id.in_(co_hosted))


def audience_key(actor: User) -> tuple:
    """Everything `visible_condition(actor)` depends on: members with the same key see the same trainings,
    so a cache of what they see is keyed by it (change the two together)."""
    if actor.is_coordinator:
        return ("coordinator",)
    return ("member", actor.sector.value, actor.organization_id)


def can_see(actor: User, training: Training) -> bool:
    return (actor.is_coordinator or training.audience_sector in (None, actor.sector.value)
            or is_host(actor.organization_id, training))


def is_host(organization_id: int, training: Training) -> bool:
    return organization_id == training.host_organization_id or organization_id in training.co_host_ids


def can_edit(actor: User, training: Training) -> bool:
    """Host and co-host organizations' trainers and coordinators (and admins) edit a training."""
    return actor.is_admin or (actor.can_schedule_trainings and is_host(actor.organization_id, training))


def may_follow(actor: User, training_id) -> bool:
    """Whether `actor` may follow a training's live room (`training:<id>`): exactly when they may see it."""
    try:
        get_training(actor, training_id)
    except NotFound:
        return False
    return True


def get_training(actor: User, training_id) -> Training:
    """The training, if `actor` may see it; NotFound otherwise (ids cannot be probed)."""
    training_id = ids.record_id(training_id)
    training = db.session.get(Training, training_id) if training_id is not None else None
    if training is None or not can_see(actor, training):
        raise NotFound(NOT_FOUND)
    return training


def get_for_editing(actor: User, training_id) -> Training:
    training = get_training(actor, training_id)
    if not can_edit(actor, training):
        raise PermissionDenied("Only the trainers of the host and co-host organizations change this training.")
    return training


def occurrences_of(training: Training, *, cached: bool = True) -> tuple[timing.Occurrence, ...]:
    """Every session of the training with its single-session changes applied. Cached by (uid, SEQUENCE):
    every change of time, series or session bumps SEQUENCE; a caller that changed the training and has not
    bumped it yet asks with `cached=False`."""
    key = (training.uid, training.sequence)
    if cached:
        hit = cache.sessions.get(key)
        if hit is not None:
            return hit
    changes = {c.recurrence_id: (c.kind.value, c.starts_at, c.ends_at) for c in training.changes}
    sessions = tuple(timing.occurrences(training.starts_at, training.ends_at, training.tz, training.rrule, changes))
    if cached:
        cache.sessions.put(key, sessions)
    return sessions
