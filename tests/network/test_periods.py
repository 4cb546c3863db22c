"""The pure two-period comparison on hand-built edges whose answers are known: statuses, changes (exact and as
ranges), and which organizations gained or lost partners."""
import pytest

from taskforce.network import periods
from taskforce.network.suppression import Figure

A, B, C, D, E = 1, 2, 3, 4, 5


def statuses(comparison):
    return {(e.source, e.target): e.status for e in comparison.edges}


def test_exact_volumes_are_classified_with_both_volumes_and_the_change():
    before = {(A, B): 6, (B, C): 9, (C, D): 4, (D, A): 7, (E, A): 0}
    after = {(A, B): 10, (B, C): 2, (C, D): 4, (A, E): 3}
    result = periods.compare(before, after)
    assert statuses(result) == {(A, B): "grew", (B, C): "shrank", (C, D): "unchanged", (D, A): "vanished",
                                (A, E): "appeared"}  # (E, A) carried nobody in either period: not a link
    changes = {(e.source, e.target): (e.before.shown(), e.after.shown(), periods.signed(e.change)) for e in result.edges}
    assert changes == {(A, B): (6, 10, 4), (B, C): (9, 2, -7), (C, D): (4, 4, 0), (D, A): (7, 0, -7), (A, E): (0, 3, 3)}
    assert [(e.source, e.target) for e in result.edges] == sorted(changes)
    assert result.counts() == {"appeared": 1, "vanished": 1, "grew": 1, "shrank": 1, "unchanged": 1, "unclear": 0}


def test_new_and_lost_partners_per_organization():
    before = {(A, B): 6, (D, A): 7}
    after = {(A, B): 1, (A, E): 3, (C, B): 2}
    nodes = periods.compare(before, after).nodes
    assert nodes[A].new_partners == {E} and nodes[A].lost_partners == {D}
    assert nodes[B].new_partners == {C} and nodes[B].lost_partners == set()
    assert nodes[D].status == "vanished" and nodes[E].status == "appeared" and nodes[C].status == "appeared"
    assert nodes[A].status is None
    assert (nodes[A].out_before, nodes[A].out_after, nodes[A].in_before, nodes[A].in_after) == (
        Figure(6, 6), Figure(4, 4), Figure(7, 7), Figure(0, 0))


def test_ranges_are_compared_on_what_they_allow_and_overlap_is_unclear_never_unchanged():
    hidden = Figure(1, 4)
    before = {(A, B): hidden, (B, C): Figure(8, 11), (C, D): hidden, (D, E): Figure(10, 10), (E, A): hidden}
    after = {(A, B): hidden, (B, C): Figure(15, 15), (C, D): Figure(5, 5), (D, E): Figure(6, 9), (A, C): hidden}
    result = periods.compare(before, after)
    assert statuses(result) == {(A, B): "unclear", (B, C): "grew", (C, D): "grew", (D, E): "shrank",
                                (E, A): "vanished", (A, C): "appeared"}
    change = {(e.source, e.target): periods.signed(e.change) for e in result.edges}
    assert change[(A, B)] == "−3 to +3"      # two hidden 1–4 months: nothing exact comes out of their difference
    assert change[(B, C)] == "+4 to +7"
    assert change[(C, D)] == "+1 to +4"
    assert change[(D, E)] == "−4 to −1"
    assert change[(E, A)] == "−4 to −1" and change[(A, C)] == "+1 to +4"
    assert not any(e.change.exact for e in result.edges if not (e.before.exact and e.after.exact))


def test_hidden_small_counts_that_are_equal_or_different_read_the_same():
    """Two hidden months of 1 and 4 or of 3 and 3 give the same answer: the comparison learns nothing more."""
    hidden = Figure(1, 4)
    first = periods.compare({(A, B): hidden}, {(A, B): hidden}).edges[0]
    assert (first.status, periods.signed(first.change)) == ("unclear", "−3 to +3")


@pytest.mark.parametrize("bad", [-1, 2.5, "3", True])
def test_a_volume_that_is_not_a_count_is_refused(bad):
    with pytest.raises(TypeError):
        periods.compare({(A, B): bad}, {})


def test_a_link_to_itself_is_refused_and_empty_periods_compare_to_nothing():
    with pytest.raises(ValueError):
        periods.compare({(A, A): 3}, {})
    empty = periods.compare({}, {})
    assert empty.edges == [] and empty.nodes == {} and set(empty.counts().values()) == {0}
