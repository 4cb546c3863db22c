"""PURE: what changed on the partner map between two periods — which links appeared, vanished, grew or shrank,
and which organizations gained or lost partners.

The inputs are the two periods' edges as one viewer may know them: {(from, to): volume}, a volume being an
exact count (int) or a `Figure` range (a member's view of small cells outside their organization). Every
judgement is made on those values and nothing finer, so a comparison can never tell more than the two maps
side by side: a change is the range `after − before` allows (exact only when both ends are exact), a link
"grew" only if its smallest possible volume now is above its largest possible volume then, and two ranges
that overlap are "unclear" — never "unchanged", which would say two hidden counts are equal.
"""
from dataclasses import dataclass, field

from taskforce.network.suppression import ZERO, Figure

APPEARED, VANISHED, GREW, SHRANK, UNCHANGED, UNCLEAR = "appeared", "vanished", "grew", "shrank", "unchanged", "unclear"
STATUSES = {APPEARED: "Appeared", VANISHED: "Vanished", GREW: "Grew", SHRANK: "Shrank", UNCHANGED: "Unchanged",
            UNCLEAR: "Unclear (small counts hidden)"}


def figure(value) -> Figure:
    """An exact count, a Figure or nothing (no referral) as a Figure."""
    if value is None:
        return ZERO
    if isinstance(value, Figure):
        return value
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise TypeError(f"a volume is a count or a Figure, not {value!r}")
    return Figure(value, value)


def difference(before: Figure, after: Figure) -> Figure:
    """Every value `after − before` may take: exact when both are."""
    return Figure(after.low - before.high, after.high - before.low)


def signed(change: Figure) -> int | str:
    """A change as shown: 3, -2, or "−1 to +3" for a range (an en dash between two signed numbers reads badly)."""
    if change.exact:
        return change.low
    return f"{_sign(change.low)} to {_sign(change.high)}"


def _sign(number: int) -> str:
    return "0" if number == 0 else (f"+{number}" if number > 0 else f"−{-number}")


def classify(before: Figure, after: Figure) -> str | None:
    """The status of one link from `before` to `after`, or None when it carried nobody in either period."""
    if before.high == 0 and after.high == 0:
        return None
    if before.high == 0:
        return APPEARED
    if after.high == 0:
        return VANISHED
    if after.low > before.high:
        return GREW
    if after.high < before.low:
        return SHRANK
    if before.exact and after.exact:
        return UNCHANGED
    return UNCLEAR


@dataclass(frozen=True)
class EdgeChange:
    source: int
    target: int
    status: str
    before: Figure
    after: Figure

    @property
    def change(self) -> Figure:
        return difference(self.before, self.after)


@dataclass
class NodeChange:
    """One organization's partners (either direction) and volumes in each period."""

    partners_before: set = field(default_factory=set)
    partners_after: set = field(default_factory=set)
    in_before: Figure = ZERO
    in_after: Figure = ZERO
    out_before: Figure = ZERO
    out_after: Figure = ZERO

    @property
    def new_partners(self) -> set:
        return self.partners_after - self.partners_before

    @property
    def lost_partners(self) -> set:
        return self.partners_before - self.partners_after

    @property
    def status(self) -> str | None:
        """appeared (no link before), vanished (none after), or None for an organization active in both."""
        if not self.partners_before:
            return APPEARED if self.partners_after else None
        return VANISHED if not self.partners_after else None


@dataclass
class Comparison:
    edges: list  # EdgeChange, ordered by (source, target)
    nodes: dict  # {organization id: NodeChange}, only organizations with a link in either period

    def by_status(self, status: str) -> list:
        return [e for e in self.edges if e.status == status]

    def counts(self) -> dict:
        return {status: len(self.by_status(status)) for status in STATUSES}


def compare(before: dict, after: dict) -> Comparison:
    """Compare the edges {(from, to): volume} of period A (`before`) and period B (`after`)."""
    edges, nodes = [], {}
    for key in sorted(set(before) | set(after)):
        source, target = key
        if source == target:
            raise ValueError(f"a link joins two organizations, not {source} to itself")
        a, b = figure(before.get(key)), figure(after.get(key))
        status = classify(a, b)
        if status is None:
            continue
        edges.append(EdgeChange(source, target, status, a, b))
        out, into = nodes.setdefault(source, NodeChange()), nodes.setdefault(target, NodeChange())
        if a.high:
            out.partners_before.add(target)
            into.partners_before.add(source)
        if b.high:
            out.partners_after.add(target)
            into.partners_after.add(source)
        out.out_before, out.out_after = out.out_before + a, out.out_after + b
        into.in_before, into.in_after = into.in_before + a, into.in_after + b
    return Comparison(edges, nodes)
