"""PURE: the partner map as a networkx graph, and the figures coordinators read off it.

networkx is the model and the language of this code: a `DiGraph` whose nodes are organization ids (with
`name` and `sector`) and whose edges are referral volumes (`weight`, the outcome counts, `categories`). The
heavy figures — betweenness (exact), closeness, articulation points, bridges and the layout — are computed
by rustworkx (Apache-2.0) on one explicit conversion per analysis (`engines`); Louvain is networkx's
algorithm on plain dicts (`louvain`). tests/network/test_graph_engines.py holds each to networkx's own
answers on random graphs.

Brokerage (Burt's constraint and effective size) is computed here by its definition: networkx's
`effective_size` is wrong on weighted or directed graphs when scipy is installed (an open upstream bug).
Referral direction matters for reach (a pathway is followed as referred); for brokerage and for "if this
partner left" the graph is read undirected, because partners that refer either way talk to each other.
"""
from collections import defaultdict
from collections.abc import Callable, Iterable

import networkx as nx

from taskforce.network import engines, louvain

OUTCOME_KEYS = ("accepted", "declined_no_capacity", "declined_not_eligible", "declined_no_response", "completed")

# One line each, shown beside the figure: what it means for a survivor's pathway.
EXPLANATIONS = {
    "density": "Share of all possible partner-to-partner referral links that exist.",
    "reciprocity": "Share of referral links that also run the other way (partners that refer to each other).",
    "in_degree": "How many partners refer people to this organization.",
    "out_degree": "How many partners this organization refers people to.",
    "in_volume": "People referred to this organization in the period.",
    "out_volume": "People this organization referred to partners in the period.",
    "betweenness": "How often this organization lies on the shortest referral route between two others.",
    "closeness": "How few referral steps it takes to reach this organization from the rest of the task force.",
    "constraint": "Burt's constraint: high when all of a partner's contacts know each other (little brokerage).",
    "effective_size": "Burt's effective size: how many non-redundant contacts a partner has (a broker's reach).",
    "articulation_points": "Partners whose departure would cut some organizations off from the rest.",
    "bridges": "Single links whose loss would split the network: no other pathway replaces them.",
    "isolates": "Organizations with no referral recorded either way.",
    "communities": "Groups that refer mostly among themselves (Louvain).",
    "mixing": "People referred from each sector to each sector.",
    "hotspots": "Where referrals were turned away for lack of capacity.",
}


def build_graph(organizations: Iterable, edges: Iterable[dict], partnerships: Iterable = ()) -> nx.DiGraph:
    """The map: `organizations` as (id, name, sector), `edges` as {from, to, weight, outcome counts,
    categories}, `partnerships` as (a, b, kind). A partnership between organizations with no referral yet
    still shows as an edge's style only once referrals exist; it is kept on the nodes' pair in `partners`."""
    graph = nx.DiGraph()
    for organization_id, name, sector in organizations:
        graph.add_node(organization_id, name=name, sector=sector)
    for edge in edges:
        source, target = edge["from"], edge["to"]
        if source == target or source not in graph or target not in graph:
            continue
        attributes = {"weight": edge.get("weight", 0), "categories": dict(edge.get("categories") or {})}
        attributes.update({key: edge.get(key, 0) for key in OUTCOME_KEYS})
        graph.add_edge(source, target, **attributes)
    kinds = defaultdict(set)
    for a, b, kind in partnerships:
        if a in graph and b in graph and a != b:
            kinds[frozenset((a, b))].add(kind)
    graph.graph["partnerships"] = {tuple(sorted(pair)): sorted(k) for pair, k in kinds.items()}
    return graph


def partnership_kinds(graph: nx.DiGraph, a, b) -> list[str]:
    return graph.graph.get("partnerships", {}).get(tuple(sorted((a, b))), [])


def isolates(graph: nx.DiGraph) -> list:
    return sorted(nx.isolates(graph))


def _mutual_weights(graph: nx.DiGraph) -> dict:
    """a_uv + a_vu for every pair of neighbours: Burt's measures read ties regardless of direction."""
    mutual = defaultdict(dict)
    for u, v, d in graph.edges(data=True):
        w = d.get("weight", 1) or 0
        if w <= 0:
            continue
        mutual[u][v] = mutual[u].get(v, 0) + w
        mutual[v][u] = mutual[v].get(u, 0) + w
    return mutual


def brokerage(graph: nx.DiGraph) -> tuple[dict, dict]:
    """(constraint, effective size) per organization, by Burt's (1992) definitions on mutual weights:
    p_ij = (a_ij + a_ji) / Σ_k (a_ik + a_ki); m_jq = (a_jq + a_qj) / max_k (a_jk + a_kj);
    constraint_i = Σ_j (p_ij + Σ_{q≠i,j} p_iq p_qj)²; effective size_i = Σ_j (1 − Σ_{q≠i,j} p_iq m_jq).
    An organization without ties has neither (None)."""
    mutual = _mutual_weights(graph)
    totals = {u: sum(ws.values()) for u, ws in mutual.items()}
    peaks = {u: max(ws.values()) for u, ws in mutual.items()}
    constraint, effective = {}, {}
    for i in graph:
        ties = mutual.get(i)
        if not ties:
            constraint[i] = effective[i] = None
            continue
        p_i = {j: w / totals[i] for j, w in ties.items()}
        c_total, e_total = 0.0, 0.0
        for j in ties:
            ties_j = mutual[j]
            indirect, redundancy = 0.0, 0.0
            # q runs over i's contacts that are also j's contacts (elsewhere p_iq or the j–q tie is zero)
            small, large = (p_i, ties_j) if len(p_i) <= len(ties_j) else (ties_j, p_i)
            for q in small:
                if q == i or q == j or q not in large:
                    continue
                w_qj = ties_j[q]
                indirect += p_i[q] * (w_qj / totals[q])
                redundancy += p_i[q] * (w_qj / peaks[j])
            c_total += (p_i[j] + indirect) ** 2
            e_total += 1 - redundancy
        constraint[i], effective[i] = c_total, e_total
    return constraint, effective


def communities(graph: nx.DiGraph, seed: int = 7) -> list[list]:
    """Louvain groups on the undirected, weighted view (largest first), deterministic for a seed: each
    pair's weight is the sum over both directions of max(volume, 1). `louvain` runs networkx's algorithm
    move for move on plain dicts (the same groups, in a third of the time)."""
    if graph.number_of_edges() == 0:
        return [[node] for node in sorted(graph)]
    pairs: dict = {}
    for u, v, d in graph.edges(data=True):
        key = (v, u) if (v, u) in pairs else (u, v)  # a pair keeps the direction it was first seen in
        pairs[key] = pairs.get(key, 0) + max(d.get("weight", 1) or 0, 1)
    groups = louvain.louvain_communities(list(graph), [(u, v, w) for (u, v), w in pairs.items()], seed=seed)
    return sorted((sorted(g) for g in groups), key=lambda g: (-len(g), g[0]))


def mixing_matrix(graph: nx.DiGraph) -> dict:
    """{from sector: {to sector: people referred}}, every sector of the map present on both sides."""
    sectors = sorted({d["sector"] for _, d in graph.nodes(data=True)})
    matrix = {a: {b: 0 for b in sectors} for a in sectors}
    for u, v, d in graph.edges(data=True):
        matrix[graph.nodes[u]["sector"]][graph.nodes[v]["sector"]] += d.get("weight", 0)
    return matrix


def capacity_hotspots(graph: nx.DiGraph, limit: int = 10) -> list[dict]:
    """Organizations that turned referrals away for lack of capacity, most first, with the share of their
    incoming referrals it was."""
    declined, received = defaultdict(int), defaultdict(int)
    for _, target, d in graph.edges(data=True):  # one pass over the links, not two per organization
        declined[target] += d.get("declined_no_capacity", 0)
        received[target] += d.get("weight", 0)
    spots = [{"organization": node, "declined_no_capacity": declined[node], "received": received[node],
              "share": round(declined[node] / received[node], 3) if received[node] else 0.0}
             for node in graph if declined.get(node, 0) > 0]
    spots.sort(key=lambda s: (-s["declined_no_capacity"], -s["share"], s["organization"]))
    return spots[:limit]


def reciprocity(graph: nx.DiGraph) -> float:
    """Share of links whose reverse exists (networkx's overall_reciprocity, without its undirected copy)."""
    links = graph.number_of_edges()
    if not links:
        return 0.0
    succ = graph._succ
    return sum(1 for u, v in graph.edges if u in succ.get(v, ())) / links


def density(graph: nx.DiGraph) -> float:
    return float(nx.density(graph)) if graph.number_of_nodes() > 1 else 0.0


STEPS = ("degrees", "betweenness", "closeness", "brokerage", "cut points", "communities", "mixing")


def analyse(graph: nx.DiGraph, progress: Callable[[int, int, str], None] | None = None) -> dict:
    """Every figure of the map in one pass (what the cache keeps per data version). `progress(done, total,
    step)` is told after each step, for a background job's progress bar."""
    report = progress or (lambda done, total, step: None)
    in_degree, out_degree = dict(graph.in_degree()), dict(graph.out_degree())
    in_volume, out_volume = dict(graph.in_degree(weight="weight")), dict(graph.out_degree(weight="weight"))
    per_node = {node: {"in_degree": in_degree[node], "out_degree": out_degree[node], "in_volume": in_volume[node],
                       "out_volume": out_volume[node]} for node in graph}
    report(1, len(STEPS), STEPS[0])
    converted = engines.Converted(graph)
    values, sources = engines.estimated_betweenness(graph, converted)
    for node, value in values.items():
        per_node[node]["betweenness"] = round(value, 6)
    report(2, len(STEPS), STEPS[1])
    for node, value in engines.closeness(graph, converted).items():
        per_node[node]["closeness"] = round(value, 6)
    report(3, len(STEPS), STEPS[2])
    constraint, effective = brokerage(graph)
    for node in graph:
        per_node[node]["constraint"] = None if constraint[node] is None else round(constraint[node], 6)
        per_node[node]["effective_size"] = None if effective[node] is None else round(effective[node], 6)
    report(4, len(STEPS), STEPS[3])
    cut_points, cut_links = engines.articulation_points(graph, converted), engines.bridges(graph, converted)
    report(5, len(STEPS), STEPS[4])
    groups = communities(graph)
    for number, group in enumerate(groups):
        for node in group:
            per_node[node]["community"] = number
    report(6, len(STEPS), STEPS[5])
    result = {"density": round(density(graph), 6), "reciprocity": round(reciprocity(graph), 6),
              "betweenness_sources": sources, "nodes": per_node, "articulation_points": cut_points, "bridges": cut_links,
              "isolates": isolates(graph), "communities": groups, "mixing": mixing_matrix(graph),
              "hotspots": capacity_hotspots(graph),
              "brokers": top_brokers(graph, per_node)}
    report(7, len(STEPS), STEPS[6])
    return result


def top_brokers(graph: nx.DiGraph, per_node: dict, limit: int = 5) -> list:
    """Organizations that connect partners who do not refer to each other: high betweenness, low constraint."""
    candidates = [n for n in graph if per_node[n].get("constraint") is not None and
                  per_node[n]["in_degree"] + per_node[n]["out_degree"] >= 2]
    candidates.sort(key=lambda n: (-per_node[n]["betweenness"], per_node[n]["constraint"], n))
    return candidates[:limit]


def ego(graph: nx.DiGraph, center, steps: int) -> set:
    """An organization and its partners up to `steps` referral links away, either direction."""
    if center not in graph:
        return set()
    return set(nx.single_source_shortest_path_length(graph.to_undirected(as_view=True), center, cutoff=steps))
