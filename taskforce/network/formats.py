"""PURE: the partner map written as GraphML, GEXF, node-link JSON or a CSV edge list.

Gephi and networkx read attributes by type, so every attribute has one type on every node or edge and no
value is missing: a figure that may be suppressed is written three ways (`volume` as shown, "1–4" or 12;
`volume_low` and `volume_high` as integers, equal when exact), lists are joined with ";" ("mou;data_sharing",
"emergency_shelter:3;legal_aid:2"), and a brokerage figure that does not exist (an isolate) is 0.0.
"""
import csv
import io
import json

import networkx as nx

FORMATS = {"graphml": ("application/graphml+xml", "graphml"), "gexf": ("application/gexf+xml", "gexf"),
           "json": ("application/json", "json"), "csv": ("text/csv", "csv")}
FLOAT_FIGURES = ("betweenness", "closeness", "constraint", "effective_size")


def joined(values) -> str:
    return ";".join(str(v) for v in values)


def export_graph(nodes: list[dict], edges: list[dict]) -> nx.DiGraph:
    """A DiGraph with typed attributes only. `nodes`: {id, name, sector, in/out degree, in/out volume (low,
    high, shown), float figures (or None), community}; `edges`: {source, target, volume (low, high, shown),
    categories {slug: shown}, partnerships [kinds], declined_no_capacity (low, high, shown)}."""
    graph = nx.DiGraph()
    for node in nodes:
        attributes = {"name": str(node["name"]), "sector": str(node["sector"]),
                      "in_degree": int(node.get("in_degree", 0)), "out_degree": int(node.get("out_degree", 0)),
                      "community": int(node.get("community") if node.get("community") is not None else -1)}
        for key in ("in_volume", "out_volume"):
            low, high, shown = node[key]
            attributes.update({key: str(shown), f"{key}_low": int(low), f"{key}_high": int(high)})
        for key in FLOAT_FIGURES:
            value = node.get(key)
            attributes[key] = float(value) if value is not None else 0.0
        graph.add_node(str(node["id"]), **attributes)
    for edge in edges:
        low, high, shown = edge["volume"]
        d_low, d_high, d_shown = edge["declined_no_capacity"]
        graph.add_edge(str(edge["source"]), str(edge["target"]), volume=str(shown), volume_low=int(low),
                       volume_high=int(high), weight=float((low + high) / 2),
                       declined_no_capacity=str(d_shown), declined_no_capacity_low=int(d_low),
                       declined_no_capacity_high=int(d_high),
                       categories=joined(f"{k}:{v}" for k, v in sorted(edge["categories"].items())),
                       partnerships=joined(edge["partnerships"]))
    return graph


def write(graph: nx.DiGraph, fmt: str) -> bytes:
    """The graph in one of FORMATS, as bytes ready to download or save."""
    if fmt == "graphml":
        out = io.BytesIO()
        nx.write_graphml(graph, out, encoding="utf-8", prettyprint=True)
        return out.getvalue()
    if fmt == "gexf":
        out = io.BytesIO()
        nx.write_gexf(graph, out, encoding="utf-8", prettyprint=True, version="1.2draft")
        return out.getvalue()
    if fmt == "json":
        return json.dumps(nx.node_link_data(graph, edges="links"), ensure_ascii=False, indent=1).encode()
    if fmt == "csv":
        out = io.StringIO()
        columns = ("source", "source_name", "source_sector", "target", "target_name", "target_sector", "volume",
                   "volume_low", "volume_high", "declined_no_capacity", "categories", "partnerships")
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(columns)
        for u, v, d in graph.edges(data=True):
            writer.writerow([_cell(x) for x in (u, graph.nodes[u]["name"], graph.nodes[u]["sector"], v,
                                                graph.nodes[v]["name"], graph.nodes[v]["sector"], d["volume"],
                                                d["volume_low"], d["volume_high"], d["declined_no_capacity"],
                                                d["categories"], d["partnerships"])])
        return out.getvalue().encode("utf-8-sig")
    raise ValueError(f"Unknown export format {fmt!r}")


def _cell(value) -> str:
    """A CSV cell a spreadsheet will not run as a formula (names come from users)."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
