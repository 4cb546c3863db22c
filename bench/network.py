"""Benchmark the partner map at 200 / 2,000 / 5,000 organizations with ~10 referral links each.

Run from the repo root: ``.venv/bin/python bench/network.py [--sizes 200,2000,5000] [--networkx]``.
Graphs are generated referral-like (scale-free by preferential attachment, directed, weighted, 12 months of
cells) into a fresh SQLite database, then timed through the services a request calls:

- all analytics cold (graph.analyse: degrees, betweenness, closeness, brokerage, cut points, Louvain, mixing);
- the metrics API's service cold and cached (`mapping.metrics`, DB read and graph build included);
- the map's JSON for a coordinator (`mapping.graph_json` and the response the view's `jsonify` makes with
  the app's JSON provider, orjson), positions cached;
- a pathway question (`finding.find_routes`, through the directory's search);
- at the largest size, the figures as a background job (progress polled; the request returns at once).

Every time is also printed as a ratio to a baseline measured in the same run on the same data: building the
networkx DiGraph from the edge list (one Python pass over every link), so figures from other machines
compare. `--networkx` adds networkx's own exact betweenness and closeness (slow: ~10 s at 2,000).
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import networkx as nx  # noqa: E402

TARGETS = {"analytics cold": (2000, 2.0), "metrics cached": (2000, 0.05), "map json": (2000, 0.3),
           "pathway": (2000, 0.1), "background job": (5000, 15.0)}
SECTORS = ("law_enforcement", "prosecution", "healthcare", "victim_services_ngo", "social_services", "government",
           "other")


def referral_links(n: int, per_node: int, rng: random.Random) -> list[tuple[int, int, int]]:
    """(from, to, monthly mean) links: each new organization links to `per_node` earlier ones chosen by
    preferential attachment, each link in a random direction (hubs both refer and receive)."""
    targets, links, seen = [0, 1], [], set()
    for node in range(2, n):
        for _ in range(min(per_node, node)):
            other = rng.choice(targets)
            pair = (node, other) if rng.random() < 0.5 else (other, node)
            if other == node or pair in seen:
                continue
            seen.add(pair)
            links.append((*pair, rng.choice((1, 1, 2, 3, 5, 8, 13))))
            targets += [node, other]
    return links


def timed(fn, rounds: int = 1):
    best, result = float("inf"), None
    for _ in range(rounds):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def build_database(app, n: int, links, rng):
    from sqlalchemy import insert

    from taskforce.auth.models import Organization, Role, User
    from taskforce.directory.models import Service, ServiceCategory, ServiceLanguage
    from taskforce.extensions import db
    from taskforce.network.models import Referral
    from taskforce.network.reading import months_back
    from taskforce.network.services import today
    db.session.execute(insert(Organization), [{"id": i + 1, "name": f"Org {i:05d}", "sector": SECTORS[i % 7]}
                                              for i in range(n)])
    db.session.execute(insert(User), [{"id": 1, "email": "coord@bench.test", "display_name": "Coordinator",
                                       "organization_id": 1, "role": Role.COORDINATOR, "password_hash": "x"}])
    last = today().replace(day=1)
    rows = []
    for source, target, mean in links:
        for back in range(0, 12, 4):  # three months of each link: ~30 cells per organization
            rows.append({"from_organization_id": source + 1, "to_organization_id": target + 1,
                         "category": "case_management", "month": months_back(last, back), "count": mean,
                         "accepted": mean, "declined_no_capacity": 0, "declined_not_eligible": 0,
                         "declined_no_response": 0, "completed": 0, "notes": "", "source": "import"})
    db.session.execute(insert(Referral), rows)
    services = [{"id": i + 1, "uuid": f"00000000-0000-0000-0000-{i:012d}", "organization_id": i + 1,
                 "name": f"Service {i:05d}", "open_24_7": i % 3 == 0, "description": "", "status": "active"}
                for i in range(n)]
    db.session.execute(insert(Service), services)
    db.session.execute(insert(ServiceCategory), [{"service_id": i + 1, "category": "immigration_legal" if i % 40 == 0
                                                  else "case_management"} for i in range(n)])
    db.session.execute(insert(ServiceLanguage), [{"service_id": i + 1, "code": "vi" if i % 3 == 0 else "en"}
                                                 for i in range(n)])
    db.session.commit()
    return db.session.get(User, 1), len(rows)


@contextmanager
def generated_task_force(n: int, prefix: str):
    """A fresh SQLite database holding `n` generated organizations (5 new referral links each: ~10 ends), inside
    its app context: yields (app, coordinator, links, cells); the session and engine are closed at the end."""
    from taskforce import create_app
    from taskforce.extensions import db
    rng = random.Random(n)
    links = referral_links(n, 5, rng)
    folder = tempfile.mkdtemp(prefix=prefix)
    app = create_app({"DATABASE_URL": f"sqlite:///{folder}/bench.db", "SECRET_KEY": "bench", "TESTING": True,
                      "INSTANCE_DIR": folder})
    with app.app_context():
        db.create_all()
        coordinator, cells = build_database(app, n, links, rng)
        try:
            yield app, coordinator, links, cells
        finally:
            db.session.remove()
            db.engine.dispose()


def baseline_graph(n: int, links):
    """The baseline every time is a ratio to: the networkx DiGraph of the edge list (one Python pass a link)."""
    from taskforce.network import graph as graphs
    return graphs.build_graph([(i + 1, f"Org {i}", SECTORS[i % 7]) for i in range(n)],
                              [{"from": a + 1, "to": b + 1, "weight": w} for a, b, w in links])


def run_size(n: int, with_networkx: bool, background: bool) -> dict:
    from taskforce.network import analytics, finding, graph as graphs, mapping, reading
    from taskforce.network.services import today
    with generated_task_force(n, "bench-network-") as (app, coordinator, links, cells):
        out = {"n": n, "links": len(links), "cells": cells}
        out["baseline"], graph = timed(lambda: baseline_graph(n, links), rounds=3)
        out["analytics cold"], figures = timed(lambda: graphs.analyse(graph))
        out["betweenness sources"] = figures["betweenness_sources"]
        if with_networkx and n <= 2000:
            out["networkx betweenness"], _ = timed(lambda: nx.betweenness_centrality(graph))
            out["networkx closeness"], _ = timed(lambda: nx.closeness_centrality(graph))
        view = reading.parse_view({}, today())
        analytics.BACKGROUND_FROM = 10**9 if not background else 2500
        analytics.FIGURES.clear()
        analytics.LAYOUTS.clear()
        if background:
            start = time.perf_counter()
            body = mapping.metrics(coordinator, view, today())
            out["request while computing"] = time.perf_counter() - start
            polls = 0
            while body["figures"]["status"] == "computing":
                time.sleep(0.25)
                polls += 1
                body = mapping.metrics(coordinator, view, today())
            out["background job"] = time.perf_counter() - start
            out["polls"] = polls
        else:
            out["metrics cold"], _ = timed(lambda: mapping.metrics(coordinator, view, today()))
        out["metrics cached"], _ = timed(lambda: mapping.metrics(coordinator, view, today()), rounds=5)
        analytics.positions(reading.data_version(), graph, background=False)  # the layout job, done ahead
        out["map json"], body = timed(lambda: app.json.response(mapping.graph_json(coordinator, view, today()))
                                      .get_data(), rounds=3)
        out["map json bytes"] = len(body)
        question = {"from_sector": "law_enforcement", "category": "immigration_legal", "language": "vi",
                    "always_open": "1"}
        with app.test_request_context():
            out["pathway"], answer = timed(lambda: finding.find_routes(coordinator, question, view), rounds=5)
        out["routes"] = len(answer["routes"])
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="200,2000,5000")
    parser.add_argument("--networkx", action="store_true", help="also time networkx's own betweenness/closeness")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    for n in sizes:
        result = run_size(n, args.networkx, background=n >= 5000)
        base = result["baseline"]
        print(f"\n== {n:,} organizations, {result['links']:,} links, {result['cells']:,} referral cells ==")
        print(f"baseline (networkx DiGraph from the edge list): {base * 1000:.1f} ms")
        for key, value in result.items():
            if key in ("n", "links", "cells", "baseline", "routes", "polls", "map json bytes", "betweenness sources"):
                continue
            target = TARGETS.get(key)
            goal = f"   target < {target[1]:g} s" if target and target[0] == n else ""
            print(f"  {key:<26} {value:8.3f} s   {value / base:8.1f}× baseline{goal}")
        sources = result["betweenness sources"]
        print(f"  betweenness {'exact' if sources is None else f'estimated from {sources} sources'}, "
              f"map json size {result['map json bytes'] / 1024:.0f} KiB, pathway routes found: {result['routes']}"
              + (f", progress polls: {result['polls']}" if "polls" in result else ""))


if __name__ == "__main__":
    main()
