"""`/healthz` checks the message queue when one is configured: a Redis outage (a proxy in front of the shared
Redis, cut by the test) turns it, and `/readyz`, to 503 — with the database still reachable."""
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
        assert client.get("/readyz").status_code == 503
        proxy.restore()
        assert client.get("/healthz").status_code == 200
    finally:
        with app.app_context():
            db.engine.dispose()


def test_without_a_message_queue_only_the_database_is_checked(app, client):
    response = client.get("/healthz")
    assert (response.status_code, response.json) == (200, {"status": "ok", "checks": {"database": "ok"}})
