"""Two real server processes behind Redis (DESIGN §4, §6): a message posted on one reaches a member on the
other, and when Redis crashes mid-stream nobody loses a message — pub/sub drops what was said during the
outage, the database keeps it, and `sync` brings both members level, each message exactly once, in order.
A sign-out or a removal from a channel on one process reaches the member's socket on the other.

The Redis here is a private redis-server on its own port (never the machine's shared one), killed and
started again on the same port. Runs where Redis is configured (TASKFORCE_TEST_REDIS_URL; always in CI).
"""
import os
import tempfile
import time
import uuid
from dataclasses import dataclass, field

import pytest
import socketio

from tests.channels.members import LIVE_WAIT, RECOVERY, Member, probe_until_live, stored_message_ids
from tests.channels.multiprocess_helpers import (RecordingClient, RedisProcess, app_server, redis_server_binary,
                                                 running, sign_in, sign_out, wait_for)
from tests.conftest import IN_CI, PG_URL, REDIS_URL, TEST_PASSWORD

pytestmark = [pytest.mark.slow, pytest.mark.redis]


@pytest.fixture
def redis_binary():
    binary = redis_server_binary()
    if not REDIS_URL and not IN_CI:
        pytest.skip("TASKFORCE_TEST_REDIS_URL unset: the multi-process Redis proof runs where Redis is configured")
    if not binary:
        if IN_CI:
            pytest.fail("redis-server not found; .ci/run must export TASKFORCE_REDIS_SERVER_BIN")
        pytest.skip("redis-server not found (set TASKFORCE_REDIS_SERVER_BIN or install redis-server)")
    return binary


@pytest.fixture
def shared_database(tmp_path):
    """One database both processes use: PostgreSQL when configured (a private database), else SQLite (WAL)."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'shared.db'}"
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    base = make_url(PG_URL).set(drivername="postgresql+psycopg")
    name = f"taskforce_mp_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclass
class Cluster:
    seeded: dict
    database_url: str
    redis: RedisProcess
    process_a: object
    process_b: object
    clients: list = field(default_factory=list)  # RecordingClients to disconnect at the end


@pytest.fixture
def cluster(redis_binary, shared_database, tmp_path):
    """Two `python app.py` processes on one database and a private Redis. Their logs are printed at teardown
    (pytest shows them only when the test failed); every process is stopped whatever happened."""
    secret_key = "multiprocess-" + uuid.uuid4().hex
    seeded = seed(shared_database, secret_key, str(tmp_path / "instance"))
    log_dir = tempfile.mkdtemp(prefix="taskforce-mp-", dir=tmp_path)
    redis = RedisProcess(redis_binary, log_dir=log_dir)
    servers = [app_server(name, database_url=shared_database, redis_url=redis.url, secret_key=secret_key,
                          log_dir=log_dir) for name in ("process-a", "process-b")]
    cluster = Cluster(seeded, shared_database, redis, *servers)
    with running(servers, redis, cluster.clients, ready_timeout=60):
        yield cluster

def seed(database_url: str, secret_key: str, instance_dir: str) -> dict:
    """Schema plus two members of different organizations and the task-force channel they both read."""
    from taskforce import create_app
    from taskforce.auth.models import Organization, Role, Sector, User
    from taskforce.auth.passwords import hash_password
    from taskforce.channels import services as channels
    from taskforce.extensions import db
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": secret_key,
                      "INSTANCE_DIR": instance_dir})
    with app.app_context():
        db.create_all()
        police = Organization(name="Harbor City Police Department", sector=Sector.LAW_ENFORCEMENT)
        clinic = Organization(name="Eastside Community Clinic", sector=Sector.HEALTHCARE)
        db.session.add_all([police, clinic])
        db.session.flush()
        password_hash = hash_password(TEST_PASSWORD)
        people = {
            "alice": User(email="alice@police.test", display_name="Alice Moreno", organization_id=police.id,
                          role=Role.MEMBER, password_hash=password_hash),
            "bob": User(email="bob@clinic.test", display_name="Bob Okafor", organization_id=clinic.id,
                        role=Role.MEMBER, password_hash=password_hash),
            "coordinator": User(email="coordinator@police.test", display_name="Cora Lind", role=Role.COORDINATOR,
                                organization_id=police.id, password_hash=password_hash),
        }
        db.session.add_all(people.values())
        db.session.commit()
        channel = channels.create_channel(people["coordinator"], "Task force", "task_force")
        private = channels.create_channel(people["alice"], "Night shift", "private", members=[people["bob"].id])
        seeded = {"channel_id": channel.id, "private_id": private.id, "alice": people["alice"].email,
                  "bob": people["bob"].email, "bob_id": people["bob"].id}
        db.session.remove()
        db.engine.dispose()
    return seeded


def test_two_processes_share_messages_and_catch_up_after_a_redis_crash(cluster):
    seeded, redis, clients = cluster.seeded, cluster.redis, cluster.clients
    channel_id = seeded["channel_id"]
    process_a, process_b = cluster.process_a, cluster.process_b
    alice = Member("alice", RecordingClient(process_a.url, sign_in(process_a.url, seeded["alice"], TEST_PASSWORD)),
                   channel_id)
    bob = Member("bob", RecordingClient(process_b.url, sign_in(process_b.url, seeded["bob"], TEST_PASSWORD)),
                 channel_id)
    for member in (alice, bob):
        clients.append(member.client)
        member.client.connect()
        joined = member.client.call("join", {"channel_id": channel_id})
        assert joined.get("ok"), f"{member.name} could not join: {joined}"

    # Live across processes: posted on A, it reaches B's member; and back.
    probe_until_live(alice, bob, timeout=RECOVERY)
    probe_until_live(bob, alice, timeout=RECOVERY)
    first = alice.send("Anyone from the clinic on call tonight?")
    assert bob.sees(first, LIVE_WAIT * 3), "a message posted on process A never reached process B"
    reply = bob.send("Yes, until 6 am. Send them to the east entrance.")
    assert alice.sees(reply, LIVE_WAIT * 3), "a message posted on process B never reached process A"
    # Each page's catch-up (here after the subscriptions settled, so it also covers a probe pub/sub
    # dropped while process B was still subscribing; in a browser the 20 s timer does the same).
    for member in (alice, bob):
        member.sync()
    marks = {member.name: member.synced_up_to for member in (alice, bob)}

    # Redis crashes mid-stream: sends are still stored (and acked), but pub/sub drops their broadcast.
    redis.kill()
    outage_started = time.monotonic()
    during = [alice.send("Outage note 1 from the police side."), bob.send("Outage note 1 from the clinic."),
              alice.send("Outage note 2: the van leaves at nine."), bob.send("Outage note 2: beds are ready.")]
    print(f"sends during the outage took {time.monotonic() - outage_started:.1f} s")
    redis.start()
    recovery_started = time.monotonic()
    probe_until_live(alice, bob, timeout=RECOVERY)
    probe_until_live(bob, alice, timeout=RECOVERY)
    print(f"live delivery across processes resumed {time.monotonic() - recovery_started:.1f} s after restart")
    after = [alice.send("Back to normal on our side."), bob.send("Same here.")]
    for member in (alice, bob):
        for message_id in after:
            assert member.sees(message_id, LIVE_WAIT * 3), f"{member.name} missed {message_id} after recovery"

    stored = stored_message_ids(cluster.database_url, channel_id)
    assert sorted(alice.sent + bob.sent) == stored, "every acked send is stored once, nothing else"
    assert set(during) <= set(stored)
    # The outage really dropped broadcasts: what was posted on one process during it never reached the
    # other process live (each process still delivers to its own sockets without Redis).
    for member, other in ((alice, bob), (bob, alice)):
        crossed = [i for i in during if i in other.sent and i in member.live_ids()]
        assert not crossed, f"{member.name} got {crossed} live across processes while Redis was down"

    # Live delivery resumed past a gap: a cursor taken from the last live id would never ask for the
    # messages pub/sub dropped (the bug this guards against) …
    for member in (alice, bob):
        live = member.live_ids()
        assert len(live) == len(set(live)), f"{member.name} got a live message twice: {live}"
        gap = [i for i in stored if i < max(live) and i not in member.shown()]
        assert gap, f"{member.name} has no gap below the last live id: the outage dropped nothing?"
        assert not set(gap) & set(member.catch_up(max(live))), "a last-live-id cursor cannot see the gap"
    # … while the page's algorithm — sync from the sync high-water mark — brings every stored message,
    # exactly once, in id order.
    for member in (alice, bob):
        assert member.synced_up_to == marks[member.name], "live messages must not move the sync cursor"
        synced = member.sync()
        assert synced == [i for i in stored if i > marks[member.name]], f"{member.name}'s catch-up: {synced}"
        assert member.shown() == stored, f"{member.name} sees {member.shown()}, the database holds {stored}"
        assert member.synced_up_to == stored[-1]
        assert member.sync() == [] and member.shown() == stored  # the next periodic sync adds nothing
        assert not member.client.errors, f"{member.name} got error events: {member.client.errors}"


def test_sign_out_and_removal_on_one_process_reach_the_socket_on_the_other(cluster):
    """Bob's socket is on process B. Alice removes him from a private channel through process A: his socket
    leaves that channel's room on B. Bob signs out through process A: his socket on B is disconnected within
    seconds and hears nothing more; his dead cookie cannot open a new one."""
    seeded, clients = cluster.seeded, cluster.clients
    channel_id, private_id = seeded["channel_id"], seeded["private_id"]
    process_a, process_b = cluster.process_a, cluster.process_b
    alice_cookie = sign_in(process_a.url, seeded["alice"], TEST_PASSWORD)
    bob_cookie = sign_in(process_b.url, seeded["bob"], TEST_PASSWORD)
    alice = Member("alice", RecordingClient(process_a.url, alice_cookie), channel_id)
    bob = Member("bob", RecordingClient(process_b.url, bob_cookie), channel_id)
    for member in (alice, bob):
        clients.append(member.client)
        member.client.connect()
        for joined in (channel_id, private_id):
            assert member.client.call("join", {"channel_id": joined}).get("ok")
    probe_until_live(alice, bob, timeout=RECOVERY)  # the queue carries A → B

    private_alice = Member("alice", alice.client, private_id)
    private_bob = Member("bob", bob.client, private_id)
    before = private_alice.send("Night shift: who takes the 2 am call?")
    assert private_bob.sees(before, LIVE_WAIT * 3)
    import requests
    with requests.Session() as http:
        http.cookies.set("taskforce_session", alice_cookie)
        token = http.get(process_a.url + "/api/session", timeout=30).json()["csrf_token"]
        removed = http.post(f"{process_a.url}/channels/{private_id}/members/{seeded['bob_id']}/remove",
                            data={"csrf_token": token}, allow_redirects=False, timeout=60)
    assert removed.status_code == 302, removed.text[:300]
    # The removal's leave_room and then its `channel_removed` event cross the queue in that order: once the
    # event reached Bob's socket on B, B has taken that socket out of the room.
    wait_for(lambda: private_id in bob.client.removed_from, timeout=LIVE_WAIT * 3,
             what="Bob's socket on process B to hear it was removed from the private channel")
    after_removal = private_alice.send("Night shift, after Bob left: the van is ready.")
    still_shared = alice.send("Task force: all clear.")
    # Sent after `after_removal` through the same queue: once it arrived, `after_removal` would have too.
    assert bob.sees(still_shared, LIVE_WAIT * 3), "Bob left the whole task force, not one channel"
    assert after_removal not in private_bob.live_ids(), "a removed member still hears the private channel"

    started = time.monotonic()
    sign_out(process_a.url, bob_cookie)
    wait_for(lambda: bob.client.disconnects >= 1, timeout=LIVE_WAIT * 2,
             what="Bob's socket on process B to be disconnected after he signed out on process A")
    print(f"sign-out on A disconnected the socket on B after {time.monotonic() - started:.2f} s")
    witness = Member("alice on B", RecordingClient(process_b.url, alice_cookie), channel_id)  # proves B hears A
    clients.append(witness.client)
    witness.client.connect()
    probe_until_live(alice, witness, timeout=RECOVERY)
    after_sign_out = alice.send("Anyone still on? (after Bob signed out)")
    later = alice.send("Last call for the night shift.")
    assert witness.sees(later, LIVE_WAIT * 3), "process B stopped hearing process A: the negative below proves nothing"
    assert after_sign_out in witness.live_ids()
    assert not {after_sign_out, later} & set(bob.live_ids()), "a signed-out socket still hears the task force"
    stranger = RecordingClient(process_b.url, bob_cookie)
    with pytest.raises(socketio.exceptions.ConnectionError):
        stranger.connect(timeout=10)
    stranger.disconnect()
