"""The partner map as one viewer gets it: graph JSON, figures per organization and an organization's panel
(the comparison of two periods is `comparing`). Built on `reading` (cells and suppression) and `analytics`
(cached figures).

Coordinators get every figure, exact. Members get the same map read-only with less detail: degrees and
volumes only, exact where their organization is an end of an edge and small cells shown as "1–4" elsewhere.
"""
from flask import current_app

from taskforce.directory import offerings
from taskforce.errors import DomainError, NotFound, PermissionDenied
from taskforce.network import analytics, graph as graphs, reading
from taskforce.network.models import OUTCOMES
from taskforce.network.suppression import ZERO

MEMBER_FIGURES = ("in_degree", "out_degree", "in_volume", "out_volume")
COORDINATOR_FIGURES = MEMBER_FIGURES + ("betweenness", "closeness", "constraint", "effective_size", "community")
SIZE_BY = {"in_volume": "People referred in", "out_volume": "People referred out", "in_degree": "Partners referring in",
           "out_degree": "Partners referred to", "betweenness": "Betweenness (broker)",
           "closeness": "Closeness", "effective_size": "Effective size"}


def _require_viewer(viewer) -> None:
    if viewer is None or not getattr(viewer, "is_authenticated", True):
        raise PermissionDenied("Sign in to see the partner map.")


def figure_names(viewer) -> tuple:
    return COORDINATOR_FIGURES if viewer.is_coordinator else MEMBER_FIGURES


class Reading:
    """One data version's map for one view, read once and shared (read-only) by every request of it."""

    def __init__(self, view: reading.View, today):
        self.rows = reading.cells(view)
        self.organizations = reading.organizations()
        self.partnerships = reading.partnerships_on(today)
        self.graph = graphs.build_graph(self.organizations, reading.exact_edges(self.rows), self.partnerships)


class StillComputing(DomainError):
    """A large map is being read and computed in the background: try again in a moment (the map page polls)."""

    status = 503

    def __init__(self, progress: dict):
        super().__init__(f"The partner map is being computed ({progress.get('percent', 0)}%). Try again in a few "
                         "seconds.", details={"progress": progress})
        self.progress = progress


def current_reading(version: str, view: reading.View, today) -> Reading:
    """The reading of this version and view. A large task force's first reading (tens of thousands of cells)
    is made in a background thread with its own app context, so no request waits for it: until it is ready
    the caller gets StillComputing."""
    key = ("reading", version, view.key, today.isoformat())
    if analytics.READINGS.has(key) or reading.organization_count() < analytics.BACKGROUND_FROM:
        return analytics.READINGS.value(key, lambda: Reading(view, today))
    app = current_app._get_current_object()

    def compute(progress):
        with app.app_context():
            progress(0, 1, "reading referrals")
            return Reading(view, today)
    entry = analytics.READINGS.get(key, compute, background=True)
    if entry.status == "ready":
        return entry.result
    if entry.status == "failed":
        analytics.READINGS.forget(key)
    raise StillComputing(entry.progress())


class MapData:
    """Everything one request needs: version, organizations, cells, graph, the viewer's figures and the
    cached graph figures — each looked up by the data's version, so a cached request reads four tiny
    aggregates and nothing else."""

    def __init__(self, viewer, view: reading.View, today):
        _require_viewer(viewer)
        self.viewer, self.view, self.today = viewer, view, today
        self.version = reading.data_version()
        self.viewer_key = reading.viewer_key(viewer)
        read = current_reading(self.version, view, today)
        self.rows, self.organizations, self.graph = read.rows, read.organizations, read.graph
        self.edges, self.volumes = analytics.READINGS.value(
            ("seen", self.version, view.key, self.viewer_key), lambda: self._seen(read.rows))
        self.figures = analytics.figures(self.version, view.key, self.graph) if viewer.is_coordinator else None

    def _seen(self, rows):
        edges = reading.seen_edges(rows, self.viewer)
        return edges, reading.node_volumes(edges)

    def figures_ready(self) -> bool:
        return self.figures is None or self.figures.status == "ready"

    def node_figures(self, organization_id) -> dict:
        volumes = self.volumes.get(organization_id) or {"in_volume": ZERO, "out_volume": ZERO, "in_degree": 0,
                                                        "out_degree": 0}
        shown = {key: reading.shown(value) for key, value in volumes.items()}
        if self.figures is not None and self.figures.status == "ready":
            computed = self.figures.result["nodes"].get(organization_id, {})
            for key in ("betweenness", "closeness", "constraint", "effective_size", "community"):
                shown[key] = computed.get(key)
        return shown


def graph_json(viewer, view: reading.View, today, sector: str = "", ego: int | None = None, steps: int = 1) -> dict:
    """GET /network/graph.json: nodes (with server-computed positions) and edges as the viewer may see them.
    A finished answer (positions and figures ready) is kept per version, view, kind of viewer and filters."""
    try:
        data = MapData(viewer, view, today)
    except StillComputing as waiting:
        return {"version": None, "view": _view_json(view), "detail": "full" if viewer.is_coordinator else "member",
                "layout": waiting.progress, "figures": waiting.progress if viewer.is_coordinator else {"status": "member"},
                "nodes": [], "edges": []}
    # today: which agreements are in force (an edge's style) changes with the day, not only with the data
    key = ("graph", data.version, today.isoformat(), view.key, data.viewer_key, sector, ego, steps)
    entry = analytics.OUTPUTS.get(key, lambda progress: _graph_json(data, sector, ego, steps))
    answer = entry.result
    if answer is None or answer["layout"]["status"] != "ready" or not _finished(answer["figures"]):
        analytics.OUTPUTS.forget(key)  # not finished: the next poll builds it again
    if answer is None:
        raise NotFound("No such organization on the map.")
    return answer


def _graph_json(data: "MapData", sector: str, ego, steps) -> dict | None:
    viewer, view = data.viewer, data.view
    keep = None
    if ego is not None:
        if ego not in data.graph:
            return None
        keep = graphs.ego(data.graph, ego, max(1, min(int(steps), 4)))
    placed = analytics.positions(data.version, data.graph)
    positions = placed.result if placed.status == "ready" else {}
    nodes = []
    for organization_id, name, sector_value in data.organizations:
        if keep is not None and organization_id not in keep:
            continue
        if sector and sector_value != sector:
            continue
        position = positions.get(organization_id)
        node = {"id": organization_id, "name": name, "sector": sector_value, **data.node_figures(organization_id)}
        if position:
            node["x"], node["y"] = position
        nodes.append(node)
    present = {n["id"] for n in nodes}
    edges = []
    for edge in data.edges:
        if edge["from"] not in present or edge["to"] not in present:
            continue
        edges.append({"source": edge["from"], "target": edge["to"], "volume": edge["weight"].shown(),
                      "width": edge["weight"].weight, "exact": edge["exact"],
                      "declined_no_capacity": edge["declined_no_capacity"].shown(),
                      "partnerships": graphs.partnership_kinds(data.graph, edge["from"], edge["to"])})
    summary = _summary(data)
    return {"version": data.version, "view": {"start": view.start.isoformat()[:7], "end": view.end.isoformat()[:7],
                                              "category": view.category},
            "detail": "full" if viewer.is_coordinator else "member", "layout": placed.progress(),
            "figures": summary, "nodes": nodes, "edges": edges}


def _finished(figures: dict) -> bool:
    """An answer is kept only once its figures are final (ready, or none for a member): one made while they
    were computing, or when they failed, is made again by the next request."""
    return figures.get("status") in ("ready", "member")


def _view_json(view: reading.View) -> dict:
    return {"start": view.start.isoformat()[:7], "end": view.end.isoformat()[:7], "category": view.category}


def _summary(data: MapData) -> dict:
    if data.figures is None:
        return {"status": "member"}
    if data.figures.status != "ready":
        return data.figures.progress()
    result = data.figures.result
    return {"status": "ready", "density": result["density"], "reciprocity": result["reciprocity"],
            "betweenness_sources": result.get("betweenness_sources"),
            "brokers": result["brokers"], "articulation_points": result["articulation_points"],
            "bridges": [list(b) for b in result["bridges"]], "isolates": result["isolates"],
            "communities": len(result["communities"]), "hotspots": result["hotspots"],
            "mixing": result["mixing"], "seconds": round(data.figures.seconds, 3)}


def metrics(viewer, view: reading.View, today) -> dict:
    """GET /api/network/metrics: the figures per organization (and the map's), each with its explanation.
    A finished answer is kept per version, view and kind of viewer."""
    try:
        data = MapData(viewer, view, today)
    except StillComputing as waiting:
        return {"version": None, "detail": "full" if viewer.is_coordinator else "member", "view": _view_json(view),
                "figures": waiting.progress, "organizations": [], "explanations": {}}
    key = ("metrics", data.version, view.key, data.viewer_key)
    answer = analytics.OUTPUTS.get(key, lambda progress: _metrics(data)).result
    if answer is None or not _finished(answer["figures"]):
        analytics.OUTPUTS.forget(key)
    if answer is None:
        raise analytics.FiguresFailed()
    return answer


def _metrics(data: "MapData") -> dict:
    viewer, view = data.viewer, data.view
    organizations = [{"id": oid, "name": name, "sector": sector, **data.node_figures(oid)}
                     for oid, name, sector in data.organizations]
    names = figure_names(viewer)
    return {"version": data.version, "detail": "full" if viewer.is_coordinator else "member",
            "view": {"start": view.start.isoformat()[:7], "end": view.end.isoformat()[:7], "category": view.category},
            "figures": _summary(data), "organizations": organizations,
            "explanations": {k: v for k, v in graphs.EXPLANATIONS.items()
                             if viewer.is_coordinator or k in names or k in ("isolates",)}}


def organization_panel(viewer, organization_id, view: reading.View, today) -> dict:
    """What a click on a node shows: its figures, its partners in and out, and its directory services."""
    data = MapData(viewer, view, today)
    names = {oid: (name, sector) for oid, name, sector in data.organizations}
    if organization_id not in names:
        raise NotFound("No such organization on the map.")
    partners_in = [{"id": e["from"], "name": names[e["from"]][0], "volume": e["weight"].shown()}
                   for e in data.edges if e["to"] == organization_id]
    partners_out = [{"id": e["to"], "name": names[e["to"]][0], "volume": e["weight"].shown()}
                    for e in data.edges if e["from"] == organization_id]
    outcomes = {key: ZERO for key in OUTCOMES}
    for edge in data.edges:
        if edge["to"] == organization_id:
            for key in OUTCOMES:
                outcomes[key] = outcomes[key] + edge[key]
    return {"id": organization_id, "name": names[organization_id][0], "sector": names[organization_id][1],
            "figures": data.node_figures(organization_id),
            "outcomes_received": {k: v.shown() for k, v in outcomes.items()},
            "partners_in": sorted(partners_in, key=lambda p: p["name"]),
            "partners_out": sorted(partners_out, key=lambda p: p["name"]),
            "services": offerings.services_of(organization_id)}
