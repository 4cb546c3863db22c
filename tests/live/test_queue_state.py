"""`live_state`: whether live updates from other processes reach this page (taskforce/live/queue_watch.py).
A page asks on every connect; without a message queue (one process) the answer is always live. The probe
the watch publishes is heard by its own listener and by nobody else's python-socketio. The watch itself —
paused when Redis dies, live again once the listener hears its probe — is proven on real gunicorn
processes and a real redis-server in tests/deploy/test_redis_restart.py."""
import socketio

from taskforce.live.queue_watch import PROBE_PREFIX, WatchedRedisManager


def test_a_page_asks_whether_live_updates_cross_and_one_process_always_answers_live(open_page, make_user):
    page = open_page(make_user())
    assert page.call("live_state", None) == {"live": True}


def test_the_listener_keeps_its_own_probes_and_passes_everything_else_on(monkeypatch):
    manager = WatchedRedisManager("redis://127.0.0.1:1/0", channel="flask-socketio")
    published = [b'{"method": "emit", "event": "message_posted"}', manager.probe_tag + b"3",
                 PROBE_PREFIX + b"another-process:9", b"not json"]
    monkeypatch.setattr(socketio.RedisManager, "_listen", lambda self: iter(published))
    assert list(manager._listen()) == [published[0], published[3]]  # what python-socketio sees
    assert manager.heard == 3
    assert manager.wait_heard(3, timeout=0) and not manager.wait_heard(4, timeout=0)
