"""Benchmark: what checking a pooled PostgreSQL connection at checkout costs (taskforce.connections).

Four ways, on one served app and database, in interleaved rounds (so machine noise hits all alike):
- none: no check at all (the baseline: the fastest, and the first request after a restart fails),
- idle ping: the old rule, ping only after 10 s idle (fails the same request),
- socket check: this app's rule, a zero-timeout poll of the socket, ping only when the server spoke,
- pool_pre_ping: SQLAlchemy's `SELECT 1` at every checkout.
Load: the signed-in `GET /api/session` (session row + user in one query: the cheapest database request, so
the check's share is the largest it can be). Also the check's own cost per call, without HTTP.

Run: .venv/bin/python bench/connections.py [--seconds 2] [--rounds 6] [--concurrency 4]
"""
import argparse
import statistics
import time
from functools import partial

import requests
from sqlalchemy import event

from auth import make_people, signed_in_session
from harness import machine_note, postgres_database, print_table, run_requests, served, summarize, temp_app





def _old_idle_ping(dbapi_connection, record, _proxy, *, dialect):
    """The rule before: ping only when back in the pool for 10 s or more."""
    from taskforce import connections
    if time.monotonic() - record.info.get(connections._RETURNED_AT, 0.0) >= 10.0:
        dialect.do_ping(dbapi_connection)


class Checks:
    """Switch the engine's checkout check between the four ways, in place."""

    def __init__(self, engine):
        from taskforce import connections
        self.engine = engine
        self.installed = next(fn for fn in engine.pool.dispatch.checkout if getattr(fn, "func", None) is connections._check_out)
        self.old = partial(_old_idle_ping, dialect=engine.dialect)

    def use(self, way: str) -> None:
        for fn in (self.installed, self.old):
            if event.contains(self.engine, "checkout", fn):
                event.remove(self.engine, "checkout", fn)
        self.engine.pool._pre_ping = way == "pool_pre_ping"
        if way == "socket check":
            event.listen(self.engine, "checkout", self.installed)
        elif way == "idle ping":
            event.listen(self.engine, "checkout", self.old)


def per_call_costs(app) -> dict:
    """Microseconds per call of the socket poll and of a ping, on one idle connection."""
    from taskforce.connections import server_spoke
    from taskforce.extensions import db
    with app.app_context():
        raw = db.engine.raw_connection()
        try:
            dbapi = raw.driver_connection
            n = 20_000
            started = time.perf_counter()
            for _ in range(n):
                server_spoke(dbapi)
            poll_us = (time.perf_counter() - started) / n * 1e6
            n = 2_000
            started = time.perf_counter()
            for _ in range(n):
                db.engine.dialect.do_ping(dbapi)
                dbapi.rollback()
            ping_us = (time.perf_counter() - started) / n * 1e6
        finally:
            raw.close()
    return {"socket poll (µs)": poll_us, "SELECT 1 ping (µs)": ping_us}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    url, cleanup = postgres_database("connections")
    try:
        app = temp_app(DATABASE_URL=url)
        email = make_people(app, 1)[0]
        from taskforce.extensions import db
        with app.app_context():
            checks = Checks(db.engine)
        ways = ["none", "idle ping", "socket check", "pool_pre_ping"]
        figures = {way: [] for way in ways}
        with served(app) as base:
            sessions = [signed_in_session(base, email) for _ in range(args.concurrency)]
            pool = iter(sessions * (len(ways) * args.rounds + 1))

            def make_session():
                session = next(pool)
                prefixed = requests.Session()
                prefixed.get = lambda path, **kw: session.get(base + path, **kw)
                return prefixed
            checks.use("none")
            run_requests(make_session, ["/api/session"], seconds=1.0, concurrency=args.concurrency)  # warm up
            for _ in range(args.rounds):
                for way in ways:
                    checks.use(way)
                    rate, latencies = run_requests(make_session, ["/api/session"], seconds=args.seconds,
                                                   concurrency=args.concurrency)
                    figures[way].append((rate, summarize(latencies)["p50_ms"]))
            checks.use("socket check")
        rows = []
        for way in ways:  # each round's ratio to the baseline of the same round, then their median
            rates = [rate for rate, _ in figures[way]]
            ratios = [rate / base_rate for rate, (base_rate, _) in zip(rates, figures["none"])]
            rows.append({"check at checkout": way, "req/s (median)": statistics.median(rates),
                         "p50 ms": statistics.median(p50 for _, p50 in figures[way]),
                         "× none (median of rounds)": statistics.median(ratios),
                         "range": f"{min(ratios):.2f}–{max(ratios):.2f}"})
        print_table(f"signed-in GET /api/session on PostgreSQL, {args.concurrency} threads, "
                    f"{args.rounds}×{args.seconds:.0f} s each ({machine_note()})", rows)
        print_table("the check's own cost per call", [per_call_costs(app)])
        with app.app_context():
            db.engine.dispose()
    finally:
        cleanup()


if __name__ == "__main__":
    main()
