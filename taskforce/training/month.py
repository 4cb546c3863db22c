"""The month view's grid, built once per version of the calendar's data and reused by every member who
would see the same grid.

Expanding a month of a busy task force (hundreds of sessions from thousands of trainings), counting their
seats and rendering the grid cost ~70 ms a request; the data changes far less often than members look at
it. Two caches, both per process, bounded and locked (`cache.BoundedCache`, immutable values):

- `cache.month_entries`: the month's sessions with seats left, keyed by (data version, month, viewer's
  zone, filters, audience). The audience (`services.audience_key`: coordinator, or sector and
  organization) is everything visibility depends on, so a sector-only training a member warmed the cache
  with is never in another audience's entry. No member's own state is in it.
- `cache.month_grids`: the rendered grid, keyed by that key plus the member's own states among the
  month's trainings (usually none): members of one audience with the same states get the same bytes,
  and nothing else of a member (links, names) is on the grid.

The data version (`versions.py`) is read before the data, in the same transaction, and bumped by every
write of calendar data, so the next request after a commit misses and rebuilds: nothing is invalidated,
old keys age out. A request whose own session holds unflushed or flushed writes builds without caching.
The view hands in `draw(entries, weeks)`, its template for the grid: this module decides only when a drawn
grid may be reused.
"""
from datetime import date
from zoneinfo import ZoneInfo

from markupsafe import Markup
from sqlalchemy import bindparam, select

from taskforce.auth.models import User
from taskforce.extensions import db
from taskforce.training import cache, calendar, services, versions
from taskforce.training.models import Registration, RegistrationState
from taskforce.training.presenting import month_grid
from taskforce.transactions import wrote_nothing


def month_view(actor: User, first: date, zone: ZoneInfo, filters: calendar.Filters, draw) -> tuple[Markup, int]:
    """The month's grid as `actor` sees it, drawn by `draw(entries, weeks)`, and how many sessions it holds."""
    session = db.session()
    version = versions.current(session) if wrote_nothing(session) else None
    weeks, low, high = month_grid(first, zone)
    if version is None:
        shared = calendar.shared_entries(actor, low, high, filters)
        return _drawn(draw, shared, _my_states(actor, {e.training.id for e in shared}), weeks)
    key = (version, first, zone.key, filters, services.audience_key(actor))
    hit = cache.month_entries.get(key)
    if hit is None:
        shared = tuple(calendar.shared_entries(actor, low, high, filters))
        hit = (shared, frozenset(e.training.id for e in shared))
        cache.month_entries.put(key, hit)
    shared, training_ids = hit
    mine = _my_states(actor, training_ids)
    grid_key = (key, tuple(sorted(mine.items())))
    grid = cache.month_grids.get(grid_key)
    if grid is None:
        grid = _drawn(draw, shared, mine, weeks)
        cache.month_grids.put(grid_key, grid)
    return grid


_REGISTRATIONS = Registration.__table__
_MY_STATES = select(_REGISTRATIONS.c.training_id, _REGISTRATIONS.c.state).where(
    _REGISTRATIONS.c.user_id == bindparam("user_id"), _REGISTRATIONS.c.state != RegistrationState.CANCELLED)


def _my_states(actor: User, training_ids) -> dict[int, str]:
    """The member's own (not cancelled) registration states among `training_ids`: one indexed query of
    their own rows (Core, on the session's connection: it runs on every month view)."""
    if not training_ids:
        return {}
    rows = db.session.connection().execute(_MY_STATES, {"user_id": actor.id})
    return {tid: RegistrationState(state).value for tid, state in rows if tid in training_ids}


def _drawn(draw, shared, mine: dict[int, str], weeks) -> tuple[Markup, int]:
    entries = calendar.with_states(shared, mine)
    return Markup(draw(entries, weeks)), len(entries)
