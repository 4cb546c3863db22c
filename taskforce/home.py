"""Home: what changed for me — a page of blocks CONTRIBUTED by the domains (platform module: it imports no
domain). Each domain's `views.register(app)` calls `register_block(name, order, provider, …)`; the provider
takes the signed-in member and returns what the block shows, or None when the block is not for them.

A provider returns a dict: `items` — a list of `{"text", "url", "meta"?, "unread"?, "action"?}` (no case
details; `action` `{"url", "label"}` is a one-button POST form carrying the CSRF token, e.g. accept a seat);
`empty` — what the member can do when there is nothing (every block says it); `more` — optional
`{"url", "label"}`. `live_events` names the pushes after which the page fetches the block again
(`GET /home/blocks/<name>`, static/js/home.js). "New since your last visit" reads `previous_visit(user)`:
a visit counts as new after an hour away, so reloading the page does not empty the blocks; before a
second visit it is None (show the newest).
"""
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError

from taskforce.dbtypes import utcnow
from taskforce.extensions import db

NEW_VISIT_AFTER = timedelta(hours=1)


@dataclass(frozen=True)
class Block:
    name: str
    order: int
    title: str
    provider: object  # callable(user) -> dict | None
    live_events: tuple[str, ...] = ()


_lock = threading.Lock()
_blocks: dict[str, Block] = {}


def register_block(name: str, order: int, provider, *, title: str, live_events=()) -> Block:
    """Contribute a block to Home (again with the same name replaces it: every create_app registers)."""
    block = Block(name, order, title, provider, tuple(live_events))
    with _lock:
        _blocks[name] = block
    return block


def registered() -> list[Block]:
    with _lock:
        return sorted(_blocks.values(), key=lambda b: (b.order, b.name))


def block_named(name: str) -> Block | None:
    with _lock:
        return _blocks.get(name)


def build(block: Block, user) -> dict | None:
    """What one block shows this member (None: not for them)."""
    data = block.provider(user)
    if data is None:
        return None
    return {"name": block.name, "title": block.title, "live_events": " ".join(block.live_events),
            "items": list(data.get("items") or ()), "empty": data.get("empty", "Nothing here yet."),
            "more": data.get("more")}


def page_for(user) -> list[dict]:
    return [built for built in (build(block, user) for block in registered()) if built is not None]


def previous_visit(user) -> datetime | None:
    """Where "new since your last visit" starts for this member; None before a second visit (blocks then
    show the newest, so a first morning is not empty)."""
    from taskforce.notifications.models import HomeVisit
    visit = db.session.get(HomeVisit, user.id)
    return None if visit is None else visit.previous_seen_at


def record_visit(user, now: datetime | None = None) -> None:
    """The member opened Home: after an hour away the last visit becomes the previous one."""
    from taskforce.notifications.models import HomeVisit
    now = now or utcnow()
    visit = db.session.get(HomeVisit, user.id)
    if visit is None:
        db.session.add(HomeVisit(user_id=user.id, seen_at=now, previous_seen_at=None))
    else:
        if now - visit.seen_at >= NEW_VISIT_AFTER:
            visit.previous_seen_at = visit.seen_at
        visit.seen_at = now
    try:
        db.session.commit()
    except IntegrityError:  # two tabs opened Home at once: the other one recorded it
        db.session.rollback()
