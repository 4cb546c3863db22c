"""Load benchmark: how throughput scales with 1, 2 and 4 gunicorn processes behind one Redis (issue 17).

The demo task force (`seed_demo_data`) on PostgreSQL; N processes of `gunicorn -c deploy/gunicorn.conf.py
app:app` (one worker each, threads, as the README runs them) share rooms through one private redis-server.
Signed-in members (each pinned to one process, as nginx's sticky sessions do) run a mix of what members do
on a working day, in proportion:
  browse lessons (`/lessons/`, a lesson) 3 · search the directory 3 · the training calendar 2 ·
  read a channel's history (`/api/channels/<id>/messages`) 2 · log a referral (`POST /network/log/<id>`) 1.
The driver runs in `--drivers` separate processes (threads inside), so the client is not one GIL.

Printed per N: requests/s, p50/p95, errors (4xx/5xx: a referral to a member's own organization's service is
refused, as it should be) and the scaling efficiency, throughput(N) ÷ (N × throughput(1)) —
the baseline is the 1-process figure measured in the same run. `--rounds 2` runs 1,2,4,4,2,1 and takes
medians, so drift on a shared machine hits every N alike.

    .venv/bin/python bench/load.py                          # 1, 2, 4 processes, 10 s each
    .venv/bin/python bench/load.py --processes 1,2 --seconds 20 --concurrency 16
Needs PostgreSQL (BENCH_POSTGRES_URL, default the local server; a private database is created and dropped)
and redis-server on PATH (or TASKFORCE_REDIS_SERVER_BIN).
"""
import argparse
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness import machine_note, percentile, postgres_database, print_table, running  # noqa: E402
from tests.channels.multiprocess_helpers import RedisProcess, redis_server_binary  # noqa: E402
from tests.deploy.servers import gunicorn_server  # noqa: E402

PASSWORD = "taskforce-demo"
MIX = [("lessons", 3), ("search", 3), ("calendar", 2), ("chat", 2), ("referral", 1)]
SEARCH_WORDS = ["shelter", "legal", "interpreter", "housing", "medical", "counseling", "food", "youth"]


# ---------------------------------------------------------------- database and data



def seed(database_url: str, secret_key: str, directory: str) -> dict:
    """The demo task force; returns the members without a second factor, lesson, service and channel ids."""
    from sqlalchemy import select

    from taskforce import create_app
    from taskforce.channels.models import Channel
    from taskforce.cli import seed_demo_data
    from taskforce.directory.models import Service
    from taskforce.extensions import db
    from taskforce.lessons.models import Lesson, Status, Visibility
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": secret_key, "INSTANCE_DIR": directory})
    with app.app_context():
        db.create_all()
        context = seed_demo_data(password=PASSWORD)
        members = [u.email for u in context["users"] if u.active and not u.totp_secret]
        seeded = {"members": members,
                  "lessons": list(db.session.scalars(select(Lesson.id).where(Lesson.status == Status.PUBLISHED,
                                                                        Lesson.visibility == Visibility.TASK_FORCE))),
                  "services": list(db.session.scalars(select(Service.id))),
                  "channels": list(db.session.scalars(select(Channel.id).where(Channel.kind == "task_force")))}
        db.session.remove()
        db.engine.dispose()
    return seeded


# ---------------------------------------------------------------- driver (runs in its own processes)

def _signed_in(base: str, email: str) -> tuple[requests.Session, str]:
    session = requests.Session()
    token = session.get(f"{base}/api/session", timeout=60).json()["csrf_token"]
    answer = session.post(f"{base}/auth/login", data={"email": email, "password": PASSWORD, "csrf_token": token},
                          allow_redirects=False, timeout=60)
    if answer.status_code != 302:
        raise RuntimeError(f"sign-in of {email} failed: {answer.status_code}")
    return session, session.get(f"{base}/api/session", timeout=60).json()["csrf_token"]


def _request(kind: str, session, token, base: str, seeded: dict, rng: random.Random):
    if kind == "lessons":
        if rng.random() < 0.5 or not seeded["lessons"]:
            return session.get(f"{base}/lessons/", timeout=60)
        return session.get(f"{base}/lessons/{rng.choice(seeded['lessons'])}", timeout=60)
    if kind == "search":
        return session.get(f"{base}/directory/", params={"q": rng.choice(SEARCH_WORDS)}, timeout=60)
    if kind == "calendar":
        return session.get(f"{base}/training/month" if rng.random() < 0.5 else f"{base}/training/", timeout=60)
    if kind == "chat":
        return session.get(f"{base}/api/channels/{rng.choice(seeded['channels'])}/messages", timeout=60)
    return session.post(f"{base}/network/log/{rng.choice(seeded['services'])}", data={"csrf_token": token},
                        allow_redirects=False, timeout=60)


def drive(job: dict, results, go) -> None:
    """One driver process: its members, each on its own server (round-robin), for `seconds` after `go`."""
    sessions = [_signed_in(job["urls"][(job["offset"] + n) % len(job["urls"])], email) + (
        job["urls"][(job["offset"] + n) % len(job["urls"])],) for n, email in enumerate(job["emails"])]
    kinds = [kind for kind, weight in MIX for _ in range(weight)]
    results.put("ready")  # sign-ins (argon2) and imports stay out of the measured window
    go.wait()
    deadline = time.time() + job["seconds"]
    latencies, errors, lock = [], [], threading.Lock()

    def member(number: int):
        session, token, base = sessions[number]
        rng, mine, failed = random.Random(number * 7919 + job["offset"]), [], 0
        while time.time() < deadline:
            started = time.perf_counter()
            try:
                status = _request(rng.choice(kinds), session, token, base, job["seeded"], rng).status_code
            except requests.RequestException:
                status = 599
            mine.append(time.perf_counter() - started)
            failed += status >= 400
        with lock:
            latencies.extend(mine)
            errors.append(failed)

    threads = [threading.Thread(target=member, args=(n,)) for n in range(len(sessions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.put({"latencies": latencies, "errors": sum(errors)})


def measure(urls: list[str], seeded: dict, args) -> dict:
    context = multiprocessing.get_context("spawn")
    results, go = context.Queue(), context.Event()
    members = seeded["members"]
    per_driver = max(1, args.concurrency // args.drivers)
    workers = []
    for driver in range(args.drivers):
        emails = [members[(driver * per_driver + n) % len(members)] for n in range(per_driver)]
        job = {"urls": urls, "offset": driver * per_driver, "emails": emails, "seconds": args.seconds,
               "seeded": seeded}
        worker = context.Process(target=drive, args=(job, results, go), daemon=True)
        worker.start()
        workers.append(worker)
    for _ in workers:
        if results.get(timeout=300) != "ready":
            raise RuntimeError("a driver failed before the measurement")
    go.set()
    collected = [results.get(timeout=args.seconds + 120) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
    latencies = [value for part in collected for value in part["latencies"]]
    return {"req/s": len(latencies) / args.seconds, "p50_ms": percentile(latencies, 50) * 1000,
            "p95_ms": percentile(latencies, 95) * 1000, "errors": sum(part["errors"] for part in collected)}


# ---------------------------------------------------------------- servers and rounds

def run(processes: int, database_url: str, secret_key: str, redis_url: str, directory: str, seeded: dict,
        args) -> dict:
    servers = [gunicorn_server(f"load-{processes}-{n}", database_url=database_url, secret_key=secret_key,
                               log_dir=directory, redis_url=redis_url)  # 20 threads each (GUNICORN_THREADS)
               for n in range(processes)]
    with running(servers):
        return {"processes": processes, **measure([s.url for s in servers], seeded, args)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--processes", default="1,2,4", help="process counts to compare (the first is the base)")
    parser.add_argument("--seconds", type=float, default=10.0, help="measurement window per run")
    parser.add_argument("--concurrency", type=int, default=16, help="signed-in members sending at once")
    parser.add_argument("--drivers", type=int, default=2, help="driver processes the members are split over")
    parser.add_argument("--rounds", type=int, default=1, help="rounds (1,2,4 then 4,2,1 …); medians compared")
    args = parser.parse_args(argv)
    counts = [int(n) for n in args.processes.split(",")]
    binary = redis_server_binary()
    if not binary:
        sys.exit("bench/load.py needs redis-server (or TASKFORCE_REDIS_SERVER_BIN)")
    directory = tempfile.mkdtemp(prefix="taskforce-load-")
    secret_key = "bench-" + os.urandom(8).hex()
    print(f"load bench: processes {counts}, {args.concurrency} members over {args.drivers} driver processes, "
          f"{args.seconds:.0f} s per run, {args.rounds} round(s), PostgreSQL + one Redis; {machine_note()}")
    database_url, cleanup = postgres_database("load")
    redis = RedisProcess(binary, log_dir=directory).start()
    rows = []
    try:
        started = time.monotonic()
        seeded = seed(database_url, secret_key, directory)
        print(f"  demo data: {len(seeded['members'])} members, {len(seeded['lessons'])} lessons, "
              f"{len(seeded['services'])} services ({time.monotonic() - started:.0f} s)", flush=True)
        for round_number in range(args.rounds):
            for processes in counts if round_number % 2 == 0 else list(reversed(counts)):
                print(f"- round {round_number + 1}: {processes} process(es) …", flush=True)
                rows.append({"round": round_number + 1,
                             **run(processes, database_url, secret_key, redis.url, directory, seeded, args)})
    finally:
        redis.stop()
        cleanup()
    print_table("the mix against N gunicorn processes (PostgreSQL, one Redis)", rows)
    medians = {n: {key: statistics.median(r[key] for r in rows if r["processes"] == n)
                   for key in ("req/s", "p50_ms", "p95_ms")} for n in counts}
    base = counts[0]
    summary = [{"processes": n, "req/s": m["req/s"], "p95_ms": m["p95_ms"],
                f"vs {base}": m["req/s"] / medians[base]["req/s"],
                "efficiency": m["req/s"] / (n / base * medians[base]["req/s"])} for n, m in medians.items()]
    print_table(f"scaling (medians over {args.rounds} round(s)); efficiency = req/s(N) / (N/{base} × req/s({base}))",
                summary)
    two = next((row for row in summary if row["processes"] == 2 * base), None)
    if two is not None:
        print(f"efficiency at {2 * base} processes: {two['efficiency']:.2f} (target >= 0.70)  "
              f"{'met' if two['efficiency'] >= 0.7 else 'MISSED'}")
    print(f"(server logs in {directory})")


if __name__ == "__main__":
    main()
