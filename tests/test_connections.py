"""A pooled PostgreSQL connection the server dropped is replaced before a request uses it
(taskforce.connections): after a restart — simulated by terminating the app's backends, as a restart does —
the first request succeeds, whether the connection sat idle or was used a moment before."""
import time

import pytest
from sqlalchemy import create_engine, text
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


def test_the_first_request_after_a_restart_succeeds_on_a_connection_used_a_moment_before(client, member, login,
                                                                                          database_url):
    login(member)
    assert signed_in_as(client, member)
    drop_app_connections(database_url)  # a moment after its last use: far from idle
    assert signed_in_as(client, member)


def test_every_pooled_connection_is_checked_not_only_the_first(app, client, member, login, database_url):
    login(member)
    member_id = member.id
    held = [db.engine.connect() for _ in range(4)]  # the pool holds several connections, all recently used
    for connection in held:
        connection.execute(text("SELECT 1"))
    for connection in held:
        connection.close()
    drop_app_connections(database_url)
    answers = [client.get("/api/session") for _ in range(8)]  # the pool hands out each dead one in turn
    assert [response.status_code for response in answers] == [200] * 8
    assert all(response.json["user"]["id"] == member_id for response in answers)
