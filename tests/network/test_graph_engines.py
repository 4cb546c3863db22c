"""The fast engines behind the map's figures held to networkx's own answers on random referral-like graphs:
Louvain on plain dicts gives networkx's groups exactly, closeness from the hop-distance matrix gives
networkx's closeness, and `analyse` reports the same figures as networkx would."""
import random

import networkx as nx
import pytest

from taskforce.network import engines, graph as g, pathways, sampling


def referral_graph(seed: int, n: int, per_node: int = 3) -> nx.DiGraph:
    """Scale-free-ish, directed, weighted (preferential attachment, each link in a random direction), with a
    few reciprocal links and an isolate, as the bench generates them."""
    rng = random.Random(seed)
    targets, links = [0, 1], {}
    for node in range(2, n):
        for _ in range(min(per_node, node)):
            other = rng.choice(targets)
            pair = (node, other) if rng.random() < 0.5 else (other, node)
            links[pair] = rng.choice((1, 1, 2, 3, 5, 8, 13))
            if rng.random() < 0.1:
                links[pair[::-1]] = rng.randint(1, 4)
            targets += [node, other]
    sectors = ("law_enforcement", "healthcare", "victim_services_ngo", "other")
    return g.build_graph([(i, f"Org {i}", sectors[i % 4]) for i in range(n + 1)],  # node n has no link
                         [{"from": a, "to": b, "weight": w} for (a, b), w in links.items()])


def networkx_communities(graph: nx.DiGraph, seed: int = 7) -> list[list]:
    """The groups as networkx computes them on the same undirected view (what graph.communities did before)."""
    undirected = nx.Graph()
    undirected.add_nodes_from(graph)
    for u, v, d in graph.edges(data=True):
        previous = undirected.get_edge_data(u, v, {"weight": 0})["weight"]
        undirected.add_edge(u, v, weight=previous + max(d.get("weight", 1) or 0, 1))
    groups = nx.community.louvain_communities(undirected, weight="weight", seed=seed)
    return sorted((sorted(group) for group in groups), key=lambda group: (-len(group), group[0]))


@pytest.mark.parametrize("seed,n", [(1, 40), (2, 120), (3, 300), (4, 600)])
def test_louvain_gives_networkx_groups_exactly(seed, n):
    graph = referral_graph(seed, n)
    assert g.communities(graph) == networkx_communities(graph)
    assert g.communities(graph, seed=11) == networkx_communities(graph, seed=11)


def test_louvain_of_a_map_without_links_is_one_group_per_organization():
    graph = g.build_graph([(1, "A", "other"), (2, "B", "other")], [])
    assert g.communities(graph) == [[1], [2]]


@pytest.mark.parametrize("seed", [5, 6])
def test_closeness_from_the_distance_matrix_and_from_rustworkx_agree_with_networkx(seed, monkeypatch):
    graph = referral_graph(seed, 150)
    expected = nx.closeness_centrality(graph, wf_improved=True)
    by_matrix = engines.closeness(graph)
    monkeypatch.setattr(engines, "MATRIX_CLOSENESS_UP_TO", 10)
    by_rustworkx = engines.closeness(graph)
    assert all(by_matrix[n] == pytest.approx(expected[n], abs=1e-12) for n in graph)
    assert all(by_rustworkx[n] == pytest.approx(expected[n], abs=1e-9) for n in graph)


def test_analyse_reports_what_networkx_reports():
    graph = referral_graph(8, 200)
    result = g.analyse(graph)
    betweenness = nx.betweenness_centrality(graph, normalized=True)
    closeness = nx.closeness_centrality(graph, wf_improved=True)
    for node in graph:
        assert result["nodes"][node]["betweenness"] == round(betweenness[node], 6)
        assert result["nodes"][node]["closeness"] == pytest.approx(round(closeness[node], 6), abs=1e-6)
    undirected = graph.to_undirected()
    assert result["articulation_points"] == sorted(nx.articulation_points(undirected))
    assert result["bridges"] == sorted(tuple(sorted(b)) for b in nx.bridges(undirected))
    assert result["communities"] == networkx_communities(graph)
    assert result["isolates"] == [200]


def test_sampled_betweenness_is_networkx_sampled_betweenness():
    graph = referral_graph(12, 400)
    ours = sampling.sampled_betweenness(graph, 40, seed=7)
    theirs = nx.betweenness_centrality(graph, k=40, normalized=True, seed=7)
    assert all(ours[n] == pytest.approx(theirs[n], abs=1e-12) for n in graph)


def test_above_the_threshold_the_estimate_names_the_exact_top_brokers():
    """A mid-size map (1,500 organizations, ~7,000 links) read both ways: the estimate's five leading
    organizations by betweenness are the exact five (their order may swap where two are close), nine of its
    top ten are, and the brokers the page names are the same."""
    graph = referral_graph(10, 1500, per_node=5)
    exact = g.analyse(graph)
    estimate = sampling.sampled_betweenness(graph, engines.SAMPLE_SOURCES)
    estimated_nodes = {n: {**figures, "betweenness": round(estimate[n], 6)} for n, figures in exact["nodes"].items()}

    def leaders(nodes, count):
        return sorted(nodes, key=lambda n: (-nodes[n]["betweenness"], n))[:count]
    assert set(leaders(estimated_nodes, 5)) == set(leaders(exact["nodes"], 5))
    assert len(set(leaders(estimated_nodes, 10)) & set(leaders(exact["nodes"], 10))) >= 9
    assert set(g.top_brokers(graph, estimated_nodes)) == set(exact["brokers"])


def test_the_figures_say_when_betweenness_is_estimated(monkeypatch):
    graph = referral_graph(13, 60)
    assert g.analyse(graph)["betweenness_sources"] is None
    monkeypatch.setattr(engines, "APPROXIMATE_FROM", 50)
    monkeypatch.setattr(engines, "SAMPLE_SOURCES", 20)
    result = g.analyse(graph)
    expected = nx.betweenness_centrality(graph, k=20, normalized=True, seed=7)
    assert result["betweenness_sources"] == 20
    assert all(result["nodes"][n]["betweenness"] == pytest.approx(round(expected[n], 6), abs=1e-6) for n in graph)


def networkx_pathways(graph, sources, targets, limit=10, per_target=3, max_hops=6):
    """The pathways as they were found before: networkx's `predecessor` from a virtual node linked to every
    source, on a copy of the map, every shortest route walked back to it (at most 50 per destination)."""
    sources = [s for s in sources if s in graph]
    found = [pathways.Pathway((s,), 0, 0, 0) for s in sources if s in targets]
    start = ("start",)
    view = nx.DiGraph(graph.edges)
    view.add_nodes_from(graph)
    view.add_edges_from((start, s) for s in sources)
    predecessors, distance = nx.predecessor(view, start, cutoff=max_hops + 1, return_seen=True)
    for target in sorted((t for t in targets if t in distance and distance[t] > 1 and t not in sources),
                         key=lambda t: distance[t]):
        routes, stack = [], [[target]]
        while stack and len(routes) < 50:
            route = stack.pop()
            if route[-1] == start:
                nodes = route[::-1][1:]
                weights = [graph.edges[u, v]["weight"] for u, v in zip(nodes, nodes[1:])]
                routes.append(pathways.Pathway(tuple(nodes), len(weights), min(weights), sum(weights)))
                continue
            stack.extend(route + [before] for before in predecessors[route[-1]])
        found.extend(sorted(routes, key=pathways.Pathway.sort_key)[:per_target])
    return sorted(found, key=pathways.Pathway.sort_key)[:limit]


@pytest.mark.parametrize("seed,n", [(21, 60), (22, 300), (23, 1200)])
def test_pathways_are_the_routes_networkx_finds(seed, n):
    """The search runs on the map itself (no copy per question): the same routes, in the same order, as
    networkx's search from a virtual start on a copy — sectors and single organizations as the start, few
    and many destinations, every hop limit (many destinations have more than 50 shortest routes)."""
    graph = referral_graph(seed, n)
    rng = random.Random(seed)
    for _ in range(12):
        sector = rng.choice(("law_enforcement", "healthcare", "victim_services_ngo", "other"))
        sources = ([n for n, d in graph.nodes(data=True) if d["sector"] == sector] if rng.random() < 0.5
                   else [rng.randrange(n)])
        targets = set(rng.sample(range(n + 1), rng.choice((1, 5, n // 4))))
        hops, limit = rng.randint(1, 6), rng.choice((3, 10, 50))
        ours = pathways.find_pathways(graph, sources, targets, limit=limit, max_hops=hops)
        assert ours == networkx_pathways(graph, sources, targets, limit=limit, max_hops=hops)
    assert any(pathways.find_pathways(graph, [s], set(range(n)) - {s}) for s in range(5))


def test_exact_betweenness_on_rustworkx_threads_is_networkx_betweenness():
    """A map above PARALLEL_FROM (700 organizations, ~2,000 links): rustworkx's multi-threaded Brandes gives
    networkx's exact figures, and `analyse` reports them as exact (no source count) at that size."""
    graph = referral_graph(14, 700)
    assert graph.number_of_nodes() >= engines.PARALLEL_FROM
    expected = nx.betweenness_centrality(graph, normalized=True)
    ours = engines.betweenness(graph)
    assert all(ours[n] == pytest.approx(expected[n], abs=1e-12) for n in graph)
    result = g.analyse(graph)
    assert result["betweenness_sources"] is None
    assert all(result["nodes"][n]["betweenness"] == round(expected[n], 6) for n in graph)
