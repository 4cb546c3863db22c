"""The client half of `bench/realtime.py`: receivers (python-socketio AsyncClients, one asyncio loop per
receiver process) that time every `message_posted`, and the senders that drive the burst and paced phases.

Latency = a receiver's `message_posted` time − the sender's send time (time.time() on this machine; the send
time travels in the message's client_id, `bench-<phase>-<seq>-<microseconds>`, which the server echoes).
Receivers report through a multiprocessing queue: ("ready", …), ("progress", …), ("result", …).
"""
import asyncio
import resource
import time

NAMESPACE = "/channels"
COOKIE = "taskforce_session"
BODY = "Shelter intake is open tonight; call the hotline desk before you drive over."


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
    delivered = {"b": 0, "p": 0}      # distinct (receiver, message) pairs
    duplicated = {"b": 0, "p": 0}     # a receiver's second copy of a message
    last_seen = {"b": 0.0, "p": 0.0}

    def on_posted_for(seen: set):
        """The `message_posted` handler of one receiver (`seen`: the messages it already has)."""
        def on_posted(payload):
            now = time.time()
            parts = str(payload.get("client_id") or "").split("-")
            if len(parts) == 4 and parts[0] == "bench" and parts[1] in latencies:
                if (parts[1], parts[2]) in seen:
                    duplicated[parts[1]] += 1
                    return
                seen.add((parts[1], parts[2]))
                latencies[parts[1]].append(now - int(parts[3]) / 1e6)
                delivered[parts[1]] += 1
                last_seen[parts[1]] = now
        return on_posted

    gate = asyncio.Semaphore(10)  # the listen backlog is finite: do not open 500 sockets at once
    failures = []

    async def connect(number):
        client = socketio.AsyncClient(reconnection=False)
        client.on("message_posted", on_posted_for(set()), namespace=NAMESPACE)
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
    connected = sum(1 for c in clients if c.connected)
    status.put(("result", index, latencies, dict(delivered), dict(last_seen), dropped, dict(duplicated), connected))
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
