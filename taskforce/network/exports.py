"""Exports of the partner map as one viewer may see it (web) or for the operator (command line).

The same suppression as the pages: a coordinator's export is exact; a member's shows small cells outside
their organization's edges as "1–4"; the command line writes the suppressed map unless `exact` is asked
for (it is run by whoever operates the server, and files travel).
"""
import time
from types import SimpleNamespace

from taskforce.errors import ValidationError
from taskforce.network import formats, graph as graphs, reading
from taskforce.network.mapping import MapData, StillComputing

OPERATOR_EXACT = SimpleNamespace(organization_id=None, is_coordinator=True, is_authenticated=True)
OPERATOR_SUPPRESSED = SimpleNamespace(organization_id=None, is_coordinator=False, is_authenticated=True)


def _triple(figure):
    return (figure.low, figure.high, figure.shown())


def export(viewer, view: reading.View, today, fmt: str, wait: bool = False) -> bytes:
    """The map in `fmt` (graphml, gexf, json, csv): every node with `sector`, typed attributes, no nulls.
    `wait` (the command line) waits for a large map's background reading; a request gets a 503 instead."""
    if fmt not in formats.FORMATS:
        raise ValidationError(f"Unknown format: choose one of {', '.join(formats.FORMATS)}.", field="format")
    while True:
        try:
            data = MapData(viewer, view, today)
            break
        except StillComputing:
            if not wait:
                raise
            time.sleep(0.5)
    if data.figures is not None:
        data.figures.ready.wait()  # an export waits for the figures it carries
    computed = data.figures.result["nodes"] if data.figures is not None and data.figures.status == "ready" else {}
    nodes = []
    for organization_id, name, sector in data.organizations:
        volumes = data.volumes.get(organization_id)
        node = {"id": organization_id, "name": name, "sector": sector,
                "in_degree": volumes["in_degree"] if volumes else 0, "out_degree": volumes["out_degree"] if volumes else 0,
                "in_volume": _triple(volumes["in_volume"]) if volumes else (0, 0, 0),
                "out_volume": _triple(volumes["out_volume"]) if volumes else (0, 0, 0)}
        node.update({k: computed.get(organization_id, {}).get(k) for k in (*formats.FLOAT_FIGURES, "community")})
        nodes.append(node)
    edges = [{"source": e["from"], "target": e["to"], "volume": _triple(e["weight"]),
              "declined_no_capacity": _triple(e["declined_no_capacity"]),
              "categories": {k: v.shown() for k, v in e["categories"].items()},
              "partnerships": graphs.partnership_kinds(data.graph, e["from"], e["to"])}
             for e in data.edges]
    return formats.write(formats.export_graph(nodes, edges), fmt)
