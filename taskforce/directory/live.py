"""Directory listeners (DESIGN §2 `live.py`): a capacity change is pushed to every signed-in directory page
(static/js/directory.js listens to `capacity_updated`) and tells the service's followers; a stale-entry
reminder tells the organization's people in the app too. Texts and pushes carry the service's public name
and numbers, never an address. Connected in `taskforce/wiring.py`.
"""
from taskforce import live, notifications
from taskforce.directory import follows
from taskforce.directory.capacity import capacity_event
from taskforce.notifications import rules

CAPACITY_CHANGED = notifications.register_kind("capacity_changed", "Capacity changes of services you follow")
ENTRIES_STALE = notifications.register_kind("entries_stale", "Your organization's directory entries to confirm")


def announce_capacity(service, **_extra) -> None:
    """Receiver of `capacity_changed`: numbers only (`capacity_event`), never an address, to the task force."""
    live.push(live.TASK_FORCE, "capacity_updated", capacity_event(service))


def capacity_sentence(service) -> str:
    if service.capacity_available is None or service.capacity_total is None:
        return f"{service.name}: capacity changed"
    if service.capacity_available == 0:
        return f"{service.name} is full (0 of {service.capacity_total} available)"
    return f"{service.name}: {service.capacity_available} of {service.capacity_total} available now"


@notifications.listener
def notify_followers_of_capacity(service, actor_id=None, **_extra) -> None:
    """Receiver of `directory.signals.capacity_changed`."""
    followers = rules.others(actor_id, follows.follower_ids(service.id))
    if followers:
        notifications.notify(followers, CAPACITY_CHANGED, capacity_sentence(service),
                             f"/directory/services/{service.id}", object_type="service", object_id=service.id)


@notifications.listener
def notify_organization_of_stale_entries(organization_id, service_ids=(), recipient_ids=(), **_extra) -> None:
    """Receiver of `directory.signals.entries_went_stale`."""
    count = len(service_ids)
    notifications.notify(recipient_ids, ENTRIES_STALE,
                         f"{count} of your organization's directory entr{'y needs' if count == 1 else 'ies need'} "
                         "confirming", "/directory/", object_type="organization", object_id=organization_id)
