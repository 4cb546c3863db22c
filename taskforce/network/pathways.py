"""PURE: how a person reaches help over the referral links that actually exist, and where that breaks.

A pathway follows referral edges in their direction (the way people were referred), from a starting
organization to one that offers a matching service. Shortest first (fewest hand-offs: each one is a chance
to lose the person), then most used (the weakest link's volume, then the whole path's): a route partners
use every month is one that works. The volumes a route is ranked by are the ones its viewer may know
(`weight`): a member ranks hidden hand-offs by the same suppressed figure they are shown, so the order of two
routes never tells which hidden count is larger. Coverage gaps and single points of failure ask the same question the
other way round: which kinds of help a sector cannot reach, and which one partner every route depends on.
"""
from dataclasses import dataclass

import networkx as nx

MAX_HOPS = 6


@dataclass(frozen=True)
class Pathway:
    nodes: tuple  # organization ids, start first
    hops: int
    bottleneck: float  # the least-used link's volume (as the viewer may know it)
    volume: float  # all links' volume (as the viewer may know it)

    def sort_key(self):
        return (self.hops, -self.bottleneck, -self.volume, self.nodes)


def _edge_weight(graph: nx.DiGraph, u, v) -> int:
    return graph.edges[u, v].get("weight", 0)


def _pathway(graph: nx.DiGraph, nodes: list, weight=None) -> Pathway:
    weigh = weight or (lambda u, v: _edge_weight(graph, u, v))
    weights = [weigh(u, v) for u, v in zip(nodes, nodes[1:])]
    return Pathway(tuple(nodes), len(weights), min(weights) if weights else 0, sum(weights))


def find_pathways(graph: nx.DiGraph, sources, targets, limit: int = 10, per_target: int = 3,
                  max_hops: int = MAX_HOPS, weight=None) -> list[Pathway]:
    """Referral pathways from any of `sources` to any of `targets`, shortest first, then most used. A source
    that is itself a target is a pathway of no hand-off. At most `per_target` routes per destination (the
    best of its shortest ones), `limit` in all. `weight(u, v)` is a hand-off's volume as the viewer may know
    it (default: the graph's exact weight, for viewers who see every edge exactly)."""
    sources = [s for s in sources if s in graph]
    targets = {t for t in targets if t in graph}
    found = [Pathway((s,), 0, 0, 0) for s in sources if s in targets]
    if not sources or not targets:
        return found[:limit]
    distance, predecessors = _levels(graph, sources, max_hops)
    reached = sorted((t for t in targets if t in distance and distance[t] > 0 and t not in sources),
                     key=lambda t: distance[t])
    for target in reached:
        routes = []
        for route in _shortest_routes(predecessors, target, cap=50):
            routes.append(_pathway(graph, route, weight))
        routes.sort(key=Pathway.sort_key)
        found.extend(routes[:per_target])
    found.sort(key=Pathway.sort_key)
    return found[:limit]


def _levels(graph: nx.DiGraph, sources: list, max_hops: int) -> tuple[dict, dict]:
    """({node: hand-offs from the nearest source}, {node: its predecessors on shortest routes}) up to
    `max_hops`, by one breadth-first search from all sources at once, read off the map's own adjacency.

    It is networkx's `predecessor` from a virtual node linked to every source (what this did before, on a
    copy of the map made for every question: two-thirds of a question's time at 2,000 partners), level for
    level: the same neighbour order, so the same predecessor lists in the same order."""
    successors = graph.succ
    distance = {source: 0 for source in sources}
    predecessors: dict = {source: [] for source in sources}
    level, frontier = 0, list(distance)
    while frontier and level < max_hops:
        level += 1
        following = []
        for node in frontier:
            for onward in successors[node]:
                if onward not in distance:
                    distance[onward] = level
                    predecessors[onward] = [node]
                    following.append(onward)
                elif distance[onward] == level:
                    predecessors[onward].append(node)
        frontier = following
    return distance, predecessors


def _shortest_routes(predecessors: dict, target, cap: int):
    """Every shortest route from a source to `target` (up to `cap` of them), walking the predecessor lists
    back to a node that has none (a source)."""
    stack = [[target]]
    made = 0
    while stack and made < cap:
        route = stack.pop()
        before = predecessors.get(route[-1], ())
        if not before:
            made += 1
            yield list(reversed(route))
            continue
        for node in before:
            stack.append(route + [node])


def reachable_from(graph: nx.DiGraph, sources) -> set:
    """Every organization a person can be referred on to from `sources` (the sources included)."""
    reached = set()
    for source in sources:
        if source in graph and source not in reached:
            reached |= nx.descendants(graph, source) | {source}
    return reached


def coverage_gaps(graph: nx.DiGraph, offered: dict, categories) -> dict:
    """{sector: [categories none of whose providers any of the sector's organizations reaches]}.
    `offered` is {organization: set of categories it provides}; every sector of the map is a key."""
    sectors = sorted({d["sector"] for _, d in graph.nodes(data=True)})
    gaps = {}
    for sector in sectors:
        members = [n for n, d in graph.nodes(data=True) if d["sector"] == sector]
        reach = reachable_from(graph, members)
        covered = set().union(*(offered.get(n, set()) for n in reach)) if reach else set()
        gaps[sector] = [c for c in categories if c not in covered]
    return gaps


def single_points_of_failure(graph: nx.DiGraph, offered: dict, categories) -> dict:
    """{category: [(organization, how many others lose every route to that help without it)]}, most first.

    An organization is such a point when every referral route from some other organization to any provider
    of the category passes through it (it dominates them in the reversed graph, seen from the providers).
    A category with a single provider has that provider as its point of failure for everyone who reaches it.
    """
    reverse = graph.reverse(copy=False)
    result = {}
    for category in categories:
        providers = [n for n in graph if category in offered.get(n, set())]
        if not providers:
            continue
        root = ("providers",)
        view = nx.DiGraph(reverse.edges)
        view.add_nodes_from(reverse)
        view.add_edges_from((root, p) for p in providers)
        dominators = nx.immediate_dominators(view, root)
        dominated = {}
        for node, boss in dominators.items():
            while boss != root and boss != node:
                dominated[boss] = dominated.get(boss, 0) + 1
                boss = dominators[boss]
        points = sorted(((n, k) for n, k in dominated.items() if k > 0), key=lambda nk: (-nk[1], str(nk[0])))
        if points:
            result[category] = points
    return result
