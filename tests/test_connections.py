"""A pooled PostgreSQL connection is pinged before use only when it sat idle (taskforce.connections): a dead
idle one is replaced before any request sees it; one in steady use is not pinged, so a server that drops it
fails that one request, and the next gets a new connection."""
import time

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from taskforce import connections
from taskforce.extensions import db

pytestmark = pytest.mark.parametrize("backend", ["postgresql"])  # SQLite opens a file: nothing to ping


def drop_app_connections(database_url: str) -> None:
    """Terminate the server side of every connection to the app's database, as a server restart would (the
    test's own session first gives its connection back to the pool)."""
    db.session.close()
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    others = "datname = current_database() AND pid <> pg_backend_pid()"
    with admin.connect() as connection:
        connection.execute(text(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE {others}"))
        for _ in range(100):
            if not connection.execute(text(f"SELECT count(*) FROM pg_stat_activity WHERE {others}")).scalar():
                break
            time.sleep(0.05)
    admin.dispose()


def signed_in_as(client, user) -> bool:
    response = client.get("/api/session")
    return response.status_code == 200 and response.json["user"]["id"] == user.id


def test_a_connection_that_sat_idle_is_checked_and_replaced_unseen(client, member, login, database_url,
                                                                    monkeypatch):
    login(member)
    assert signed_in_as(client, member)
    monkeypatch.setattr(connections, "IDLE_PING_AFTER", 0.0)  # every pooled connection counts as idle
    drop_app_connections(database_url)
    assert signed_in_as(client, member)


def test_a_connection_in_steady_use_is_not_pinged_and_the_pool_recovers(client, member, login, database_url):
    login(member)
    assert signed_in_as(client, member)
    drop_app_connections(database_url)  # a moment after its last use: handed out without a ping
    with pytest.raises(OperationalError):
        client.get("/api/session")
    assert signed_in_as(client, member)
