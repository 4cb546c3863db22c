"""PURE: betweenness estimated from a fixed, seeded sample of sources, for maps too large to count exactly
within a background job's budget.

Brandes' algorithm run from `k` sources only (networkx's `betweenness_centrality(k=..., seed=...)`: the same
sources for the same seed, the same rescaling), with numpy doing a batch of sources at once — a level of
breadth-first search is one pass over the link arrays for every source in the batch — because networkx's
own sampled version is pure Python (k=50 took 8 s at 5,000 partners; rustworkx 0.18 has no sampled
betweenness). tests/network/test_graph_engines.py holds it to networkx's sampled answer and its top brokers
to the exact ranking on a mid-size map.
"""
import random

import networkx as nx
import numpy as np

BATCH = 64  # sources per numpy pass: B × links floats per array (64 × 25,000 × 8 bytes = 13 MB at 5,000)


def _dependencies(sources: list[int], tails: np.ndarray, heads: np.ndarray, n: int) -> np.ndarray:
    """Σ over `sources` of each node's dependency δ_s(v) (Brandes), unweighted directed hops."""
    count = len(sources)
    rows = np.arange(count)
    seen = np.zeros((count, n), dtype=bool)
    sigma = np.zeros((count, n))
    seen[rows, sources] = True
    sigma[rows, sources] = 1.0
    frontier = seen.copy()
    levels = []
    while True:
        # links leaving this level towards nodes not reached yet: exactly the shortest-path links to the next
        batch, link = np.nonzero(frontier[:, tails] & ~seen[:, heads])
        if batch.size == 0:
            break
        reached = batch * n + heads[link]
        sigma += np.bincount(reached, weights=sigma[batch, tails[link]], minlength=count * n).reshape(count, n)
        frontier = np.zeros((count, n), dtype=bool)
        frontier.flat[reached] = True
        seen |= frontier
        levels.append((batch, link))
    delta = np.zeros((count, n))
    for batch, link in reversed(levels):  # deepest level first: a node's dependency is final before its parents'
        u, v = tails[link], heads[link]
        share = sigma[batch, u] / sigma[batch, v] * (1.0 + delta[batch, v])
        delta += np.bincount(batch * n + u, weights=share, minlength=count * n).reshape(count, n)
    delta[rows, sources] = 0.0
    return delta.sum(axis=0)


def sampled_betweenness(graph: nx.DiGraph, k: int, seed: int = 7, links=None) -> dict:
    """Normalized betweenness estimated from `k` sources drawn with `seed`, as networkx's
    `betweenness_centrality(graph, k=k, normalized=True, seed=seed)` on the same graph. `links`: the
    (tail, head) positions in `list(graph)` if already known (a rustworkx copy's edge list)."""
    nodes = list(graph)
    n = len(nodes)
    if n < 3:
        return {node: 0.0 for node in nodes}
    k = min(k, n)
    if links is None:
        index = {node: i for i, node in enumerate(nodes)}
        links = [(index[u], index[v]) for u, v in graph.edges]
    pairs = np.array(links, dtype=np.int64).reshape(-1, 2)
    tails, heads = pairs[:, 0].copy(), pairs[:, 1].copy()
    sources = random.Random(seed).sample(range(n), k)  # networkx samples list(G) with the same generator
    totals = np.zeros(n)
    for start in range(0, k, BATCH):
        totals += _dependencies(sources[start:start + BATCH], tails, heads, n)
    pairs_through = n - 2  # networkx's N − 1 with N = n − 1 (endpoints excluded)
    scale_source = 1 / ((k - 1) * pairs_through) if k > 1 else float("nan")
    scale_other = 1 / (k * pairs_through)
    sampled = set(sources)
    return {node: float(totals[i]) * (scale_source if i in sampled else scale_other) for i, node in enumerate(nodes)}
