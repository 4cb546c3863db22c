"""PURE: the figures rustworkx computes for the partner map, on one explicit conversion of the networkx map.

networkx stays the model (`graph.py`); each analysis converts it once (`Converted`: a directed copy for
reach, an undirected one for cut points) and reads betweenness, closeness, articulation points, bridges and
the layout's positions off the copies, keyed back to organization ids. networkx alone took a minute at 2,000
partners. Betweenness is exact up to APPROXIMATE_FROM organizations (5,000 included): rustworkx's threaded
Brandes made the estimate unnecessary there. tests/network/test_graph.py and test_graph_engines.py hold each
figure to networkx's own answer on random graphs.
"""
import networkx as nx
import numpy as np
import rustworkx as rx

from taskforce.network import sampling


def to_rustworkx(graph: nx.DiGraph, directed: bool = True):
    """(rustworkx graph, node list): node i of the copy is `nodes[i]`; edge payloads are the weights."""
    nodes = list(graph.nodes)
    index = {node: i for i, node in enumerate(nodes)}
    copy = rx.PyDiGraph(multigraph=False) if directed else rx.PyGraph(multigraph=False)
    copy.add_nodes_from(nodes)
    if directed:
        copy.extend_from_weighted_edge_list([(index[u], index[v], d.get("weight", 1)) for u, v, d in
                                             graph.edges(data=True)])
    else:
        seen = {}
        for u, v, d in graph.edges(data=True):
            key = (min(index[u], index[v]), max(index[u], index[v]))
            seen[key] = seen.get(key, 0) + d.get("weight", 1)
        copy.extend_from_weighted_edge_list([(a, b, w) for (a, b), w in seen.items()])
    return copy, nodes


class Converted:
    """The rustworkx copies one analysis needs, made once (each conversion walks every link in Python)."""

    def __init__(self, graph: nx.DiGraph):
        self.graph = graph
        self._directed = self._undirected = None

    @property
    def directed(self):
        if self._directed is None:
            self._directed = to_rustworkx(self.graph)
        return self._directed

    @property
    def undirected(self):
        if self._undirected is None:
            self._undirected = to_rustworkx(self.graph, directed=False)
        return self._undirected


def _converted(graph, converted: "Converted | None") -> Converted:
    return converted if converted is not None and converted.graph is graph else Converted(graph)


def betweenness(graph: nx.DiGraph, converted: Converted | None = None) -> dict:
    """Normalized betweenness over referral hops (directed), as networkx's `betweenness_centrality`."""
    if graph.number_of_nodes() < 3:
        return {node: 0.0 for node in graph}
    copy, nodes = _converted(graph, converted).directed
    values = rx.digraph_betweenness_centrality(copy, normalized=True, parallel_threshold=PARALLEL_FROM)
    return {nodes[i]: float(values[i]) for i in range(len(nodes))}


# Exact up to this many organizations; from it betweenness is estimated from SAMPLE_SOURCES seeded sources
# (`sampling`) and the figures say so. Exact rustworkx at 5,000 partners (25,000 links): 1.4 s on the 2
# cores, 2.5 s on one (3.6 s at load 3), a fraction of the background job's 15 s budget; 10,000 took 17 s
# at load 3 (Brandes grows as organizations × links).
APPROXIMATE_FROM = 7500
# rustworkx's threads (rayon) from this many organizations: 2,000 partners in 0.18 s on two cores, 0.39 s
# on one; below it the threads' start-up outweighs the work.
PARALLEL_FROM = 500
SAMPLE_SOURCES = 256


def estimated_betweenness(graph: nx.DiGraph, converted: Converted | None = None) -> tuple[dict, int | None]:
    """(betweenness, how many sources it was estimated from — None when exact)."""
    if graph.number_of_nodes() < APPROXIMATE_FROM:
        return betweenness(graph, converted), None
    copy, _ = _converted(graph, converted).directed
    values = sampling.sampled_betweenness(graph, SAMPLE_SOURCES, links=list(copy.edge_list()))
    return values, min(SAMPLE_SOURCES, graph.number_of_nodes())


# Up to this many organizations closeness is read off rustworkx's hop-distance matrix with numpy: 0.2 s
# against 0.9 s for rustworkx's own closeness at 2,000, 3 s against 13–16 s at 5,000 (on the loaded 2-core
# machine; rustworkx's closeness grows much faster than n²). The matrix is n² floats (200 MB at 5,000,
# 290 MB at 6,000), freed at once; beyond this size rustworkx's closeness is used as it is.
MATRIX_CLOSENESS_UP_TO = 6000


def closeness(graph: nx.DiGraph, converted: Converted | None = None) -> dict:
    """Closeness over incoming referral hops (Wasserman–Faust for graphs in pieces), as networkx's:
    C(v) = (r − 1)/Σ d(u, v) · (r − 1)/(n − 1), r the organizations that reach v (v included)."""
    count = graph.number_of_nodes()
    if count < 2:
        return {node: 0.0 for node in graph}
    copy, nodes = _converted(graph, converted).directed
    if count > MATRIX_CLOSENESS_UP_TO:
        values = rx.digraph_closeness_centrality(copy, wf_improved=True)
        return {nodes[i]: float(values[i]) for i in range(count)}
    distances = rx.digraph_distance_matrix(copy)  # [u, v] = hops from u to v; 0 where v is unreachable
    reaching = np.count_nonzero(distances, axis=0)
    totals = distances.sum(axis=0)
    del distances
    values = [float(r / t * (r / (count - 1))) if t > 0 else 0.0 for r, t in zip(reaching.tolist(), totals.tolist())]
    return dict(zip(nodes, values))


def articulation_points(graph: nx.DiGraph, converted: Converted | None = None) -> list:
    """Partners whose loss would cut some referral pathway (undirected view)."""
    copy, nodes = _converted(graph, converted).undirected
    return sorted(nodes[i] for i in rx.articulation_points(copy))


def bridges(graph: nx.DiGraph, converted: Converted | None = None) -> list[tuple]:
    """Links whose loss splits the network (undirected view), each as a sorted pair."""
    copy, nodes = _converted(graph, converted).undirected
    return sorted(tuple(sorted((nodes[a], nodes[b]))) for a, b in rx.bridges(copy))


def layout(graph: nx.DiGraph, previous: dict | None = None, seed: int = 7) -> dict:
    """{node: (x, y)} in a 0…1000 square for the browser's preset layout (rustworkx's spring layout). Known
    positions are the starting point, so a new referral nudges the map instead of reshuffling it."""
    if graph.number_of_nodes() == 0:
        return {}
    copy, nodes = to_rustworkx(graph, directed=False)
    start = None
    if previous:
        start = {i: list(previous[node]) for i, node in enumerate(nodes) if node in previous}
        start = {i: [(x - 500) / 500, (y - 500) / 500] for i, (x, y) in start.items()} or None
    iterations = 15 if start else (50 if len(nodes) > 500 else 100)
    positions = rx.spring_layout(copy, pos=start, seed=seed, num_iter=iterations, weight_fn=lambda w: 1.0)
    xs = [positions[i][0] for i in range(len(nodes))]
    ys = [positions[i][1] for i in range(len(nodes))]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    return {nodes[i]: (round(50 + 900 * (xs[i] - min(xs)) / span_x, 1), round(50 + 900 * (ys[i] - min(ys)) / span_y, 1))
            for i in range(len(nodes))}
