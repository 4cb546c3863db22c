"""Two real server processes (`python app.py`) on one database and a private Redis: the chat's flood limit
and presence are one state, not one per process. A member who used up their send budget on process A is
refused on process B too; a member connected to B is listed online by A, and leaves A's list when they go.
Runs where Redis is configured (TASKFORCE_TEST_REDIS_URL; always in CI)."""
import uuid

import pytest

from tests.channels.multiprocess_helpers import RecordingClient, sign_in, wait_for
from tests.channels.test_multiprocess import cluster, redis_binary, shared_database  # noqa: F401  (fixtures)
from tests.conftest import TEST_PASSWORD

pytestmark = [pytest.mark.slow, pytest.mark.redis]


def test_flood_limit_and_presence_are_shared_by_two_processes(cluster):
    seeded, channel_id = cluster.seeded, cluster.seeded["channel_id"]
    alice_cookie = sign_in(cluster.process_a.url, seeded["alice"], TEST_PASSWORD)
    alice_on_a = RecordingClient(cluster.process_a.url, alice_cookie, "alice-a")
    alice_on_b = RecordingClient(cluster.process_b.url, alice_cookie, "alice-b")  # her second tab, on B
    bob_on_b = RecordingClient(cluster.process_b.url, sign_in(cluster.process_b.url, seeded["bob"], TEST_PASSWORD),
                               "bob-b")
    cluster.clients.extend([alice_on_a, alice_on_b, bob_on_b])
    for client in (alice_on_a, alice_on_b, bob_on_b):
        client.connect()

    # presence: Bob is connected to B only; A lists him among the channel's readers online
    online = lambda: set(alice_on_a.call("join", {"channel_id": channel_id})["online"])  # noqa: E731
    assert seeded["bob_id"] in wait_for(lambda: online() if seeded["bob_id"] in online() else None, timeout=5,
                                        what="process A to see Bob online")

    # flood limit: Alice spends her budget on A (a burst of 20, refilled at 2 per second) …
    def send(client):
        return client.call("send", {"channel_id": channel_id, "body": "Van leaves at 19:00.",
                                    "client_id": uuid.uuid4().hex})
    answers = [send(alice_on_a) for _ in range(40)]
    refused_at = next(i for i, a in enumerate(answers) if "error" in a)
    assert 20 <= refused_at < 40 and "too fast" in answers[refused_at]["error"]
    # … and her other tab, on B, finds the same empty bucket
    on_b = send(alice_on_b)
    assert "too fast" in on_b.get("error", ""), on_b

    # Bob goes: A's list of who is online follows
    bob_on_b.disconnect()
    wait_for(lambda: seeded["bob_id"] not in online(), timeout=5, what="process A to see Bob offline")
