"""A request's open transaction ends in COMMIT when it wrote nothing (psycopg keeps its prepared statements
then), and in ROLLBACK when it wrote and did not commit — ORM objects, flushed rows or Core statements."""
import pytest
from sqlalchemy import event, insert, select

from taskforce.auth.models import Organization, Sector
from taskforce.extensions import db


@pytest.fixture
def endings(app):
    """The transaction endings the engine sees, in order."""
    seen = []
    listeners = {name: (lambda name: lambda *_args: seen.append(name))(name) for name in ("commit", "rollback")}
    for name, listener in listeners.items():
        event.listen(db.engine, name, listener)
    yield seen
    for name, listener in listeners.items():
        event.remove(db.engine, name, listener)


@pytest.fixture
def routes(app):
    """Views that leave their transaction open: one reads, the others write in three ways and never commit."""
    table = Organization.__table__

    @app.get("/_test/read")
    def read():
        return {"organizations": db.session.scalar(select(db.func.count()).select_from(table))}

    @app.get("/_test/add")
    def add():
        db.session.add(Organization(name="Never Committed Added", sector=Sector.OTHER))
        return {}

    @app.get("/_test/flush")
    def flush():
        db.session.add(Organization(name="Never Committed Flushed", sector=Sector.OTHER))
        db.session.flush()
        return {}

    @app.get("/_test/core")
    def core():
        db.session.execute(insert(table).values(name="Never Committed Core", sector=Sector.OTHER.value))
        return {}

    @app.get("/_test/fails")
    def fails():
        db.session.execute(insert(table).values(name="Never Committed Failing", sector=Sector.OTHER.value))
        raise RuntimeError("boom")
    return app


def test_a_request_that_only_read_commits(routes, client, endings):
    assert client.get("/_test/read").status_code == 200
    assert endings[-1:] == ["commit"] and "rollback" not in endings


@pytest.mark.parametrize("path", ["/_test/add", "/_test/flush", "/_test/core"])
def test_a_request_that_wrote_without_committing_is_rolled_back(routes, client, endings, path):
    assert client.get(path).status_code == 200
    assert "commit" not in endings
    names = db.session.scalars(select(Organization.name)).all()
    assert not [name for name in names if name.startswith("Never Committed")]


def test_a_failing_request_is_rolled_back(routes, client, endings):
    routes.config["PROPAGATE_EXCEPTIONS"] = False
    assert client.get("/_test/fails").status_code == 500
    assert "commit" not in endings
    assert db.session.scalar(select(Organization.id).where(Organization.name == "Never Committed Failing")) is None
