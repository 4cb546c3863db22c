"""Live updates from the directory: when a provider changes beds or slots, every signed-in directory page
shows the new numbers at once (static/js/directory.js listens to `capacity_updated`).

`announce_capacity` listens to `signals.capacity_changed` (connected in `taskforce/wiring.py`).
"""
from taskforce import live
from taskforce.directory.capacity import capacity_event


def announce_capacity(service, **_extra) -> None:
    """Receiver of `capacity_changed`: numbers only (`capacity_event`), never an address, to the task force."""
    live.push(live.TASK_FORCE, "capacity_updated", capacity_event(service))
