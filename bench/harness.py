"""Benchmark harness: measure this app against a baseline served the same way, in the same run.

These machines are noisy, so a figure alone means little; every benchmark prints a ratio against a baseline
measured minutes apart at most (a bare Flask endpoint, a bare python-socketio server…). Nothing here is a
test: figures are written into the README's performance section by hand.
"""
import os
import statistics
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
PG_ADMIN = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def postgres_database(label: str):
    """(DATABASE_URL, cleanup): a PostgreSQL database of this bench's own, created anew and dropped after."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    name = f"taskforce_bench_{label}_{os.getpid()}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def cleanup():
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False), cleanup


@contextmanager
def served(wsgi_app):
    """Serve a WSGI app on a free loopback port (werkzeug, threaded — as `python app.py` does)."""
    import logging

    from werkzeug.serving import make_server
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, wsgi_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@contextmanager
def running(servers, *, ready_timeout: float = 120):
    """Start every server process (tests.channels.multiprocess_helpers.ServerProcess and kin), wait until each
    answers, and yield them; if anything fails, print each one's log tail before the error; stop them all."""
    try:
        for server in servers:
            server.start()
        for server in servers:
            server.wait_ready(timeout=ready_timeout)
        yield servers
    except BaseException:
        for server in servers:
            print(f"--- log of {server.name} ---\n{server.log_tail()}", file=sys.stderr)
        raise
    finally:
        for server in servers:
            server.stop()


def bare_flask_app():
    """The baseline: a Flask app with one endpoint that renders a tiny template, no database."""
    from flask import Flask, render_template_string
    app = Flask("bare")

    @app.get("/")
    def index():
        return render_template_string("<!doctype html><title>bare</title><p>{{ n }}</p>", n=42)
    return app


def temp_app(**overrides):
    """A Taskforce app on a fresh SQLite file (or `DATABASE_URL` from `overrides`), schema created."""
    from taskforce import create_app
    from taskforce.extensions import db
    directory = tempfile.mkdtemp(prefix="taskforce-bench-")
    config = {"DATABASE_URL": f"sqlite:///{directory}/bench.db", "SECRET_KEY": "bench", "INSTANCE_DIR": directory}
    config.update(overrides)
    app = create_app(config)
    with app.app_context():
        db.create_all()
    return app


def run_requests(make_session, paths, *, seconds: float = 5.0, concurrency: int = 4):
    """Hit `paths` (cycled) from `concurrency` threads for `seconds`; return (requests/s, latencies in s).

    `make_session()` returns a `requests.Session` per thread (signed in, if the benchmark needs it).
    """
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    errors = []

    def worker():
        session = make_session()
        mine = []
        i = 0
        while time.perf_counter() < deadline:
            path = paths[i % len(paths)]
            i += 1
            start = time.perf_counter()
            response = session.get(path, allow_redirects=False)
            mine.append(time.perf_counter() - start)
            if response.status_code >= 400:
                errors.append(response.status_code)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        print(f"  warning: {len(errors)} error responses (first: {errors[0]})", file=sys.stderr)
    return len(latencies) / elapsed, latencies


def percentile(values, q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def summarize(latencies) -> dict:
    return {"p50_ms": percentile(latencies, 50) * 1000, "p95_ms": percentile(latencies, 95) * 1000,
            "mean_ms": statistics.fmean(latencies) * 1000 if latencies else float("nan")}


def print_table(title: str, rows: list[dict]) -> None:
    """Print rows of equal keys as an aligned table (and return nothing: the README takes the numbers)."""
    print(f"\n== {title}")
    if not rows:
        return
    keys = list(rows[0].keys())
    widths = {k: max(len(k), *(len(_fmt(r[k])) for r in rows)) for k in keys}
    print("  ".join(k.ljust(widths[k]) for k in keys))
    for row in rows:
        print("  ".join(_fmt(row[k]).ljust(widths[k]) for k in keys))


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def machine_note() -> str:
    load = " / ".join(f"{v:.2f}" for v in os.getloadavg())
    return f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, load average {load}"
