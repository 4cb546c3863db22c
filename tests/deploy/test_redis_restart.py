"""Redis restarted mid-stream under two gunicorn processes (the production issue's second fault proof): the
private redis-server they share rooms through is killed and started again on the same port. HTTP keeps
serving through the gap; the page each member has open is told live updates are paused (`live_state` on
its /live socket: taskforce/live/queue_watch.py), pages served meanwhile show the notice, and once Redis is
back both are told live updates resumed — and then they really cross again. After the page's catch-up
nothing acknowledged is lost, each message shown once.

Runs on PostgreSQL when TASKFORCE_TEST_DATABASE_URL is set, else SQLite; where Redis is configured."""
import re
import time

import pytest
import requests

from tests.channels.members import LIVE_WAIT, RECOVERY, Member, probe_until_live, stored_message_ids
from tests.channels.multiprocess_helpers import sign_in, wait_for
from tests.channels.test_multiprocess import redis_binary, shared_database  # noqa: F401  (fixtures)
from tests.conftest import TEST_PASSWORD
from tests.deploy.cluster import gunicorn_cluster

pytestmark = [pytest.mark.slow, pytest.mark.redis]
PAUSED = "Live updates are paused until the server's message service is back."


def notice_shown(base_url: str, cookie: str, channel_id: int) -> bool:
    """Whether the chat page, as served now, shows the paused notice (rendered without `hidden`)."""
    page = requests.get(f"{base_url}/channels/{channel_id}", cookies={"taskforce_session": cookie}, timeout=30)
    assert page.status_code == 200, page.status_code
    notice = re.search(r'<p id="live-paused"[^>]*>', page.text)
    assert notice and PAUSED in page.text, "the page has no paused notice for live.js to show"
    return "hidden" not in notice.group(0)


def test_a_redis_restart_pauses_live_updates_visibly_and_loses_nothing(redis_binary, shared_database,  # noqa: F811
                                                                       tmp_path):
    with gunicorn_cluster(2, shared_database, tmp_path, redis_binary=redis_binary) as cluster:
        channel_id, redis = cluster.seeded["channel_id"], cluster.redis
        members, cookies = [], {}
        for name, server in zip(("alice", "bob"), cluster.servers):
            cookies[name] = sign_in(server.url, cluster.seeded[name], TEST_PASSWORD)
            member = Member(name, cluster.client(server, cookies[name], name), channel_id)
            member.client.connect()
            assert member.client.call("join", {"channel_id": channel_id}).get("ok")
            members.append(member)
        alice, bob = members
        pages = list(zip(cluster.servers, (cookies["alice"], cookies["bob"])))
        probe_until_live(alice, bob, timeout=RECOVERY)
        probe_until_live(bob, alice, timeout=RECOVERY)
        for member in members:
            assert member.client.live_now() is True
            member.sync()
        marks = {m.name: m.synced_up_to for m in members}
        assert not any(notice_shown(server.url, cookie, channel_id) for server, cookie in pages)

        redis.kill()
        killed_at = time.monotonic()
        for member in members:  # the open pages are told, by their own process
            wait_for(lambda m=member: m.client.live_now() is False, timeout=RECOVERY,
                     what=f"{member.name}'s page to be told live updates are paused")
        for server, cookie in pages:  # HTTP keeps serving; pages served now show the notice from the start
            assert notice_shown(server.url, cookie, channel_id), f"{server.name} serves no paused notice"
            home = requests.get(server.url + "/", cookies={"taskforce_session": cookie}, timeout=30)
            assert home.status_code == 200
            health = requests.get(server.url + "/healthz", timeout=30)
            assert (health.status_code, health.json()["checks"]) == \
                (503, {"database": "ok", "message_queue": "unavailable"})
            # … but stays ready: every process shares the queue, a proxy must not take them all out
            assert requests.get(server.url + "/readyz", timeout=30).status_code == 200
        told_paused = time.monotonic() - killed_at
        late = cluster.client(cluster.servers[1], cookies["alice"], "alice, a page opened in the outage")
        late.connect()
        assert late.live_now() is False, "a page connecting during the outage is not told"
        during = [alice.send("Outage note: the van leaves at nine."), bob.send("Outage note: beds are ready.")]

        redis.start()  # same port: the processes' URLs are unchanged
        restarted_at = time.monotonic()
        for member in members:
            wait_for(lambda m=member: m.client.live_now() is True, timeout=RECOVERY,
                     what=f"{member.name}'s page to be told live updates are back")
        print(f"pages told paused {told_paused:.1f} s after the kill (outage {restarted_at - killed_at:.1f} s), "
              f"live again {time.monotonic() - restarted_at:.1f} s after the restart")
        # "Back" is honest: the very next message crosses, both ways, without probing until one does.
        back = alice.send("Back to normal on the police side.")
        assert bob.sees(back, LIVE_WAIT * 3), "told live, but alice's message did not cross to bob"
        answer = bob.send("Same at the clinic.")
        assert alice.sees(answer, LIVE_WAIT * 3), "told live, but bob's message did not cross to alice"
        assert not any(notice_shown(server.url, cookie, channel_id) for server, cookie in pages)

        stored = stored_message_ids(cluster.database_url, channel_id)
        assert sorted(alice.sent + bob.sent) == stored, "every acknowledged send is stored once, nothing else"
        for member, other in ((alice, bob), (bob, alice)):
            missed = [i for i in during if i in other.sent and i not in member.live_ids()]
            assert missed, f"{member.name} got the other process's outage note live: Redis was not down?"
            synced = member.sync()  # the page's catch-up (live.js → channels_sync.js on `live_state` back)
            assert set(missed) <= set(synced), f"{member.name}'s catch-up misses {missed}"
            assert synced == [i for i in stored if i > marks[member.name]]
            assert member.shown() == stored, f"{member.name} shows {member.shown()}, the database holds {stored}"
            live = member.live_ids()
            assert len(live) == len(set(live)), f"{member.name} got a message live twice"
            assert not member.client.errors, member.client.errors
