"""The map, its figures and its exports as each viewer gets them: small cells suppressed outside an edge's
two organizations (pages, JSON and exports alike), exact for coordinators; cached by the data's version."""
import io
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import networkx as nx
import pytest

from taskforce.network import analytics, mapping, reading
from tests.network.conftest import month_text


def edge(graph, source, target):
    return next(e for e in graph["edges"] if e["source"] == source.id and e["target"] == target.id)


@pytest.fixture
def mapped(orgs, add_referral, this_month):
    add_referral(orgs["police"], orgs["ngo"], 3)                      # small: hidden from outsiders
    add_referral(orgs["ngo"], orgs["legal"], 7)
    add_referral(orgs["ngo"], orgs["legal"], 2, category="legal_aid")  # a second small cell on the same edge
    add_referral(orgs["clinic"], orgs["ngo"], 12, declined_no_capacity=4)
    return orgs


def test_coordinator_sees_exact_figures_and_member_sees_small_cells_as_a_range(client, login, mapped,
                                                                                network_coordinator, police_member):
    login(network_coordinator)
    graph = client.get("/network/graph.json").get_json()
    assert edge(graph, mapped["police"], mapped["ngo"])["volume"] == 3
    assert edge(graph, mapped["ngo"], mapped["legal"])["volume"] == 9
    assert graph["figures"]["status"] == "ready" and graph["detail"] == "full"
    client.post("/auth/logout", data={})
    login(police_member)
    graph = client.get("/network/graph.json").get_json()
    assert edge(graph, mapped["police"], mapped["ngo"])["volume"] == 3          # their own edge: exact
    assert edge(graph, mapped["ngo"], mapped["legal"])["volume"] == "8–11"      # 7 + a hidden 2
    assert edge(graph, mapped["clinic"], mapped["ngo"])["declined_no_capacity"] == "1–4"
    assert graph["figures"] == {"status": "member"}
    assert "betweenness" not in graph["nodes"][0]
    ngo = next(n for n in graph["nodes"] if n["id"] == mapped["ngo"].id)
    assert ngo["in_volume"] == 15  # 3 on their own edge (exact) + 12 (not a small cell)
    assert ngo["out_volume"] == "8–11"



def test_a_coordinator_sees_each_edge_as_its_own_organizations_see_it(client, login, mapped, add_referral,
                                                                      network_coordinator, police_member,
                                                                      clinic_member, this_month):
    """Coordinators' edges are the exact sums without the per-cell suppression test: every figure of every
    edge is what the organizations at its ends are shown (they see their own edges exactly), small cells,
    outcomes and several months included."""
    add_referral(mapped["police"], mapped["ngo"], 2, month=this_month.replace(day=1) - timedelta(days=40),
                 accepted=1, declined_not_eligible=1)
    add_referral(mapped["clinic"], mapped["ngo"], 1, category="legal_aid", completed=1)
    login(network_coordinator)
    full = client.get("/network/graph.json").get_json()
    client.post("/auth/logout", data={})
    seen_by_ends = []
    for member, organization in ((police_member, mapped["police"]), (clinic_member, mapped["clinic"])):
        login(member)
        graph = client.get("/network/graph.json").get_json()
        seen_by_ends += [e for e in graph["edges"] if organization.id in (e["source"], e["target"])]
        client.post("/auth/logout", data={})
    assert len(seen_by_ends) == 2 and all(e["exact"] for e in seen_by_ends)
    for own in seen_by_ends:
        assert next(e for e in full["edges"] if (e["source"], e["target"]) == (own["source"], own["target"])) == own
    assert edge(full, mapped["police"], mapped["ngo"])["volume"] == 5
    assert edge(full, mapped["clinic"], mapped["ngo"])["declined_no_capacity"] == 4

def test_the_metrics_api_holds_the_same_rule(client, login, mapped, clinic_member, network_coordinator):
    login(clinic_member)
    body = client.get("/api/network/metrics").get_json()
    legal = next(o for o in body["organizations"] if o["id"] == mapped["legal"].id)
    assert legal["in_volume"] == "8–11" and "betweenness" not in legal
    assert body["detail"] == "member" and "betweenness" not in body["explanations"]
    client.post("/auth/logout", data={})
    login(network_coordinator)
    body = client.get("/api/network/metrics").get_json()
    ngo = next(o for o in body["organizations"] if o["id"] == mapped["ngo"].id)
    assert ngo["in_volume"] == 15 and ngo["out_volume"] == 9
    assert ngo["betweenness"] > 0 and body["figures"]["brokers"][0] == mapped["ngo"].id
    assert body["explanations"]["effective_size"].startswith("Burt")


def test_the_table_view_lists_the_same_figures_for_screen_readers(client, login, mapped, police_member):
    login(police_member)
    page = client.get("/network/table").get_data(as_text=True)
    assert "<th scope=\"row\" data-label=\"Organization\">Lantern Legal</th>" in page
    assert "8–11" in page and "Betweenness" not in page


def test_the_map_page_is_for_every_signed_in_member_and_csp_clean(client, login, mapped, police_member):
    assert client.get("/network/").status_code == 302  # signed out: to the sign-in page
    login(police_member)
    response = client.get("/network/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "/static/vendor/cytoscape.min.js" in page
    assert "<script>" not in page and " style=" not in page
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "Partner map" in client.get("/").get_data(as_text=True)  # in the member's navigation


def test_window_category_sector_and_ego_filters(client, login, mapped, add_referral, network_coordinator, this_month):
    from taskforce.network.reading import months_back
    old = months_back(this_month, 14)
    add_referral(mapped["social"], mapped["clinic"], 6, month=old)
    login(network_coordinator)
    graph = client.get("/network/graph.json").get_json()
    assert not any(e["source"] == mapped["social"].id for e in graph["edges"])  # outside the 12-month window
    graph = client.get(f"/network/graph.json?start={month_text(old)}").get_json()
    assert any(e["source"] == mapped["social"].id for e in graph["edges"])
    graph = client.get("/network/graph.json?category=legal_aid").get_json()
    assert [(e["source"], e["target"], e["volume"]) for e in graph["edges"]] == [(mapped["ngo"].id, mapped["legal"].id, 2)]
    graph = client.get("/network/graph.json?sector=victim_services_ngo").get_json()
    assert {n["id"] for n in graph["nodes"]} == {mapped["ngo"].id, mapped["legal"].id}
    graph = client.get(f"/network/graph.json?ego={mapped['legal'].id}&steps=1").get_json()
    assert {n["id"] for n in graph["nodes"]} == {mapped["ngo"].id, mapped["legal"].id}
    for bad in ("start=2999-01", "category=nope", "sector=pirates", "start=2026-05&end=2026-01", "ego=abc",
                "ego=999999", "start=%00"):
        response = client.get(f"/network/graph.json?{bad}", headers={"Accept": "application/json"})
        assert response.status_code in (400, 404), bad
        assert "error" in response.get_json()


def test_figures_are_cached_by_data_version_and_a_new_referral_invalidates_them(client, login, mapped,
                                                                               network_coordinator, make_service):
    login(network_coordinator)
    first = client.get("/api/network/metrics").get_json()
    computed = analytics.FIGURES.computations
    assert client.get("/api/network/metrics").get_json()["version"] == first["version"]
    assert analytics.FIGURES.computations == computed  # served from the cache
    shelter = make_service(mapped["legal"], "Shelter")
    client.post(f"/network/log/{shelter.id}", data={})
    second = client.get("/api/network/metrics").get_json()
    assert second["version"] != first["version"]
    assert analytics.FIGURES.computations == computed + 1
    social = next(o for o in second["organizations"] if o["id"] == mapped["social"].id)
    assert social["out_volume"] == 1


def test_the_figure_store_computes_each_key_once_under_many_threads():
    store = analytics.FigureStore()
    calls = []

    def compute(progress):
        calls.append(1)
        import time
        time.sleep(0.05)
        return {"answer": 42}
    with ThreadPoolExecutor(8) as pool:
        entries = list(pool.map(lambda _: store.get(("k",), compute), range(32)))
    assert len(calls) == 1
    assert all(e.result == {"answer": 42} and e.status == "ready" for e in entries)


def test_a_large_map_is_computed_in_the_background_with_progress(client, login, mapped, network_coordinator,
                                                                  monkeypatch):
    import threading
    release = threading.Event()
    real = analytics.graphs.analyse

    def slow(graph, progress=None):
        progress(1, 7, "degrees")
        release.wait(5)
        return real(graph, progress)
    read = threading.Event()

    class HeldReading(mapping.Reading):  # a six-organization reading could finish before the request looks
        def __init__(self, *args):
            read.wait(5)
            super().__init__(*args)
    monkeypatch.setattr(analytics, "BACKGROUND_FROM", 2)
    monkeypatch.setattr(analytics.graphs, "analyse", slow)
    monkeypatch.setattr(mapping, "Reading", HeldReading)
    login(network_coordinator)
    body = client.get("/api/network/metrics").get_json()  # answers at once: the reading itself runs aside
    assert body["figures"]["status"] == "computing" and body["organizations"] == []
    read.set()
    graph = client.get("/network/graph.json").get_json()
    assert graph["figures"]["status"] == "computing"  # whether or not the reading has finished meanwhile
    for _ in range(100):  # the page polls; the figures' own job reports its steps
        body = client.get("/api/network/metrics").get_json()
        if body["figures"].get("step") == "degrees":
            break
        time.sleep(0.05)
    assert body["figures"]["status"] == "computing" and body["figures"]["done"] == 1
    page = client.get("/network/pathways?from_sector=law_enforcement&category=hotline",
                      headers={"Accept": "application/json"})
    assert page.status_code in (200, 503)
    release.set()
    for _ in range(100):
        body = client.get("/api/network/metrics").get_json()
        if body["figures"]["status"] == "ready":
            break
        time.sleep(0.05)
    assert body["figures"]["status"] == "ready" and len(body["organizations"]) == len(mapped)


def test_the_organization_panel_shows_figures_partners_and_services_without_sites(client, login, mapped,
                                                                                   police_member, make_service):
    make_service(mapped["legal"], "Immigration clinic", categories=("immigration_legal",), confidential=True,
                 address="4417 Hidden Orchard Lane", capacity=(2, 5))
    login(police_member)
    body = client.get(f"/network/organizations/{mapped['legal'].id}.json").get_json()
    assert body["partners_in"] == [{"id": mapped["ngo"].id, "name": "Bridge NGO", "volume": "8–11"}]
    assert body["services"][0]["capacity"] == {"available": 2, "total": 5}
    text = str(body)
    assert "Hidden Orchard" not in text and "Harbor City" not in text
    assert client.get("/network/organizations/999999.json").status_code == 404


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_export_round_trip_keeps_nodes_edges_and_typed_attributes(client, login, mapped, network_coordinator, fmt):
    login(network_coordinator)
    response = client.get(f"/network/export.{fmt}")
    assert response.status_code == 200
    read = nx.read_graphml if fmt == "graphml" else nx.read_gexf
    graph = read(io.BytesIO(response.data))
    assert set(graph.nodes) == {str(o.id) for o in mapped.values()}
    assert all("sector" in d and d["sector"] for _, d in graph.nodes(data=True))
    assert set(graph.edges) == {(str(a.id), str(b.id)) for a, b in [(mapped["police"], mapped["ngo"]),
                                (mapped["ngo"], mapped["legal"]), (mapped["clinic"], mapped["ngo"])]}
    ngo_legal = graph.edges[str(mapped["ngo"].id), str(mapped["legal"].id)]
    assert ngo_legal["volume_low"] == 9 and isinstance(ngo_legal["volume_low"], int)
    assert ngo_legal["categories"] == "case_management:7;legal_aid:2"
    ngo = graph.nodes[str(mapped["ngo"].id)]
    assert isinstance(ngo["betweenness"], float) and ngo["betweenness"] > 0
    assert all(v is not None for _, d in graph.nodes(data=True) for v in d.values())


def test_member_export_and_json_and_csv_are_suppressed_too(client, login, mapped, clinic_member):
    login(clinic_member)
    body = client.get("/network/export.json").get_json()
    link = next(l for l in body["links"] if l["source"] == str(mapped["ngo"].id) and l["target"] == str(mapped["legal"].id))
    assert (link["volume"], link["volume_low"], link["volume_high"]) == ("8–11", 8, 11)
    text = client.get("/network/export.csv").data.decode("utf-8-sig")
    assert "8–11" in text and ",9," not in text
    assert client.get("/network/export.xlsx").status_code == 400


def test_cli_export_writes_every_node_with_sector_and_suppresses_by_default(app, mapped, tmp_path):
    out = tmp_path / "map.graphml"
    result = app.test_cli_runner().invoke(args=["network", "export", "--format", "graphml", str(out)])
    assert result.exit_code == 0, result.output
    graph = nx.read_graphml(out)
    assert len(graph) == len(mapped) and all(d["sector"] for _, d in graph.nodes(data=True))
    assert graph.edges[str(mapped["police"].id), str(mapped["ngo"].id)]["volume"] == "1–4"
    result = app.test_cli_runner().invoke(args=["network", "export", "--format", "csv", "--exact", str(tmp_path / "e.csv")])
    assert result.exit_code == 0 and ",3," in (tmp_path / "e.csv").read_text(encoding="utf-8-sig")


def test_shared_readings_give_each_viewer_their_own_figures_from_many_threads(app, mapped, network_coordinator,
                                                                              police_member, clinic_member):
    from taskforce.auth.models import User
    from taskforce.extensions import db
    from taskforce.network import mapping
    from taskforce.network.services import today
    viewers = [network_coordinator.id, police_member.id, clinic_member.id]

    def read(user_id):
        with app.app_context():
            viewer = db.session.get(User, user_id)
            view = reading.parse_view({}, today())
            body = mapping.graph_json(viewer, view, today())
            db.session.remove()
            return user_id, sorted((e["source"], e["target"], str(e["volume"])) for e in body["edges"])
    alone = dict(read(v) for v in viewers)
    assert alone[police_member.id] != alone[clinic_member.id]  # each sees their own edges exactly
    analytics.READINGS.clear()
    analytics.OUTPUTS.clear()
    with ThreadPoolExecutor(8) as pool:
        together = list(pool.map(read, viewers * 12))
    assert all(edges == alone[user_id] for user_id, edges in together)
