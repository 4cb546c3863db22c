"""Real-time benchmark: broadcast throughput and latency of Taskforce's `/channels` namespace against a bare
python-socketio server (`bench/bare_socketio.py`) served the same way, measured in the same run.

N receiving clients (python-socketio AsyncClient, websocket transport, spread over a few client processes)
sit in one task_force channel; a pool of senders (distinct members: the flood limit is per member) posts:
  burst — M messages with W acks outstanding: delivered messages/s (each receiver's copy counts) and latency;
  paced — P messages at R per second: broadcast latency when the server is not saturated.
Latency = a receiver's `message_posted` time − the sender's send time (time.time() on this machine; the send
time travels in the message's client_id, which the server echoes).

Both servers run as subprocesses (`python app.py` / `python bench/bare_socketio.py`: threading mode,
simple-websocket, werkzeug threaded); with `--processes 2` each runs twice behind a private redis-server
and receivers are split between the two while the senders post to the first.

    .venv/bin/python bench/realtime.py                                  # 300 clients, one process
    .venv/bin/python bench/realtime.py --clients 1000 --processes 2     # two processes + Redis
"""
import argparse
import asyncio
import math
import multiprocessing
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness import machine_note, percentile, print_table  # noqa: E402
from tests.channels.multiprocess_helpers import (RedisProcess, ServerProcess, app_server, free_port,  # noqa: E402
                                                 redis_server_binary, sign_in)

NAMESPACE = "/channels"
COOKIE = "taskforce_session"
PASSWORD = "bench-harbor-lantern-42"
BODY = "Shelter intake is open tonight; call the hotline desk before you drive over."
BURST_PER_SENDER = 15  # stays under the per-member flood limit (a burst of 20, then 2 per second)


def raise_file_limit() -> int:
    """Every socket is a file descriptor (twice on loopback); lift the soft limit to the hard one."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


# ---------------------------------------------------------------- receivers (one asyncio loop per process)

def receiver_process(index, urls, cookies, channel_id, count, status, stop):
    raise_file_limit()
    asyncio.run(_receive(index, urls, cookies, channel_id, count, status, stop))


async def _receive(index, urls, cookies, channel_id, count, status, stop):
    import logging

    import socketio
    logging.getLogger("engineio.client").setLevel(logging.CRITICAL)  # "packet queue is empty" at teardown
    logging.getLogger("socketio.client").setLevel(logging.CRITICAL)
    latencies = {"b": [], "p": []}
    dropped: dict[str, int] = {}

    def on_disconnect(*reason):
        if not stop.is_set():
            key = str(reason[0]) if reason else "unknown"
            dropped[key] = dropped.get(key, 0) + 1
    delivered = {"b": 0, "p": 0}
    last_seen = {"b": 0.0, "p": 0.0}

    def on_posted(payload):
        now = time.time()
        parts = str(payload.get("client_id") or "").split("-")
        if len(parts) == 4 and parts[0] == "bench" and parts[1] in latencies:
            latencies[parts[1]].append(now - int(parts[3]) / 1e6)
            delivered[parts[1]] += 1
            last_seen[parts[1]] = now

    gate = asyncio.Semaphore(10)  # werkzeug's listen backlog is 128: do not open 500 sockets at once
    failures = []

    async def connect(number):
        client = socketio.AsyncClient(reconnection=False)
        client.on("message_posted", on_posted, namespace=NAMESPACE)
        client.on("disconnect", on_disconnect, namespace=NAMESPACE)
        cookie = cookies[number % len(cookies)]
        async with gate:
            for attempt in range(3):
                try:
                    await client.connect(urls[number % len(urls)], namespaces=[NAMESPACE], transports=["websocket"],
                                         headers={"Cookie": f"{COOKIE}={cookie}"} if cookie else {},
                                         wait_timeout=60)
                    await client.call("join", {"channel_id": channel_id}, namespace=NAMESPACE, timeout=60)
                    return client
                except Exception as error:  # noqa: BLE001 — reported, the run goes on with fewer clients
                    if attempt == 2:
                        failures.append(repr(error))
                    await client.disconnect()
                    await asyncio.sleep(0.5)
        return None

    clients = [c for c in await asyncio.gather(*(connect(n) for n in range(count))) if c is not None]
    status.put(("ready", index, len(clients), failures[:3]))
    reported = None
    while not stop.is_set():
        now_state = (delivered["b"], delivered["p"])
        if now_state != reported:
            status.put(("progress", index, dict(delivered), dict(last_seen)))
            reported = now_state
        await asyncio.sleep(0.2)
    status.put(("result", index, latencies, dict(delivered), dict(last_seen), dropped))
    await asyncio.gather(*(c.disconnect() for c in clients), return_exceptions=True)


# ---------------------------------------------------------------- senders and the run of one target

async def drive(urls, receiver_cookies, sender_cookies, channel_id, args, status, stop, workers):
    import socketio
    senders = []
    for cookie in sender_cookies:
        client = socketio.AsyncClient(reconnection=False)
        await client.connect(urls[0], namespaces=[NAMESPACE], transports=["websocket"],
                             headers={"Cookie": f"{COOKIE}={cookie}"} if cookie else {}, wait_timeout=60)
        await client.call("join", {"channel_id": channel_id}, namespace=NAMESPACE, timeout=60)
        senders.append(client)

    progress = {}
    connected, connect_failures, results = 0, [], {}

    def pump():
        nonlocal connected
        while not status.empty():
            item = status.get()
            if item[0] == "ready":
                connected += item[2]
                connect_failures.extend(item[3])
                progress[item[1]] = ({"b": 0, "p": 0}, {"b": 0.0, "p": 0.0})
            elif item[0] == "progress":
                progress[item[1]] = (item[2], item[3])
            elif item[0] == "result":
                results[item[1]] = item[2:]

    deadline = time.monotonic() + 60 + args.clients * 0.3
    while len(progress) < len(workers) and time.monotonic() < deadline:
        pump()
        if any(not w.is_alive() for w in workers):
            raise RuntimeError("a receiver process died while connecting")
        await asyncio.sleep(0.1)
    if connect_failures:
        print(f"  {args.clients - connected} receivers failed to connect, e.g. {connect_failures[0]}")

    async def phase(name, count, rate):
        errors, started = [], time.time()
        window = asyncio.Semaphore(args.window)

        async def one(seq):
            async with window:
                client_id = f"bench-{name}-{seq}-{int(time.time() * 1e6)}"
                try:
                    ack = await senders[seq % len(senders)].call(
                        "send", {"channel_id": channel_id, "body": BODY, "client_id": client_id},
                        namespace=NAMESPACE, timeout=60)
                except Exception as error:  # noqa: BLE001
                    ack = {"error": repr(error)}
                if not isinstance(ack, dict) or "id" not in ack:
                    errors.append(ack)

        tasks = []
        for seq in range(count):
            if rate:
                await asyncio.sleep(max(0.0, started + seq / rate - time.time()))
            tasks.append(asyncio.create_task(one(seq)))
        await asyncio.gather(*tasks)
        expected = (count - len(errors)) * connected
        stall_deadline, last_total = time.monotonic() + args.stall, -1
        while True:  # until every receiver has every message, or nothing moved for --stall seconds
            pump()
            total = sum(p[0][name] for p in progress.values())
            if total >= expected:
                break
            if total != last_total:
                last_total, stall_deadline = total, time.monotonic() + args.stall
            elif time.monotonic() > stall_deadline:
                break
            await asyncio.sleep(0.1)
        finished = max((p[1][name] for p in progress.values()), default=started)
        if errors:
            print(f"  {name}: {len(errors)} sends refused, e.g. {errors[0]}")
        return {"sent": count - len(errors), "expected": expected, "started": started, "finished": finished}

    burst = await phase("b", args.messages, None)
    await asyncio.sleep(1.0)
    paced = await phase("p", args.paced, args.rate)
    stop.set()
    deadline = time.monotonic() + 60
    while len(results) < len(workers) and time.monotonic() < deadline:
        pump()
        await asyncio.sleep(0.1)
    await asyncio.gather(*(s.disconnect() for s in senders), return_exceptions=True)
    return connected, burst, paced, results


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
    delivered = {"b": 0, "p": 0}
    dropped: dict[str, int] = {}
    for lat, got, _last, lost in results.values():
        for reason, count in lost.items():
            dropped[reason] = dropped.get(reason, 0) + count
        for key in latencies:
            latencies[key].extend(lat[key])
            delivered[key] += got[key]
    if dropped:
        print(f"  {target}: receivers disconnected during the run: {dropped}")
    seconds = max(1e-9, burst["finished"] - burst["started"])
    return {
        "target": target, "procs": args.processes, "clients": connected,
        "sent": burst["sent"], "delivered": delivered["b"], "missing": burst["expected"] - delivered["b"],
        "deliv/s": delivered["b"] / seconds,
        "burst_p50_ms": percentile(latencies["b"], 50) * 1000, "burst_p95_ms": percentile(latencies["b"], 95) * 1000,
        "paced_p50_ms": percentile(latencies["p"], 50) * 1000, "paced_p95_ms": percentile(latencies["p"], 95) * 1000,
        "paced_missing": paced["expected"] - delivered["p"], "dropped": sum(dropped.values()),
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


def start_servers(target, args, database_url, secret_key, redis_url, log_dir) -> list[ServerProcess]:
    servers = []
    for number in range(args.processes):
        name = f"{target}-{number}"
        if target == "taskforce":
            server = app_server(name, database_url=database_url, redis_url=redis_url, secret_key=secret_key,
                                log_dir=log_dir)
        else:
            port = free_port()
            env = dict(os.environ, HOST="127.0.0.1", PORT=str(port), PYTHONUNBUFFERED="1")
            env.pop("SOCKETIO_MESSAGE_QUEUE", None)
            if redis_url:
                env["SOCKETIO_MESSAGE_QUEUE"] = redis_url
            server = ServerProcess(name, [sys.executable, "bench/bare_socketio.py"], env, port, log_dir)
        servers.append(server.start())
    for server in servers:
        server.wait_ready(timeout=120)
    return servers


def run_target(target, args, database_url, secret_key, redis, log_dir, seeded):
    servers = []
    try:
        servers = start_servers(target, args, database_url, secret_key, redis.url if redis else None, log_dir)
        urls = [s.url for s in servers]
        if target == "taskforce":
            receiver_emails, sender_emails, channel_id = seeded
            started = time.monotonic()
            receiver_cookies = [sign_in(urls[n % len(urls)], email, PASSWORD) for n, email in enumerate(receiver_emails)]
            sender_cookies = [sign_in(urls[0], email, PASSWORD) for email in sender_emails]
            print(f"  signed in {len(receiver_cookies) + len(sender_cookies)} members in "
                  f"{time.monotonic() - started:.1f} s")
        else:
            receiver_cookies, sender_cookies, channel_id = [""], [""] * len(seeded[1]), 1
        return measure(target, urls, receiver_cookies, sender_cookies, channel_id, args)
    except BaseException:
        for server in servers:
            print(f"--- log of {server.name} ---\n{server.log_tail()}", file=sys.stderr)
        raise
    finally:
        for server in servers:
            server.stop()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=300)
    parser.add_argument("--messages", type=int, default=150, help="burst-phase messages")
    parser.add_argument("--paced", type=int, default=0, help="paced-phase messages (default: 8 s worth)")
    parser.add_argument("--rate", type=float, default=0.0,
                        help="paced-phase messages per second (default: 1,500 deliveries/s, 1–10 messages/s)")
    parser.add_argument("--window", type=int, default=8, help="burst-phase sends awaiting their ack")
    parser.add_argument("--processes", type=int, choices=(1, 2), default=1)
    parser.add_argument("--client-procs", type=int, default=0, help="receiver processes (default: 1 per 250)")
    parser.add_argument("--users", type=int, default=20, help="signed-in members the receivers share")
    parser.add_argument("--stall", type=float, default=10.0, help="give up on missing deliveries after this")
    parser.add_argument("--targets", default="bare,taskforce")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of all targets (medians are compared)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    args = parser.parse_args(argv)
    args.client_procs = args.client_procs or max(1, math.ceil(args.clients / 250))
    args.rate = args.rate or min(10.0, max(1.0, 1500 / args.clients))  # well under saturation: latency alone
    args.paced = args.paced or max(20, round(args.rate * 8))
    limit = raise_file_limit()
    if limit < args.clients * 3 + 100:
        print(f"warning: RLIMIT_NOFILE is {limit}; {args.clients} clients need about {args.clients * 3}")

    directory = tempfile.mkdtemp(prefix="taskforce-realtime-")
    database_url = args.database_url or f"sqlite:///{directory}/bench.db"
    secret_key = "bench-" + os.urandom(8).hex()
    senders = max(4, math.ceil(max(args.messages / BURST_PER_SENDER, args.rate)))
    print(f"realtime bench: {args.clients} clients, {args.processes} server process(es), {args.messages} burst + "
          f"{args.paced} paced messages, {senders} senders, {args.client_procs} receiver processes; "
          f"{machine_note()}")
    redis = None
    if args.processes > 1:
        binary = redis_server_binary()
        if not binary:
            sys.exit("--processes 2 needs redis-server (or TASKFORCE_REDIS_SERVER_BIN)")
        redis = RedisProcess(binary, log_dir=directory).start()
    rows = []
    targets = args.targets.split(",")
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
                           for key in ("deliv/s", "burst_p95_ms", "paced_p50_ms", "paced_p95_ms")}
    if "bare" in medians and "taskforce" in medians:
        bare, ours = medians["bare"], medians["taskforce"]
        throughput = ours["deliv/s"] / bare["deliv/s"]
        burst_p95 = ours["burst_p95_ms"] / bare["burst_p95_ms"]
        paced_p95 = ours["paced_p95_ms"] / bare["paced_p95_ms"]
        print(f"\nmedians over {args.rounds} round(s): bare {bare['deliv/s']:.0f} deliveries/s, paced p95 "
              f"{bare['paced_p95_ms']:.1f} ms; taskforce {ours['deliv/s']:.0f} deliveries/s, paced p95 "
              f"{ours['paced_p95_ms']:.1f} ms")
        print(f"throughput taskforce/bare: {throughput:.2f}x (target >= 0.70)  "
              f"{'met' if throughput >= 0.7 else 'MISSED'}")
        print(f"p95 latency taskforce/bare, paced: {paced_p95:.2f}x (target <= 1.50)  "
              f"{'met' if paced_p95 <= 1.5 else 'MISSED'};  burst: {burst_p95:.2f}x")
    print(f"(logs and database in {directory})")


if __name__ == "__main__":
    main()
