"""PURE: who may take a seat — capacity, seats reserved per sector, and their release before the day.

Rule (issue 15): a training has `capacity` seats; some are reserved per sector (e.g. 5 for healthcare) so
that a joint training stays joint. A reserved seat is taken only by its sector until the reservation is
released, N days before the start; then every free seat is open to everyone. Seats a sector holds beyond
its reservation come out of the open pool, like any other sector's.

Held seats are confirmed, attended and offered ones (an offer keeps its seat until it is accepted or lapses).
"""
from collections.abc import Mapping
from dataclasses import dataclass

MAX_CAPACITY = 2_000


@dataclass(frozen=True)
class SeatPlan:
    capacity: int
    reserved: Mapping[str, int]   # sector value → seats reserved for it
    released: bool                # the release date has passed: reservations no longer hold

    @property
    def open_seats(self) -> int:
        """Seats anyone may take while reservations hold."""
        return self.capacity - sum(self.reserved.values())


def seats_for(plan: SeatPlan, held: Mapping[str, int], sector: str) -> int:
    """How many more seats a member of `sector` could take now."""
    total_held = sum(held.values())
    free = max(0, plan.capacity - total_held)
    if plan.released or not plan.reserved:
        return free
    open_used = sum(max(0, count - plan.reserved.get(s, 0)) for s, count in held.items())
    open_left = max(0, plan.open_seats - open_used)
    own_left = max(0, plan.reserved.get(sector, 0) - held.get(sector, 0))
    return min(free, open_left + own_left)


def seats_left(plan: SeatPlan, held: Mapping[str, int]) -> int:
    """Free seats in total (what a calendar shows as "seats left")."""
    return max(0, plan.capacity - sum(held.values()))


def reservation_problems(capacity: int, reserved: Mapping[str, int]) -> list[str]:
    """Why a set of reservations cannot work with this capacity (empty when it can)."""
    problems = []
    if any(n < 0 for n in reserved.values()):
        problems.append("Reserved seats cannot be negative.")
    if sum(reserved.values()) > capacity:
        problems.append(f"{sum(reserved.values())} seats are reserved but the training has only {capacity}.")
    return problems
