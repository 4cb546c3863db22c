"""Directory search at 1k / 10k / 50k services, SQLite and PostgreSQL, through the real HTTP path.

For each backend and size: bulk-insert fictional services (with their search-index rows), serve the app with
`harness.served`, sign a member in with a `requests.Session`, and hit the search page `/directory/?q=…` and
the JSON API `/api/directory/services?q=…` from 4 threads; `session` (`/api/session`, signed in, no search) shows
what the platform's request path alone costs (server-side session, sign-in checks, security headers).

The baseline is a bare Flask endpoint served the same way and measured *next to* each figure: every path is
warmed up, then measured in `--rounds` rounds of (bare, app) back to back, and the ratio is the median of the
rounds' ratios — this machine's speed drifts by a fifth within a minute, so one baseline for the whole run
would measure the drift. Printed: p50/p95, requests/s, the ratio to bare (target ≥ 0.3×) and the growth of p50
from the smallest to the largest size (target < 2×).

    .venv/bin/python bench/directory.py [--sizes 1000,10000,50000] [--backends sqlite,postgresql] [--seconds 3]
                                        [--rounds 3] [--paths page,api,session] [--variants app]

`--variants app,flask-url-for,no-fragment-cache` measures each path again with one of the app's own layers
swapped for plain Flask, on the same served app and data: `flask-url-for` builds every link with Flask's
`url_for` (not `taskforce.urls`), `no-fragment-cache` renders every fragment (menu, chips, options, cards)
each time. What a layer is worth is the ratio of the two rows' x_bare.
"""
from contextlib import contextmanager
import argparse
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import (bare_flask_app, machine_note, postgres_database, print_table, run_requests, served,  # noqa: E402
                     summarize, temp_app)

PASSWORD = "bench-password-violet-42"
WORDS = ("harbor valley north south east west river county city community family youth women men safe "
         "bridge hope haven light path open door new start care center clinic legal aid counsel housing "
         "shelter night day support crisis line advocacy health medical dental mental recovery labor rights "
         "immigrant refugee language interpreter transport food clothing job training case manager outreach "
         "street mobile team unit program project network alliance coalition partners services").split()
QUERIES = ("shelter", "legal aid", "harbor clinic", "crisis", "youth housing", "interpreter", "recovery", "labor")


def bulk(db, table, rows: list[dict]) -> None:
    """Fast bulk insert on the driver itself: COPY on PostgreSQL, executemany on SQLite."""
    if not rows:
        return
    columns = list(rows[0])
    connection = db.session.connection().connection.driver_connection
    if db.engine.dialect.name == "postgresql":
        with connection.cursor() as cursor:
            with cursor.copy(f'COPY {table.name} ({", ".join(columns)}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row([row[c] for c in columns])
    else:
        placeholders = ", ".join("?" for _ in columns)
        connection.executemany(f'INSERT INTO {table.name} ({", ".join(columns)}) VALUES ({placeholders})',
                               [tuple(row[c] for c in columns) for row in rows])


def generate(app, size: int, rng: random.Random) -> None:
    """Insert `size` services (+ locations, categories, languages, hours, search terms) with bulk inserts."""
    from sqlalchemy import insert

    from taskforce.auth.models import Organization, Role, Sector, User
    from taskforce.auth.passwords import hash_password
    from taskforce.dbtypes import utcnow
    from taskforce.directory import search
    from taskforce.directory.models import (Location, Service, ServiceCategory, ServiceHours, ServiceLanguage,
                                            ServiceTerm)
    from taskforce.directory.taxonomy import CATEGORIES
    from taskforce.extensions import db

    now = utcnow()
    with app.app_context():
        organizations = [Organization(name=f"Partner {i} {rng.choice(WORDS).title()}", sector=rng.choice(list(Sector)),
                                      vetted_at=now) for i in range(max(10, size // 50))]
        db.session.add_all(organizations)
        db.session.flush()
        db.session.add(User(email="bench@example.test", display_name="Bench", organization_id=organizations[0].id,
                            role=Role.MEMBER, password_hash=hash_password(PASSWORD)))
        db.session.commit()
        org_names = {o.id: o.name for o in organizations}
        org_ids = list(org_names)
        categories = list(CATEGORIES)
        for start in range(0, size, 5000):
            count = min(5000, size - start)
            locations, services = [], []
            for i in range(start, start + count):
                org = rng.choice(org_ids)
                locations.append({"id": i + 1, "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                                  "organization_id": org, "name": f"Site {i}", "address_1": f"{i} Main St",
                                  "city": rng.choice(("Harbor City", "Valley Town", "Riverside")), "state_province": "CA",
                                  "postal_code": "94601", "country": "US", "is_confidential": rng.random() < 0.1})
                name = f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} {rng.choice(WORDS)} {i}"
                description = " ".join(rng.choice(WORDS) for _ in range(rng.randint(10, 25)))
                services.append({"id": i + 1, "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                                 "organization_id": org, "location_id": i + 1, "name": name,
                                 "description": description, "status": "active", "open_24_7": rng.random() < 0.2,
                                 "timezone": "America/Los_Angeles", "phone": "+12135550142", "version": 1,
                                 "last_verified_at": now, "created_at": now, "updated_at": now})
            db.session.execute(insert(Location.__table__), locations)
            db.session.execute(insert(Service.__table__), services)
            bulk(db, ServiceCategory.__table__, [
                {"service_id": s["id"], "category": c} for s in services for c in rng.sample(categories, 2)])
            bulk(db, ServiceLanguage.__table__, [
                {"service_id": s["id"], "code": c} for s in services for c in rng.sample(("en", "es", "vi", "zh"), 2)])
            bulk(db, ServiceHours.__table__, [
                {"service_id": s["id"], "weekday": d, "opens_at": "09:00", "closes_at": "17:00"}
                for s in services if not s["open_24_7"] for d in range(5)])
            bulk(db, ServiceTerm.__table__, [
                {"service_id": s["id"], "term": term, "weight": weight} for s in services
                for term, weight in search.index_terms(s["name"], org_names[s["organization_id"]],
                                                       s["description"]).items()])
            db.session.commit()
        if db.engine.dialect.name == "postgresql":  # the steady state autovacuum gives a live database:
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("VACUUM ANALYZE")  # statistics + visibility map (index-only scans)


def signed_in_session(base: str):
    import requests
    session = requests.Session()
    token = session.get(f"{base}/api/session").json()["csrf_token"]
    response = session.post(f"{base}/auth/login", data={"email": "bench@example.test", "password": PASSWORD,
                                                        "csrf_token": token}, allow_redirects=False)
    assert response.status_code == 302, f"sign-in failed: {response.status_code}"
    return session


def measure(base: str, paths: list[str], seconds: float, make_session) -> dict:
    sessions = [make_session() for _ in range(4)]  # made before the clock starts
    rps, latencies = run_requests(lambda: _prefixed(sessions.pop(), base), paths, seconds=seconds)
    return {"rps": rps, **summarize(latencies)}


class _prefixed:
    """A requests.Session whose `get(path)` prefixes the server's base URL (run_requests passes paths)."""

    def __init__(self, session, base):
        self.session, self.base = session, base

    def get(self, path, **kwargs):
        return self.session.get(self.base + path, **kwargs)


def database_for(backend: str, size: int):
    """(DATABASE_URL, cleanup) — a fresh SQLite file, or a PostgreSQL bench database created and dropped."""
    if backend == "sqlite":
        return None, lambda: None
    return postgres_database(f"directory_{size}")


def compare(base: str, bare: str, paths: list[str], args) -> dict:
    """Warm `paths` up, then `args.rounds` rounds of bare-then-app; medians of the figures and of the ratios."""
    import requests
    pool = [signed_in_session(base) for _ in range(4 * args.rounds + 1)]  # sign in (argon2) before the clock
    warm = pool.pop()
    for path in paths * 3:  # compiled statements, templates and caches: what a running server already has
        warm.get(base + path)
    rounds = []
    for _ in range(args.rounds):
        baseline = measure(bare, ["/"], args.seconds, requests.Session)
        mine = measure(base, paths, args.seconds, pool.pop)
        rounds.append((mine, baseline))
    median = statistics.median
    return {"p50_ms": median(m["p50_ms"] for m, _ in rounds), "p95_ms": median(m["p95_ms"] for m, _ in rounds),
            "req_s": median(m["rps"] for m, _ in rounds), "bare_req_s": median(b["rps"] for _, b in rounds),
            "x_bare": median(m["rps"] / b["rps"] for m, b in rounds),
            "x_bare_min": min(m["rps"] / b["rps"] for m, b in rounds)}


@contextmanager
def variant(name: str):
    """The app with one of its layers replaced by plain Flask (see the module), for as long as it is entered."""
    import flask

    from taskforce import fragments, urls, web
    from taskforce.directory import views
    patched = []

    def patch(owner, attribute, value):
        patched.append((owner, attribute, getattr(owner, attribute)))
        setattr(owner, attribute, value)
    if name == "flask-url-for":
        for module in (views, web, urls):
            patch(module, "remembered_url_for", flask.url_for)
        patch(urls, "_remembered", lambda _cache, endpoint, values: flask.url_for(endpoint, **values))
    elif name == "no-fragment-cache":
        patch(fragments, "_remembered", lambda _root, template, macro, args: fragments._render(template, macro, args))
    elif name != "app":
        raise SystemExit(f"unknown variant {name!r}")
    try:
        yield
    finally:
        for owner, attribute, value in reversed(patched):
            setattr(owner, attribute, value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--paths", default="page,api,session")
    parser.add_argument("--variants", default="app")
    args = parser.parse_args()
    templates = {"page": "/directory/?q={}", "api": "/api/directory/services?q={}", "session": "/api/session?q={}"}
    variants = args.variants.split(",")
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    print(f"Directory search benchmark — {machine_note()}; {args.seconds:.0f}s per measurement, 4 threads, "
          f"{args.rounds} rounds of (bare, app) per figure, medians")
    print("PostgreSQL: VACUUM ANALYZE after loading — the state autovacuum keeps a live database in (statistics and"
          " visibility map, so index-only scans apply); a freshly bulk-loaded, unvacuumed table is slower.")
    for backend in args.backends.split(","):
        for size in sizes:
            url, cleanup = database_for(backend, size)
            try:
                app = temp_app(**({"DATABASE_URL": url} if url else {}))
                started = time.perf_counter()
                generate(app, size, random.Random(size))
                generated = time.perf_counter() - started
                with served(app) as base, served(bare_flask_app()) as bare:
                    for label in args.paths.split(","):
                        paths = [templates[label].format(q.replace(" ", "+")) for q in QUERIES]
                        for name in variants:
                            with variant(name):
                                rows.append({"backend": backend, "services": size, "path": label,
                                             **({"variant": name} if len(variants) > 1 else {}), "load_s": generated,
                                             **compare(base, bare, paths, args)})
                with app.app_context():
                    from taskforce.extensions import db
                    db.engine.dispose()
            finally:
                cleanup()
    print_table("search through the real HTTP path (signed in) vs a bare Flask endpoint", rows)
    growth = []
    for backend in args.backends.split(","):
        for label in args.paths.split(","):
            mine = [r for r in rows if r["backend"] == backend and r["path"] == label
                    and r.get("variant", "app") == "app"]
            if len(mine) >= 2 and mine[-1]["req_s"] and mine[0]["p50_ms"] == mine[0]["p50_ms"]:
                growth.append({"backend": backend, "path": label, "from": mine[0]["services"], "to": mine[-1]["services"],
                               "p50_growth": mine[-1]["p50_ms"] / mine[0]["p50_ms"],
                               "req_s_drop": mine[0]["req_s"] / mine[-1]["req_s"]})
    print_table(f"growth from the smallest to the largest size (target < 2×)", growth)
    print("\nTargets: x_bare ≥ 0.3 (throughput vs the bare endpoint), p50_growth < 2.")


if __name__ == "__main__":
    main()
