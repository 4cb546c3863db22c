"""Real-time benchmark: broadcast throughput and latency of Taskforce's `/channels` namespace against a bare
python-socketio server (`bench/bare_socketio.py`) served the same way, measured in the same run.

N receiving clients (python-socketio AsyncClient, websocket transport, spread over a few client processes)
sit in one task_force channel; a pool of senders (distinct members: the flood limit is per member) posts:
  burst — M messages with W acks outstanding: delivered messages/s (each receiver's copy counts) and latency;
  hold — the receivers stay connected for `--hold` seconds (60 for 1,000 clients) while messages flow at R
         per second: broadcast latency when the server is not saturated, and that nobody drops off.
Every receiver counts the messages it got once (delivered), missed (lost) and got twice (duplicated).
Latency = a receiver's `message_posted` time − the sender's send time (see `bench/realtime_clients.py`, which
holds the receivers and senders; this file seeds, starts the servers, runs the rounds and prints the table).

Both servers run as production does (`make serve`): gunicorn, one gthread worker per process (a websocket
holds a thread, so each gets a thread per receiver it holds and some to spare), threading mode with
simple-websocket — Taskforce as `gunicorn -c deploy/gunicorn.conf.py app:app` (tests/deploy/servers.py), the
baseline as `gunicorn -k gthread 'bench.bare_socketio:app_from_environment()'`. With `--processes 2` each runs
twice behind one private redis-server and receivers are split between the two while the senders post to
the first. `--before DIR` adds the target `before`: Taskforce served from another checkout (`git archive` of
the commit before a change, unpacked in DIR), alternated with the others in the same run.

    .venv/bin/python bench/realtime.py                                  # 300 clients, one process
    .venv/bin/python bench/realtime.py --clients 1000 --processes 2     # two processes + Redis, 60 s hold
"""
import argparse
import asyncio
import math
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness import machine_note, percentile, print_table, running  # noqa: E402
from bench.realtime_clients import drive, raise_file_limit, receiver_process  # noqa: E402
from tests.channels.multiprocess_helpers import (RedisProcess, ServerProcess, free_port,  # noqa: E402
                                                 redis_server_binary, sign_in)
from tests.deploy.servers import VENV_BIN, gunicorn_server  # noqa: E402

PASSWORD = "bench-harbor-lantern-42"
BURST_PER_SENDER = 15  # stays under the per-member flood limit (a burst of 20, then 2 per second)


def measure(target, urls, receiver_cookies, sender_cookies, channel_id, args):
    spawn = multiprocessing.get_context("spawn")
    status, stop = spawn.Queue(), spawn.Event()
    shares = [args.clients // args.client_procs + (1 if i < args.clients % args.client_procs else 0)
              for i in range(args.client_procs)]
    workers = []
    for index, share in enumerate(shares):
        # each worker spreads its receivers over every server process
        worker = spawn.Process(target=receiver_process, daemon=True,
                               args=(index, urls, receiver_cookies[index::len(shares)] or receiver_cookies,
                                     channel_id, share, status, stop))
        worker.start()
        workers.append(worker)
    try:
        connected, burst, paced, results = asyncio.run(
            drive(urls, receiver_cookies, sender_cookies, channel_id, args, status, stop, workers))
    finally:
        stop.set()
        for worker in workers:
            worker.join(timeout=30)
            if worker.is_alive():
                worker.kill()
    latencies = {"b": [], "p": []}
    delivered, duplicated = {"b": 0, "p": 0}, {"b": 0, "p": 0}
    dropped: dict[str, int] = {}
    still_connected = 0
    for lat, got, _last, lost, twice, connected_at_end in results.values():
        for reason, count in lost.items():
            dropped[reason] = dropped.get(reason, 0) + count
        for key in latencies:
            latencies[key].extend(lat[key])
            delivered[key] += got[key]
            duplicated[key] += twice[key]
        still_connected += connected_at_end
    if dropped:
        print(f"  {target}: receivers disconnected during the run: {dropped}")
    seconds = max(1e-9, burst["finished"] - burst["started"])
    return {
        "target": target, "procs": args.processes, "clients": connected, "at_end": still_connected,
        "sent": burst["sent"] + paced["sent"], "deliv/s": delivered["b"] / seconds,
        "burst_p50_ms": percentile(latencies["b"], 50) * 1000, "burst_p95_ms": percentile(latencies["b"], 95) * 1000,
        "hold_p50_ms": percentile(latencies["p"], 50) * 1000, "hold_p95_ms": percentile(latencies["p"], 95) * 1000,
        "lost": burst["expected"] - delivered["b"] + paced["expected"] - delivered["p"],
        "dup": duplicated["b"] + duplicated["p"], "dropped": sum(dropped.values()), "load1": os.getloadavg()[0],
    }


# ---------------------------------------------------------------- servers

def seed_taskforce(database_url, secret_key, directory, receivers, senders):
    """Members in several organizations, one coordinator who opens the task-force channel; returns
    (receiver emails, sender emails, channel id)."""
    from taskforce import create_app
    from taskforce.auth.models import Organization, Role, Sector, User
    from taskforce.auth.passwords import hash_password
    from taskforce.channels import services as channels
    from taskforce.extensions import db
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": secret_key, "INSTANCE_DIR": directory})
    with app.app_context():
        db.create_all()
        password_hash = hash_password(PASSWORD)
        organizations = [Organization(name=f"Bench partner {sector.value}", sector=sector) for sector in Sector]
        db.session.add_all(organizations)
        db.session.flush()

        def person(kind, number, role=Role.MEMBER):
            user = User(email=f"{kind}{number}@bench.test", display_name=f"Bench {kind} {number}", role=role,
                        organization_id=organizations[number % len(organizations)].id, password_hash=password_hash)
            db.session.add(user)
            return user
        coordinator = person("coordinator", 0, Role.COORDINATOR)
        receiver_emails = [person("receiver", n).email for n in range(receivers)]
        sender_emails = [person("sender", n).email for n in range(senders)]
        db.session.commit()
        channel = channels.create_channel(coordinator, "Bench room", "task_force")
        channel_id = channel.id
        db.session.remove()
        db.engine.dispose()
    return receiver_emails, sender_emails, channel_id


def server_processes(target, args, database_url, secret_key, redis_url, log_dir) -> list[ServerProcess]:
    """`--processes` gunicorn processes of `target`, each with a thread per receiver it will hold, and spare."""
    threads = str(math.ceil(args.clients / args.processes) + 64)
    servers = []
    for number in range(args.processes):
        name = f"{target}-{number}"
        if target in ("taskforce", "before"):
            server = gunicorn_server(name, database_url=database_url, secret_key=secret_key, log_dir=log_dir,
                                     redis_url=redis_url, GUNICORN_LOG_LEVEL="warning")
            server.env["GUNICORN_THREADS"] = threads  # the tests' 20 would hold 20 sockets
            if target == "before":  # gunicorn imports the app from that checkout (its config is the same file)
                server.env["GUNICORN_CMD_ARGS"] = f"--chdir {args.before}"
            servers.append(server)
            continue
        port = free_port()
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        env.pop("SOCKETIO_MESSAGE_QUEUE", None)
        if redis_url:
            env["SOCKETIO_MESSAGE_QUEUE"] = redis_url
        argv = [str(VENV_BIN / "gunicorn"), "-k", "gthread", "-w", "1", "--threads", threads, "-b",
                f"127.0.0.1:{port}", "--log-level", "warning", "bench.bare_socketio:app_from_environment()"]
        servers.append(ServerProcess(name, argv, env, port, log_dir))
    return servers


def run_target(target, args, database_url, secret_key, redis, log_dir, seeded):
    servers = server_processes(target, args, database_url, secret_key, redis.url if redis else None, log_dir)
    with running(servers):
        urls = [s.url for s in servers]
        if target in ("taskforce", "before"):
            receiver_emails, sender_emails, channel_id = seeded
            started = time.monotonic()
            receiver_cookies = [sign_in(urls[n % len(urls)], email, PASSWORD)
                                for n, email in enumerate(receiver_emails)]
            sender_cookies = [sign_in(urls[0], email, PASSWORD) for email in sender_emails]
            print(f"  signed in {len(receiver_cookies) + len(sender_cookies)} members in "
                  f"{time.monotonic() - started:.1f} s")
        else:
            receiver_cookies, sender_cookies, channel_id = [""], [""] * len(seeded[1]), 1
        return measure(target, urls, receiver_cookies, sender_cookies, channel_id, args)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=300)
    parser.add_argument("--messages", type=int, default=150, help="burst-phase messages")
    parser.add_argument("--hold", type=float, default=0.0,
                        help="seconds the receivers stay connected while messages flow (default: 60 for 1,000 "
                             "clients or more, else 10)")
    parser.add_argument("--rate", type=float, default=0.0,
                        help="hold-phase messages per second (default: 1,500 deliveries/s, 1–10 messages/s)")
    parser.add_argument("--window", type=int, default=8, help="burst-phase sends awaiting their ack")
    parser.add_argument("--processes", type=int, choices=(1, 2), default=1)
    parser.add_argument("--client-procs", type=int, default=0, help="receiver processes (default: 1 per 250)")
    parser.add_argument("--users", type=int, default=20, help="signed-in members the receivers share")
    parser.add_argument("--stall", type=float, default=10.0, help="give up on missing deliveries after this")
    parser.add_argument("--targets", default="bare,taskforce")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of all targets (medians are compared)")
    parser.add_argument("--before", help="a checkout to serve as the extra target `before` (see above)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    args = parser.parse_args(argv)
    args.client_procs = args.client_procs or max(1, math.ceil(args.clients / 250))
    args.rate = args.rate or min(10.0, max(1.0, 1500 / args.clients))  # well under saturation: latency alone
    args.hold = args.hold or (60.0 if args.clients >= 1000 else 10.0)
    args.paced = max(1, round(args.rate * args.hold))
    limit = raise_file_limit()
    if limit < args.clients * 3 + 100:
        print(f"warning: RLIMIT_NOFILE is {limit}; {args.clients} clients need about {args.clients * 3}")

    directory = tempfile.mkdtemp(prefix="taskforce-realtime-")
    database_url = args.database_url or f"sqlite:///{directory}/bench.db"
    secret_key = "bench-" + os.urandom(8).hex()
    senders = max(4, math.ceil(max(args.messages / BURST_PER_SENDER, args.rate)))
    print(f"realtime bench: {args.clients} clients, {args.processes} server process(es), {args.messages} burst + "
          f"{args.paced} messages over a {args.hold:.0f} s hold, {senders} senders, {args.client_procs} receiver "
          f"processes; {machine_note()}")
    redis = None
    if args.processes > 1:
        binary = redis_server_binary()
        if not binary:
            sys.exit("--processes 2 needs redis-server (or TASKFORCE_REDIS_SERVER_BIN)")
        redis = RedisProcess(binary, log_dir=directory).start()
    rows = []
    targets = args.targets.split(",") + (["before"] if args.before else [])
    try:
        seeded = seed_taskforce(database_url, secret_key, directory, args.users, senders)
        for round_number in range(args.rounds):  # A B B A …: drift on a shared machine hits both alike
            for target in targets if round_number % 2 == 0 else list(reversed(targets)):
                print(f"- round {round_number + 1}: {target} …", flush=True)
                row = run_target(target, args, database_url, secret_key, redis, directory, seeded)
                rows.append({"round": round_number + 1, **row})
    finally:
        if redis:
            redis.stop()
    print_table(f"broadcast to {args.clients} clients in one channel ({args.processes} process(es))", rows)
    medians = {}
    for target in targets:
        mine = [r for r in rows if r["target"] == target]
        medians[target] = {key: statistics.median(r[key] for r in mine)
                           for key in ("deliv/s", "burst_p95_ms", "hold_p50_ms", "hold_p95_ms")}
    for name in [t for t in ("before", "taskforce") if t in medians and "bare" in medians]:
        bare, ours = medians["bare"], medians[name]
        throughput = ours["deliv/s"] / bare["deliv/s"]
        burst_p95 = ours["burst_p95_ms"] / bare["burst_p95_ms"]
        hold_p95 = ours["hold_p95_ms"] / bare["hold_p95_ms"]
        print(f"\nmedians over {args.rounds} round(s): bare {bare['deliv/s']:.0f} deliveries/s, hold p95 "
              f"{bare['hold_p95_ms']:.1f} ms; {name} {ours['deliv/s']:.0f} deliveries/s, hold p95 "
              f"{ours['hold_p95_ms']:.1f} ms")
        print(f"throughput {name}/bare: {throughput:.2f}x (target >= 0.70)  {'met' if throughput >= 0.7 else 'MISSED'}")
        print(f"p95 latency {name}/bare, hold: {hold_p95:.2f}x (target <= 1.50)  "
              f"{'met' if hold_p95 <= 1.5 else 'MISSED'};  burst: {burst_p95:.2f}x")
    print(f"(logs and database in {directory})")


if __name__ == "__main__":
    main()
