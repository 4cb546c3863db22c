"""PURE: small-cell suppression of referral counts (the rule public-health data releases follow).

A monthly count between 1 and 4 can point at a person in a small county, so outside the two organizations of
an edge it is shown as "1–4". A figure summed over several months (a time window, an organization's volume)
is built from the monthly cells as they would be shown: exact months add up, each hidden month adds 1 to 4,
so the total becomes a range ("12–18") and no choice of windows lets anyone subtract a hidden month back
out. Zero stays 0: knowing nobody was referred points at no one. Coordinators see exact figures.
"""
from dataclasses import dataclass

SMALL_CELL = 5
HIDDEN_LOW, HIDDEN_HIGH = 1, SMALL_CELL - 1


@dataclass(frozen=True)
class Figure:
    """A count as one viewer may know it: exact when low == high, else the range it lies in."""

    low: int
    high: int

    @property
    def exact(self) -> bool:
        return self.low == self.high

    def shown(self) -> int | str:
        """What pages, JSON and exports show: the number, or "low–high" with an en dash."""
        return self.low if self.exact else f"{self.low}–{self.high}"

    def __add__(self, other: "Figure") -> "Figure":
        return Figure(self.low + other.low, self.high + other.high)

    @property
    def weight(self) -> float:
        """A single number to draw with (line width, node size): the middle of the range."""
        return (self.low + self.high) / 2


ZERO = Figure(0, 0)


def cell(count: int, exact: bool) -> Figure:
    """One monthly count as a viewer sees it: hidden when 1–4 unless `exact`."""
    if exact or count == 0 or count >= SMALL_CELL:
        return Figure(count, count)
    return Figure(HIDDEN_LOW, HIDDEN_HIGH)


def total(counts, exact: bool) -> Figure:
    """The sum of monthly counts as a viewer may know it (each month suppressed on its own first)."""
    result = ZERO
    for count in counts:
        result = result + cell(count, exact)
    return result


def sees_exact(viewer_organization_id, is_coordinator: bool, from_id: int, to_id: int) -> bool:
    """Coordinators see every edge exactly; a member sees exactly only edges their organization is an end of."""
    return is_coordinator or viewer_organization_id in (from_id, to_id)
