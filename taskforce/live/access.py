"""Who may watch which object: the registry behind `subscribe {room}` on `/live`.

A domain declares each kind of per-object room once, with the check its own services keep
(`live.allow("training", lambda user, training_id: trainings.may_read(user, training_id))`), from its
`live.py` or `taskforce.wiring`. A kind nobody declared is refused, so a room is never open by default.
The registry is written at start-up and read by every socket thread: a new dict replaces the old one
under a lock (readers never see it half-written).
"""
import threading
from collections.abc import Callable

from taskforce.live.rooms import RESERVED_KINDS

_lock = threading.Lock()
_checks: dict[str, Callable] = {}


def allow(kind: str, check: Callable[[object, object], bool]) -> Callable:
    """Let members subscribe to `<kind>:<id>` rooms when `check(user, object_id)` is true. `object_id` is an
    int when the room's id is all digits, else the string. Returns `check` (usable as a decorator body)."""
    global _checks
    if not isinstance(kind, str) or not kind or kind in RESERVED_KINDS or not kind.replace("_", "").isalnum():
        raise ValueError(f"{kind!r} cannot name a per-object room")
    with _lock:
        _checks = {**_checks, kind: check}
    return check


def check_for(kind: str) -> Callable | None:
    """The check declared for `kind`, or None."""
    return _checks.get(kind)


def forget(kind: str) -> None:
    """Drop a declaration (tests)."""
    global _checks
    with _lock:
        _checks = {k: v for k, v in _checks.items() if k != kind}
