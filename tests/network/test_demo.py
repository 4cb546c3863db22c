"""The demo map has what every view is meant to find: a broker, a cut point, an isolate, a sector with no
path to immigration legal help, a capacity hot spot."""
from taskforce.cli import seed_demo_data
from taskforce.network import finding, mapping, reading
from taskforce.network.services import today


def test_demo_map_has_the_structure_the_views_show(app):
    context = seed_demo_data(seed=7, password="taskforce-demo")
    names = {o.id: o.name for o in context["organizations"]}
    coordinator = next(u for u in context["users"] if u.email == "coordinator@taskforce.demo")
    view = reading.parse_view({}, today())
    body = mapping.metrics(coordinator, view, today())
    figures = body["figures"]
    assert names[figures["brokers"][0]].startswith("Safe Passage")
    assert any(names[a].startswith("St. Brigid") for a in figures["articulation_points"])
    assert [names[i] for i in figures["isolates"]] == ["Valle Verde Community Clinic"]
    assert names[figures["hotspots"][0]["organization"]].startswith("Casa Esperanza")
    coverage = finding.coverage(coordinator, view)
    social = next(g for g in coverage["gaps"] if g["sector"] == "social_services")
    assert "immigration_legal" in [c["slug"] for c in social["missing"]]
    police = next(g for g in coverage["gaps"] if g["sector"] == "law_enforcement")
    assert "immigration_legal" not in [c["slug"] for c in police["missing"]]
    answer = finding.find_routes(coordinator, {"from_sector": "law_enforcement", "category": "immigration_legal",
                                               "language": "", "q": ""}, view)
    assert answer["routes"] and answer["routes"][0]["services"]
