"""Presence and flood limits in Redis behave like the in-memory ones, and stay right when many threads (or
processes: each store here has its own client, as each server process does) act at once."""
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from taskforce.live.presence import MemoryPresence
from tests.conftest import REDIS_URL




@pytest.fixture
def prefix():
    """A key prefix of its own on the test Redis (the shared-state tests skip without one)."""
    if not REDIS_URL:
        pytest.skip("TASKFORCE_TEST_REDIS_URL unset: the shared-state tests need a Redis")
    import redis
    name = f"taskforce-test:{uuid.uuid4().hex[:8]}:"
    yield name
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(match=name + "*"):
        client.delete(key)
    client.close()


def two_clients():
    from taskforce.live.shared import connect
    return connect(REDIS_URL), connect(REDIS_URL)


def test_two_processes_draw_from_one_bucket(prefix):
    from taskforce.live.shared import RedisTokenBuckets
    here, there = (RedisTokenBuckets(c, "send", 5, 1000, prefix=prefix) for c in two_clients())
    assert [here.allow(7) for _ in range(3)] + [there.allow(7) for _ in range(3)] == [True] * 5 + [False]
    assert there.allow(8) is True  # another member has a bucket of their own
    assert 150 < here.retry_after(7) <= 200  # one token per 200 s at this rate


def test_a_bucket_refills_with_time(prefix):
    from taskforce.live.shared import RedisTokenBuckets
    [client, _] = two_clients()
    bucket = RedisTokenBuckets(client, "typing", 2, 0.2, prefix=prefix)  # 10 tokens a second
    assert [bucket.allow("k") for _ in range(3)] == [True, True, False]
    time.sleep(0.25)
    assert bucket.allow("k") is True


def test_many_threads_never_take_more_than_the_capacity(prefix):
    from taskforce.live.shared import RedisTokenBuckets
    buckets = [RedisTokenBuckets(c, "send", 40, 1000, prefix=prefix) for c in two_clients()]
    with ThreadPoolExecutor(8) as pool:
        allowed = list(pool.map(lambda n: buckets[n % 2].allow("flooder"), range(200)))
    assert allowed.count(True) == 40


@pytest.mark.parametrize("store", ["memory", "redis"])
def test_presence_first_and_last_socket(prefix, store):
    from taskforce.live.shared import RedisPresence
    if store == "memory":
        here = there = MemoryPresence()
    else:
        here, there = (RedisPresence(c, 60, prefix=prefix) for c in two_clients())
    assert here.came_online(1, "a1") is True
    assert there.came_online(1, "b1") is False  # a second tab, on another process: not a new arrival
    assert there.came_online(2, "b2") is True
    assert here.online_user_ids() == there.online_user_ids() == {1, 2}
    assert there.user_of("a1") == 1
    assert there.went_offline("a1") == (1, False)
    assert here.went_offline("b1") == (1, True)
    assert here.went_offline("b1") == (None, False)  # twice: nothing left to say
    assert there.online_user_ids() == {2}


def test_a_crashed_process_members_drop_offline(prefix):
    from taskforce.live.shared import RedisPresence
    crashed_client, alive_client = two_clients()
    crashed, alive = RedisPresence(crashed_client, 0.3, prefix=prefix), RedisPresence(alive_client, 0.3, prefix=prefix)
    crashed.came_online(5, "gone")
    alive.came_online(6, "here")
    time.sleep(0.2)
    alive.refresh({6: ["here"]})  # the living process's sweep keeps its sockets
    time.sleep(0.2)
    assert alive.prune() == [5]
    assert alive.online_user_ids() == {6} and alive.user_of("gone") is None


def test_many_threads_agree_on_arrivals_and_departures(prefix):
    from taskforce.live.shared import RedisPresence
    stores = [RedisPresence(c, 60, prefix=prefix) for c in two_clients()]
    sids = [(user, f"s{user}-{tab}") for user in range(20) for tab in range(5)]
    with ThreadPoolExecutor(8) as pool:
        firsts = list(pool.map(lambda i: stores[i % 2].came_online(*sids[i]), range(len(sids))))
        assert firsts.count(True) == 20 and stores[0].online_user_ids() == set(range(20))
        lasts = list(pool.map(lambda i: stores[i % 2].went_offline(sids[i][1])[1], range(len(sids))))
    assert lasts.count(True) == 20 and stores[1].online_user_ids() == set()


def test_memory_presence_and_local_sockets_under_many_threads():
    """The embedded default: one process, many socket threads."""
    from taskforce.live.registry import LocalSockets
    presence, local = MemoryPresence(), LocalSockets()
    sids = [(user, f"s{user}-{tab}") for user in range(20) for tab in range(5)]

    def arrive(i):
        user, sid = sids[i]
        local.add(sid, "/live", user, 1000 + user)
        return presence.came_online(user, sid)

    def leave(i):
        local.remove(sids[i][1])
        return presence.went_offline(sids[i][1])[1]

    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(arrive, range(len(sids)))).count(True) == 20
        assert len(local) == 100 and presence.online_user_ids() == set(range(20))
        assert list(pool.map(leave, range(len(sids)))).count(True) == 20
    assert len(local) == 0 and presence.online_user_ids() == set()
