"""Pure graph figures on hand-built maps whose answers are known, and rustworkx held to networkx's answers."""
import random

import networkx as nx
import pytest

from taskforce.network import engines, graph as g
from taskforce.network import pathways as p


def make(edges, sectors=None, weight=1):
    nodes = sorted({n for e in edges for n in e[:2]} | set(sectors or {}))
    sectors = sectors or {}
    return g.build_graph([(n, f"Org {n}", sectors.get(n, "other")) for n in nodes],
                         [{"from": e[0], "to": e[1], "weight": e[2] if len(e) > 2 else weight} for e in edges])


def test_build_graph_drops_self_links_and_unknown_ends_and_keeps_partnerships():
    graph = g.build_graph([(1, "A", "healthcare"), (2, "B", "other")],
                          [{"from": 1, "to": 1, "weight": 3}, {"from": 1, "to": 9, "weight": 3},
                           {"from": 1, "to": 2, "weight": 4, "declined_no_capacity": 2}],
                          [(2, 1, "mou"), (1, 2, "data_sharing"), (1, 7, "mou")])
    assert list(graph.edges(data="weight")) == [(1, 2, 4)]
    assert graph.edges[1, 2]["declined_no_capacity"] == 2
    assert g.partnership_kinds(graph, 2, 1) == ["data_sharing", "mou"]


def test_articulation_point_and_bridges_of_two_triangles_joined_through_one_partner():
    # 1-2-3 triangle, 3-4 link, 4-5-6 triangle: 3 and 4 are cut points, 3-4 the only bridge
    graph = make([(1, 2), (2, 3), (3, 1), (3, 4), (4, 5), (5, 6), (6, 4)])
    assert engines.articulation_points(graph) == [3, 4]
    assert engines.bridges(graph) == [(3, 4)]


def test_isolated_clinic_is_an_isolate_and_a_cycle_has_no_cut_point():
    graph = make([(1, 2), (2, 3), (3, 1)], sectors={9: "healthcare"})
    assert g.isolates(graph) == [9]
    assert engines.articulation_points(graph) == []
    assert engines.bridges(graph) == []


def test_star_broker_has_full_effective_size_and_low_constraint():
    graph = make([(0, 1), (0, 2), (0, 3), (4, 0)])
    constraint, effective = g.brokerage(graph)
    assert effective[0] == pytest.approx(4.0)  # four contacts, none of them tied to another
    assert constraint[0] == pytest.approx(4 * 0.25 ** 2)
    assert constraint[1] == pytest.approx(1.0)  # a leaf depends on its one contact entirely
    assert effective[1] == pytest.approx(1.0)


def test_effective_size_on_an_undirected_unweighted_graph_is_n_minus_2t_over_n():
    # Borgatti's simplification: n contacts, t ties among them
    graph = make([(0, 1), (0, 2), (0, 3), (0, 4), (1, 2), (3, 4)])
    _, effective = g.brokerage(graph)
    assert effective[0] == pytest.approx(4 - 2 * 2 / 4)


def _effective_size_by_definition(graph, i):
    """Burt 1992 written out term by term on mutual weights, independent of the implementation."""
    def a(u, v):
        return graph.edges[u, v]["weight"] if graph.has_edge(u, v) else 0

    def mutual(u, v):
        return a(u, v) + a(v, u)
    contacts = set(graph.predecessors(i)) | set(graph.successors(i))

    def p_(u, v):
        others = set(graph.predecessors(u)) | set(graph.successors(u))
        return mutual(u, v) / sum(mutual(u, k) for k in others)

    def m_(u, v):
        others = set(graph.predecessors(u)) | set(graph.successors(u))
        return mutual(u, v) / max(mutual(u, k) for k in others)
    return sum(1 - sum(p_(i, q) * m_(j, q) for q in contacts if q not in (i, j)) for j in contacts)


def test_brokerage_on_weighted_directed_graphs_matches_the_definition_and_networkx_constraint():
    rng = random.Random(3)
    graph = make([(u, v, rng.randint(1, 9)) for u in range(12) for v in range(12) if u != v and rng.random() < 0.25])
    constraint, effective = g.brokerage(graph)
    expected = nx.constraint(graph, weight="weight")
    for node in graph:
        if graph.degree(node) == 0:
            continue
        assert effective[node] == pytest.approx(_effective_size_by_definition(graph, node))
        assert constraint[node] == pytest.approx(expected[node])


def _random_graph(seed, n=60, p_edge=0.06):
    rng = random.Random(seed)
    edges = [(u, v, rng.randint(1, 20)) for u in range(n) for v in range(n) if u != v and rng.random() < p_edge]
    return make(edges, sectors={n_: "other" for n_ in range(n)})


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_rustworkx_agrees_with_networkx_on_random_graphs(seed):
    graph = _random_graph(seed)
    ours, theirs = engines.betweenness(graph), nx.betweenness_centrality(graph, normalized=True)
    assert all(ours[n] == pytest.approx(theirs[n], abs=1e-9) for n in graph)
    ours, theirs = engines.closeness(graph), nx.closeness_centrality(graph, wf_improved=True)
    assert all(ours[n] == pytest.approx(theirs[n], abs=1e-9) for n in graph)
    undirected = graph.to_undirected()
    assert engines.articulation_points(graph) == sorted(nx.articulation_points(undirected))
    assert engines.bridges(graph) == sorted(tuple(sorted(b)) for b in nx.bridges(undirected))


def test_analyse_names_the_broker_and_the_figures_of_a_small_map():
    # two clusters that only talk through 5
    edges = [(1, 2, 5), (2, 1, 5), (1, 5, 3), (2, 5, 2), (5, 6, 4), (5, 7, 4), (6, 7, 6), (7, 6, 1)]
    graph = make(edges, sectors={1: "law_enforcement", 2: "law_enforcement", 5: "victim_services_ngo",
                                 6: "healthcare", 7: "healthcare", 8: "healthcare"})
    seen = []
    result = g.analyse(graph, progress=lambda done, total, step: seen.append((done, total)))
    assert seen[-1] == (len(g.STEPS), len(g.STEPS))
    assert result["brokers"][0] == 5
    assert result["articulation_points"] == [5]
    assert result["isolates"] == [8]
    assert result["nodes"][5]["in_volume"] == 5 and result["nodes"][5]["out_volume"] == 8
    assert result["mixing"]["law_enforcement"]["victim_services_ngo"] == 5
    assert result["mixing"]["law_enforcement"]["law_enforcement"] == 10
    assert result["reciprocity"] == pytest.approx(4 / 8)
    assert result["density"] == pytest.approx(8 / (6 * 5), abs=1e-6)
    assert all(key in g.EXPLANATIONS for key in ("betweenness", "constraint", "effective_size", "bridges"))


def test_hotspots_rank_capacity_declines():
    graph = g.build_graph([(1, "A", "x"), (2, "B", "x"), (3, "C", "x")],
                          [{"from": 1, "to": 2, "weight": 10, "declined_no_capacity": 6},
                           {"from": 1, "to": 3, "weight": 10, "declined_no_capacity": 1}])
    spots = g.capacity_hotspots(graph)
    assert [(s["organization"], s["declined_no_capacity"], s["share"]) for s in spots] == [(2, 6, 0.6), (3, 1, 0.1)]


def test_pathways_follow_referral_direction_shortest_then_most_used():
    # police 1 → NGO 2 → legal 9 (volumes 5, 5) and 1 → clinic 3 → legal 9 (volumes 9, 1); 4 → 1 is upstream
    graph = make([(1, 2, 5), (2, 9, 5), (1, 3, 9), (3, 9, 1), (9, 4, 7), (4, 1, 2)])
    found = p.find_pathways(graph, sources=[1], targets=[9])
    assert [f.nodes for f in found] == [(1, 2, 9), (1, 3, 9)]
    assert found[0].bottleneck == 5 and found[1].bottleneck == 1
    assert [f.nodes for f in p.find_pathways(graph, sources=[9], targets=[2])] == [(9, 4, 1, 2)]
    assert p.find_pathways(graph, sources=[9], targets=[2], max_hops=2) == []


def test_pathways_against_the_arrow_do_not_exist():
    graph = make([(2, 1, 5)])
    assert p.find_pathways(graph, sources=[1], targets=[2]) == []
    assert [f.nodes for f in p.find_pathways(graph, sources=[2], targets=[1])] == [(2, 1)]


def test_coverage_gaps_and_single_points_of_failure():
    # police 1 → NGO 2 → legal 3 (immigration); clinic 4 → NGO 2; social 5 refers nowhere
    graph = make([(1, 2, 5), (2, 3, 5), (4, 2, 3)],
                 sectors={1: "law_enforcement", 2: "victim_services_ngo", 3: "victim_services_ngo", 4: "healthcare",
                          5: "social_services"})
    offered = {3: {"immigration_legal"}, 2: {"emergency_shelter"}, 5: {"case_management"}}
    categories = ["immigration_legal", "emergency_shelter", "case_management"]
    gaps = p.coverage_gaps(graph, offered, categories)
    assert gaps["law_enforcement"] == ["case_management"]
    assert gaps["social_services"] == ["immigration_legal", "emergency_shelter"]
    points = p.single_points_of_failure(graph, offered, categories)
    # every route to immigration legal help runs through NGO 2 (for 1 and 4) and ends at 3 (for 1, 2, 4)
    assert points["immigration_legal"] == [(3, 3), (2, 2)]
    assert points["emergency_shelter"] == [(2, 2)]


def test_ego_view_goes_n_steps_either_way():
    graph = make([(1, 2), (3, 2), (3, 4), (4, 5)])
    assert g.ego(graph, 2, 1) == {1, 2, 3}
    assert g.ego(graph, 2, 2) == {1, 2, 3, 4}
    assert g.ego(graph, 99, 2) == set()


def test_layout_places_every_node_in_the_square_and_keeps_known_positions_near():
    graph = _random_graph(5, n=40)
    first = engines.layout(graph)
    assert set(first) == set(graph)
    assert all(0 <= x <= 1000 and 0 <= y <= 1000 for x, y in first.values())
    assert engines.layout(graph) == first  # deterministic for a seed
