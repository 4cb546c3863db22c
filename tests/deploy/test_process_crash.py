"""A gunicorn process killed (SIGKILL) mid-broadcast loses no acknowledged message (the production issue's
first fault proof). Two and three production processes share rooms through a private Redis; members are
signed in on different processes; two of them send a stream of messages, one from the process that is
killed. Its member's page then talks to a surviving process (the test hands the client the list of
processes, as nginx's failover would), re-sends what it never got an answer for with the same client id
(the page's outbox, static/js/channels_sync.js) and runs the page's catch-up. Every page then holds every
stored message exactly once, every acknowledged message is stored, and an unacknowledged one at most once.

Runs on PostgreSQL when TASKFORCE_TEST_DATABASE_URL is set, else SQLite; where Redis is configured."""
import threading
import uuid

import pytest

from tests.channels.members import RECOVERY, Member, probe_until_live, stored_message_ids
from tests.channels.multiprocess_helpers import sign_in, wait_for
from tests.channels.test_multiprocess import redis_binary, shared_database  # noqa: F401  (fixtures)
from tests.conftest import TEST_PASSWORD
from tests.deploy.cluster import gunicorn_cluster, kill

pytestmark = [pytest.mark.slow, pytest.mark.redis]

SEND_EVERY = 0.6   # seconds between a sender's messages: under the chat's 20-in-10-s flood limit
ANSWER_WAIT = 8.0  # seconds a send waits for its acknowledgement before it counts as unanswered


class Stream:
    """A member sending a numbered stream from a thread: acknowledged ids in `member.sent`, the attempts
    that got no answer (the process died under them) in `unanswered` as (client id, body)."""

    def __init__(self, member: Member, label: str):
        self.member, self.label = member, label
        self.unanswered: list[tuple[str, str]] = []
        self.failure: BaseException | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> "Stream":
        self._thread.start()
        return self

    def _run(self) -> None:
        number = 0
        while not self._stop.is_set():
            number += 1
            client_id, body = uuid.uuid4().hex, f"{self.label} update {number}: the hotline rota holds."
            try:
                ack = self.member.client.call("send", {"channel_id": self.member.channel_id, "body": body,
                                                       "client_id": client_id}, timeout=ANSWER_WAIT)
            except Exception:  # noqa: BLE001 — no answer: the page keeps it in its outbox
                self.unanswered.append((client_id, body))
                return  # this socket is gone; the page re-sends after reconnecting
            if not (isinstance(ack, dict) and isinstance(ack.get("id"), int)):
                self.failure = AssertionError(f"{self.label}'s send refused: {ack}")
                return
            self.member.sent.append(ack["id"])
            self._stop.wait(SEND_EVERY)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=ANSWER_WAIT + 5)
        assert not self._thread.is_alive(), f"{self.label}'s stream did not end"
        if self.failure:
            raise self.failure


def stored_bodies(database_url: str, channel_id: int) -> list[str]:
    from sqlalchemy import create_engine, text
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(text("SELECT body FROM channel_messages WHERE channel_id = :c"),
                                           {"c": channel_id}).scalars())
    finally:
        engine.dispose()


@pytest.mark.parametrize("processes", [2, 3])
def test_a_process_killed_mid_broadcast_loses_no_acknowledged_message(processes, redis_binary,  # noqa: F811
                                                                      shared_database, tmp_path):  # noqa: F811
    with gunicorn_cluster(processes, shared_database, tmp_path, redis_binary=redis_binary) as cluster:
        channel_id, servers = cluster.seeded["channel_id"], cluster.servers
        names = ["alice", "bob", "dana"][:processes]
        members, cookies = [], {}
        for name, server in zip(names, servers):  # one member on each process
            cookies[name] = sign_in(server.url, cluster.seeded[name], TEST_PASSWORD)
            member = Member(name, cluster.client(server, cookies[name], name), channel_id)
            member.client.connect()
            assert member.client.call("join", {"channel_id": channel_id}).get("ok")
            members.append(member)
        alice, bob = members[0], members[1]
        victim, survivor = servers[1], servers[2 % processes]  # bob's process dies; he moves on
        for other in members[1:]:  # live crosses both ways between alice's process and every other
            probe_until_live(alice, other, timeout=RECOVERY)
            probe_until_live(other, alice, timeout=RECOVERY)
        for member in members:
            member.sync()

        streams = [Stream(alice, "Police desk").start(), Stream(bob, "Clinic desk").start()]
        wait_for(lambda: len(bob.sent) >= 4 and len(alice.sent) >= 4, timeout=30, what="both streams to flow")
        kill(victim)  # mid-broadcast: bob's stream has a send in flight or about to be
        killed_at = len(alice.sent)
        wait_for(lambda: streams[1].unanswered or not streams[1]._thread.is_alive(), timeout=ANSWER_WAIT + 10,
                 what="bob's stream to notice its process died")
        wait_for(lambda: len(alice.sent) >= killed_at + 4, timeout=30, what="alice's stream to go on")

        # Bob's page talks to a surviving process now: same sign-in cookie, a new socket, then what the page
        # does on every connect — join, re-send the outbox (same client id), catch up.
        bob.move_to(cluster.client(survivor, cookies["bob"], "bob"))
        bob.client.connect()
        assert bob.client.call("join", {"channel_id": channel_id}).get("ok")
        unanswered = streams[1].unanswered
        for client_id, body in unanswered:
            bob.send(body, client_id=client_id)
        bob.sync()
        probe_until_live(alice, bob, timeout=RECOVERY)  # his new process hears alice's again
        for stream in streams:
            stream.stop()
        last = alice.send("Police desk: end of the stream.")
        for member in members:
            assert member.sees(last, RECOVERY), f"{member.name} never got the last message live"
            member.sync()

        stored = stored_message_ids(cluster.database_url, channel_id)
        acknowledged = [i for member in members for i in member.sent]
        assert len(acknowledged) == len(set(acknowledged)), "one acknowledgement per message"
        assert sorted(acknowledged) == stored, "every acknowledged message is stored, and nothing else is"
        bodies = stored_bodies(cluster.database_url, channel_id)
        for _client_id, body in unanswered:
            assert bodies.count(body) == 1, f"an unanswered send is stored {bodies.count(body)} times"
        for member in members:
            live = member.live_ids()
            assert len(live) == len(set(live)), f"{member.name} got a message live twice"
            assert member.shown() == stored, f"{member.name} shows {member.shown()}, the database holds {stored}"
            assert not member.client.errors, f"{member.name} got error events: {member.client.errors}"
        caught_up = [i for i in stored if i not in bob.live_ids()]
        assert caught_up, "bob missed nothing live while his process was dead: the proof proved nothing"
        print(f"{processes} processes: {len(stored)} messages, {len(unanswered)} unanswered at the kill, "
              f"{len(caught_up)} reached bob by catch-up only")
