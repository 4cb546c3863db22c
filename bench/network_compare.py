"""Benchmark the two-period comparison at 2,000 / 5,000 organizations (bench/network.py's generated task force).

Run from the repo root: ``.venv/bin/python bench/network_compare.py [--sizes 2000,5000]``. Times, on a fresh
SQLite database, `comparing.compare` cold (two cell reads, suppression and the pure comparison) for a
coordinator and for a member, cached, and `periods.compare` alone; each also as a ratio to the baseline
bench/network.py uses (building the networkx DiGraph from the edge list), so other machines compare.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.network import baseline_graph, generated_task_force, timed  # noqa: E402


def run_size(n: int) -> dict:
    from types import SimpleNamespace

    from taskforce.network import analytics, comparing, periods, reading
    from taskforce.network.services import today
    with generated_task_force(n, "bench-compare-") as (_app, coordinator, links, cells):
        out = {"n": n, "links": len(links), "cells": cells}
        member = SimpleNamespace(id=2, organization_id=2, is_coordinator=False, is_authenticated=True)
        out["baseline"], _ = timed(lambda: baseline_graph(n, links), rounds=3)
        last = today().replace(day=1)
        chosen = comparing.Periods(reading.View(reading.months_back(last, 11), reading.months_back(last, 6)),
                                   reading.View(reading.months_back(last, 5), last))

        def cold(viewer):
            analytics.OUTPUTS.clear()
            return comparing.compare(viewer, chosen)
        out["compare cold (coordinator)"], body = timed(lambda: cold(coordinator), rounds=3)
        out["compare cold (member)"], _ = timed(lambda: cold(member), rounds=3)
        out["compare cached"], _ = timed(lambda: comparing.compare(coordinator, chosen), rounds=5)
        out["compared links"] = len(body["edges"])
        before = {(e["from"], e["to"]): e["weight"] for e in reading.seen_edges(reading.cells(chosen.first), member)}
        after = {(e["from"], e["to"]): e["weight"] for e in reading.seen_edges(reading.cells(chosen.second), member)}
        out["periods.compare alone"], _ = timed(lambda: periods.compare(before, after), rounds=3)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="2000,5000")
    sizes = [int(s) for s in parser.parse_args().sizes.split(",")]
    for n in sizes:
        out = run_size(n)
        print(f"{n} organizations, {out['links']} links, {out['cells']} cells, {out['compared links']} compared links; "
              f"baseline {out['baseline'] * 1000:.1f} ms")
        for key, value in out.items():
            if isinstance(value, float) and key != "baseline":
                print(f"  {key:28s} {value * 1000:8.1f} ms  ({value / out['baseline']:.1f}× baseline)")


if __name__ == "__main__":
    main()
