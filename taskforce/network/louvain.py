"""PURE: Louvain communities, step for step networkx 3.5's `louvain_communities` (undirected, weighted,
resolution 1, threshold 1e-7, one seeded `random.Random` across levels) on plain dicts.

Why not call networkx: at 2,000 partners its Louvain took 3.4 s of the map's 5.3 s, most of it in building
networkx graphs between levels and in `modularity` walking edge views. The moves are the same code on the
same numbers — the same node order, neighbour order, shuffles, float expressions and strict `>` tie-breaks —
so the groups are the same: tests/network/test_graph_engines.py holds this to networkx on random graphs.
Weights are integers (referral counts), so sums that networkx makes in another order are still exact.
"""
import random
from collections import defaultdict

THRESHOLD = 0.0000001


def _edges(adjacency: dict):
    """(u, v, weight) once per undirected edge, in networkx's `Graph.edges` order (self-loops once)."""
    seen = set()
    for node, neighbours in adjacency.items():
        for neighbour, weight in neighbours.items():
            if neighbour not in seen:
                yield node, neighbour, weight
        seen.add(node)


def _degrees(adjacency: dict) -> dict:
    """networkx's weighted degree: a self-loop counts twice."""
    return {node: sum(neighbours.values()) + neighbours.get(node, 0) for node, neighbours in adjacency.items()}


def _modularity(adjacency: dict, communities: list) -> float:
    degrees = _degrees(adjacency)
    degree_sum = sum(degrees.values())
    m = degree_sum / 2
    norm = 1 / degree_sum**2
    community_of = {node: index for index, community in enumerate(communities) for node in community}
    inside = [0] * len(communities)
    for u, v, weight in _edges(adjacency):
        if community_of[u] == community_of[v]:
            inside[community_of[u]] += weight
    total = 0
    for index, community in enumerate(communities):
        degree_total = sum(degrees[node] for node in community)
        total += inside[index] / m - 1 * degree_total * degree_total * norm
    return total


def _one_level(adjacency: dict, members: dict, m: float, partition: list, rng: random.Random):
    """One pass of local moves (networkx's `_one_level`, undirected): returns (partition of the original
    nodes, partition of this level's nodes, whether anything moved)."""
    nodes = list(adjacency)
    node2com = {u: i for i, u in enumerate(nodes)}
    inner_partition = [{u} for u in nodes]
    degrees = _degrees(adjacency)
    stot = list(degrees.values())
    nbrs = {u: {v: w for v, w in adjacency[u].items() if v != u} for u in nodes}
    rand_nodes = list(nodes)
    rng.shuffle(rand_nodes)
    denominator = 2 * m**2
    nb_moves = 1
    improvement = False
    while nb_moves > 0:
        nb_moves = 0
        for u in rand_nodes:
            best_mod = 0
            best_com = node2com[u]
            weights2com = defaultdict(float)
            for nbr, wt in nbrs[u].items():
                weights2com[node2com[nbr]] += wt
            degree = degrees[u]
            stot[best_com] -= degree
            remove_cost = -weights2com[best_com] / m + 1 * (stot[best_com] * degree) / denominator
            for nbr_com, wt in weights2com.items():
                gain = remove_cost + wt / m - 1 * (stot[nbr_com] * degree) / denominator
                if gain > best_mod:
                    best_mod = gain
                    best_com = nbr_com
            stot[best_com] += degree
            if best_com != node2com[u]:
                com = members.get(u, {u})
                partition[node2com[u]].difference_update(com)
                inner_partition[node2com[u]].remove(u)
                partition[best_com].update(com)
                inner_partition[best_com].add(u)
                improvement = True
                nb_moves += 1
                node2com[u] = best_com
    return list(filter(len, partition)), list(filter(len, inner_partition)), improvement


def _aggregate(adjacency: dict, members: dict, partition: list) -> tuple[dict, dict]:
    """The next level's graph (networkx's `_gen_graph`): one node per community, weights summed."""
    node2com, new_members, new_adjacency = {}, {}, {}
    for index, part in enumerate(partition):
        inside = set()
        for node in part:
            node2com[node] = index
            inside.update(members.get(node, {node}))
        new_members[index] = inside
        new_adjacency[index] = {}
    for u, v, weight in _edges(adjacency):
        a, b = node2com[u], node2com[v]
        total = new_adjacency[a].get(b, 0) + weight
        new_adjacency[a][b] = total
        new_adjacency[b][a] = total
    return new_adjacency, new_members


def louvain_communities(nodes, weighted_edges, seed: int) -> list[set]:
    """Louvain groups of the undirected graph with `nodes` (in order) and `weighted_edges` (u, v, weight), as
    networkx's `louvain_communities(graph, weight="weight", seed=seed)` returns them for a graph built by
    adding those nodes and then those edges."""
    built = {node: {} for node in nodes}
    for u, v, weight in weighted_edges:
        built[u][v] = weight
        built[v][u] = weight
    partition = [{u} for u in built]
    if not any(built.values()):
        return partition
    mod = _modularity(built, partition)
    # networkx copies the graph first (nodes, then its edges in edge order), which sets neighbour order
    adjacency = {node: {} for node in built}
    for u, v, weight in list(_edges(built)):
        adjacency[u][v] = weight
        adjacency[v][u] = weight
    members: dict = {}
    m = sum(_degrees(adjacency).values()) / 2
    rng = random.Random(seed)
    partition, inner_partition, _ = _one_level(adjacency, members, m, partition, rng)
    improvement, last = True, partition  # networkx yields the first level whether or not anything moved
    while improvement:
        last = [s.copy() for s in partition]
        new_mod = _modularity(adjacency, inner_partition)
        if new_mod - mod <= THRESHOLD:
            return last
        mod = new_mod
        adjacency, members = _aggregate(adjacency, members, inner_partition)
        partition, inner_partition, improvement = _one_level(adjacency, members, m, partition, rng)
    return last
