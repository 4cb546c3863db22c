"""Reading the partner map: referral cells from the database, the graph, and what one viewer may see of it.

A cell is one edge's count for one category in one month: the finest figure stored, and the unit small-cell
suppression works on (`suppression`). Every figure a viewer gets — an edge's volume, an organization's
volume, an outcome — is a sum of cells as that viewer may see them, so no window or category filter can be
subtracted from another to uncover a hidden month. Coordinators, and the two organizations of an edge, see
exact figures. The figures computed on the graph (betweenness, brokerage…) use exact volumes and stay on
the server; they are coordinators' reading (members see degrees and volumes).
"""
import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from sqlalchemy import String, func, select, type_coerce

from taskforce.directory.taxonomy import CATEGORIES
from taskforce.errors import ValidationError
from taskforce.extensions import db
from taskforce.network import checks
from taskforce.network.models import OUTCOMES, Partnership, Referral
from taskforce.network.suppression import HIDDEN_HIGH, HIDDEN_LOW, SMALL_CELL, Figure, sees_exact

WINDOW_MONTHS = 12


@dataclass(frozen=True)
class View:
    """Which part of the map: a month window (first days of months, both included) and a category."""

    start: date
    end: date
    category: str = ""

    @property
    def key(self) -> tuple:
        return (self.start.isoformat(), self.end.isoformat(), self.category)


def months_back(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)


def months_of(view: View) -> list[str]:
    """The window's months as YYYY-MM, oldest first: the steps of the map's time slider."""
    months, month = [], view.start
    while month <= view.end:
        months.append(month.isoformat()[:7])
        month = months_back(month, -1)
    return months


def parse_view(args, today: date) -> View:
    """The window and category from query parameters (`start`, `end` as YYYY-MM, `category`); by default the
    last twelve months, all categories. A malformed value is a 400 naming it."""
    end_default = checks.first_of_month(today)
    try:
        end = checks.parse_month(args.get("end"), today) if args.get("end") else end_default
        start = checks.parse_month(args.get("start"), today) if args.get("start") else months_back(end, WINDOW_MONTHS - 1)
    except ValueError as error:
        raise ValidationError(f"Time window: {error}", field="start") from None
    if start > end:
        raise ValidationError("Time window: the start is after the end.", field="start")
    category = args.get("category") or ""
    if not isinstance(category, str) or (category and category not in CATEGORIES):
        raise ValidationError("Unknown service category: choose one from the list.", field="category")
    return View(start, end, category)


def data_version() -> str:
    """Changes whenever anything the map shows changes: the key the cached readings, figures, layout and
    answers are kept under (every server process computes the same one from the database).

    - organizations: every (id, name, sector) row, hashed whole — a summary (count, total name length,
      count per sector) missed a rename to a name of equal length and two organizations swapping sectors;
      three short columns, read as plain strings, take ~10 ms at 5,000;
    - agreements: every row (they are few; kind and dates decide an edge's style);
    - referrals: count, last id, the sum of the counts and the last update (every write path sets
      `updated_at`, and the column's `onupdate` covers any other SQLAlchemy update), so a new, changed or
      removed record changes it without reading tens of thousands of rows."""
    from taskforce.auth.models import Organization
    table = Referral.__table__
    referrals = db.session.execute(select(func.count(table.c.id), func.max(table.c.id), func.sum(table.c.count),
                                          func.max(table.c.updated_at))).one()
    digest = hashlib.sha256(repr(tuple(referrals)).encode())
    agreements = select(Partnership.id, Partnership.organization_a_id, Partnership.organization_b_id, Partnership.kind,
                        Partnership.starts_on, Partnership.ends_on).order_by(Partnership.id)
    digest.update(repr([tuple(row) for row in db.session.execute(agreements)]).encode())
    columns = Organization.__table__.c
    rows = db.session.execute(select(columns.id, columns.name, type_coerce(columns.sector, String))
                              .order_by(columns.id)).tuples()
    digest.update("\x1e".join(f"{oid}\x1f{name}\x1f{sector}" for oid, name, sector in rows).encode())
    return digest.hexdigest()[:16]


def organization_count() -> int:
    from taskforce.auth.models import Organization
    return db.session.scalar(select(func.count(Organization.id))) or 0


def organizations() -> list[tuple]:
    """(id, name, sector value) of every partner organization, by name (as `members.list_organizations`
    lists them; three columns read directly: loading 5,000 ORM objects took most of a second)."""
    from taskforce.auth.models import Organization
    columns = Organization.__table__.c
    rows = db.session.execute(select(columns.id, columns.name, columns.sector).order_by(columns.name)).all()
    return [(oid, name, getattr(sector, "value", sector)) for oid, name, sector in rows]


def cells(view: View | None) -> list[tuple]:
    """(from, to, category, month, count, accepted, declined…, completed) summed per cell."""
    table = Referral.__table__
    sums = [func.sum(table.c[name]) for name in ("count", *OUTCOMES)]
    statement = (select(table.c.from_organization_id, table.c.to_organization_id, table.c.category, table.c.month,
                        *sums)
                 .group_by(table.c.from_organization_id, table.c.to_organization_id, table.c.category, table.c.month))
    if view is not None:
        statement = statement.where(table.c.month >= view.start, table.c.month <= view.end)
        if view.category:
            statement = statement.where(table.c.category == view.category)
    return db.session.execute(statement).all()


def partnerships_on(day: date) -> list[tuple]:
    """(a, b, kind) of the agreements in force on `day`."""
    rows = db.session.execute(select(Partnership.organization_a_id, Partnership.organization_b_id, Partnership.kind)
                              .where(Partnership.starts_on <= day,
                                     (Partnership.ends_on.is_(None)) | (Partnership.ends_on >= day))).all()
    return [tuple(r) for r in rows]


def exact_edges(rows) -> list[dict]:
    """Edges with exact volumes (for the graph figures, never sent as they are to a member)."""
    edges = {}
    for source, target, category, _month, count, *outcomes in rows:
        edge = edges.get((source, target))
        if edge is None:
            edge = edges[(source, target)] = {"from": source, "to": target, "weight": 0, "categories": {},
                                              **{k: 0 for k in OUTCOMES}}
        edge["weight"] += count or 0
        edge["categories"][category] = edge["categories"].get(category, 0) + (count or 0)
        for key, value in zip(OUTCOMES, outcomes):
            edge[key] += value or 0
    return list(edges.values())


def viewer_key(viewer) -> tuple:
    """Who sees the same figures: every coordinator alike; a member as their organization."""
    if viewer is not None and viewer.is_coordinator:
        return ("exact",)
    return ("organization", getattr(viewer, "organization_id", None))


_FIGURE_KEYS = ("weight", *OUTCOMES)
# Figures are immutable values, so equal ones may be one object: most are small exact counts, and making a
# frozen dataclass is most of the cost of reading a map (thread-safe and bounded, as lru_cache is)
_figure = lru_cache(maxsize=1 << 16)(Figure)


def seen_edges(rows, viewer) -> list[dict]:
    """Edges as `viewer` may see them: each figure a `Figure` (exact, or the range hidden cells allow).
    Summed as (low, high) integers per edge, one Figure made at the end: a 30,000-cell map stays fast. A
    coordinator sees every cell exactly, so theirs are the exact sums (`exact_edges`) as Figures, without
    the per-cell suppression test (a third of a cold 2,000-partner map's reading)."""
    viewer_org = getattr(viewer, "organization_id", None)
    coordinator = bool(viewer is not None and viewer.is_coordinator)
    if coordinator:
        return [_exact_seen(edge) for edge in exact_edges(rows)]
    edges = {}
    for source, target, category, _month, *counts in rows:
        exact = sees_exact(viewer_org, coordinator, source, target)
        edge = edges.get((source, target))
        if edge is None:
            edge = edges[(source, target)] = [exact, [0] * len(_FIGURE_KEYS), [0] * len(_FIGURE_KEYS), {}]
        lows, highs, categories = edge[1], edge[2], edge[3]
        for index, value in enumerate(counts):
            value = value or 0
            if exact or value == 0 or value >= SMALL_CELL:
                lows[index] += value
                highs[index] += value
            else:
                lows[index] += HIDDEN_LOW
                highs[index] += HIDDEN_HIGH
        count = counts[0] or 0
        low, high = (count, count) if exact or count == 0 or count >= SMALL_CELL else (HIDDEN_LOW, HIDDEN_HIGH)
        previous = categories.get(category, (0, 0))
        categories[category] = (previous[0] + low, previous[1] + high)
    result = []
    for (source, target), (exact, lows, highs, categories) in edges.items():
        edge = {"from": source, "to": target, "exact": exact,
                "categories": {k: _figure(*v) for k, v in categories.items()}}
        edge.update({key: _figure(lows[i], highs[i]) for i, key in enumerate(_FIGURE_KEYS)})
        result.append(edge)
    return result


def _exact_seen(edge: dict) -> dict:
    seen = {"from": edge["from"], "to": edge["to"], "exact": True,
            "categories": {k: _figure(v, v) for k, v in edge["categories"].items()}}
    seen.update({key: _figure(edge[key], edge[key]) for key in _FIGURE_KEYS})
    return seen


def node_volumes(edges: list[dict]) -> dict:
    """{organization: {"in_volume": Figure, "out_volume": Figure, "in_degree", "out_degree"}} from seen edges."""
    sums = defaultdict(lambda: [0, 0, 0, 0, 0, 0])  # in low, in high, out low, out high, in degree, out degree
    for edge in edges:
        weight = edge["weight"]
        out, into = sums[edge["from"]], sums[edge["to"]]
        out[2] += weight.low
        out[3] += weight.high
        out[5] += 1
        into[0] += weight.low
        into[1] += weight.high
        into[4] += 1
    return {node: {"in_volume": Figure(s[0], s[1]), "out_volume": Figure(s[2], s[3]), "in_degree": s[4],
                   "out_degree": s[5]} for node, s in sums.items()}


def shown(value) -> int | str:
    return value.shown() if isinstance(value, Figure) else value
