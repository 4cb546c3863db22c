"""Following a service: a member who refers survivors to a shelter hears when its beds change, wherever
they are in the app (the capacity listener in `directory/live.py` tells the followers)."""
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from taskforce.directory.follow_models import ServiceFollow
from taskforce.directory.services import get_service
from taskforce.extensions import db


def is_following(actor, service_id: int) -> bool:
    return db.session.scalar(select(ServiceFollow.id).where(ServiceFollow.service_id == service_id,
                                                           ServiceFollow.user_id == actor.id)) is not None


def follow(actor, service_id, on: bool = True) -> bool:
    """Start (or with on=False stop) following a service any member can see; doing it twice changes
    nothing. Returns whether the actor follows it now."""
    service = get_service(service_id)
    if on:
        if not is_following(actor, service.id):
            db.session.add(ServiceFollow(service_id=service.id, user_id=actor.id))
            try:
                db.session.commit()
            except IntegrityError:  # two clicks at once: the other one stored it
                db.session.rollback()
        return True
    db.session.execute(delete(ServiceFollow).where(ServiceFollow.service_id == service.id,
                                                   ServiceFollow.user_id == actor.id))
    db.session.commit()
    return False


def follower_ids(service_id: int) -> list[int]:
    """Everyone following a service (the capacity listener tells them)."""
    return list(db.session.scalars(select(ServiceFollow.user_id).where(ServiceFollow.service_id == service_id)
                                   .order_by(ServiceFollow.user_id)))
