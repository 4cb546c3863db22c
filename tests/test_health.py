"""`/healthz` checks the message queue when one is configured: a Redis outage (a proxy in front of the shared
Redis, cut by the test) turns it to 503 — with the database still reachable. `/readyz` reports the queue but
stays 200: every process shares the queue, and a proxy that took them all out would stop pages too."""
import pytest
from redis.connection import parse_url

from taskforce import create_app
from taskforce.extensions import db
from tests.conftest import REDIS_URL
from tests.tcp_proxy import TcpProxy


@pytest.fixture
def redis_proxy():
    if not REDIS_URL:
        pytest.skip("Redis not configured (TASKFORCE_TEST_REDIS_URL unset)")
    options = parse_url(REDIS_URL)
    proxy = TcpProxy(options.get("host", "127.0.0.1"), options.get("port", 6379))
    yield proxy, options.get("db", 0)
    proxy.close()


def test_a_message_queue_outage_shows_in_health_and_readiness(tmp_path, redis_proxy):
    proxy, number = redis_proxy
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'health.db'}", "SECRET_KEY": "t",
                      "INSTANCE_DIR": str(tmp_path), "SOCKETIO_MESSAGE_QUEUE": f"redis://127.0.0.1:{proxy.port}/{number}"})
    client = app.test_client()
    try:
        up = client.get("/healthz")
        assert (up.status_code, up.json["checks"]) == (200, {"database": "ok", "message_queue": "ok"})
        proxy.cut()
        down = client.get("/healthz")
        assert (down.status_code, down.json["checks"]) == (503, {"database": "ok", "message_queue": "unavailable"})
        ready = client.get("/readyz")
        assert (ready.status_code, ready.json) == (200, {"ready": True, "checks": down.json["checks"]})
        proxy.restore()
        assert client.get("/healthz").status_code == 200
    finally:
        with app.app_context():
            db.engine.dispose()


def test_without_a_message_queue_only_the_database_is_checked(app, client):
    response = client.get("/healthz")
    assert (response.status_code, response.json) == (200, {"status": "ok", "checks": {"database": "ok"}})


def test_sigterm_makes_the_served_app_unready_then_stops_it(tmp_path):
    """`python app.py` as served: after SIGTERM, `/readyz` is 503 (the proxy routes elsewhere) while the
    process drains, then the process ends by itself."""
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time
    from pathlib import Path

    import requests
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ, PORT=str(port), DATABASE_URL=f"sqlite:///{tmp_path / 'served.db'}", SECRET_KEY="t",
               SHUTDOWN_GRACE_SECONDS="2")
    env.pop("SOCKETIO_MESSAGE_QUEUE", None)
    server = subprocess.Popen([sys.executable, "app.py"], cwd=root, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/readyz"
    try:
        for _ in range(150):
            try:
                ready = requests.get(url, timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        assert ready.status_code == 200
        server.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        draining = requests.get(url, timeout=1)
        assert (draining.status_code, draining.json()) == (503, {"ready": False, "reason": "shutting down"})
        assert server.wait(timeout=10) == 0
    finally:
        if server.poll() is None:
            server.kill()
