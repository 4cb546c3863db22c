"""Per-request size limits (taskforce.limits): any request above MAX_CONTENT_LENGTH gets a readable 413 page
or JSON before anything reads it, and nothing is written; the directory's file imports take up to
MAX_UPLOAD_LENGTH."""
import io
import json
import re
from html import unescape

from sqlalchemy import func, select

from taskforce.channels.models import Channel
from taskforce.config import load_config
from taskforce.directory.models import Service
from taskforce.extensions import db

MB = 1024 * 1024


def text_of(response) -> str:
    return re.sub(r"\s+", " ", unescape(response.get_data(as_text=True)))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_form_post_over_the_limit_is_a_readable_413_and_writes_nothing(app, client, login, member):
    login(member)
    response = client.post("/channels/new", data={"name": "Night desk", "kind": "private", "topic": "x" * (3 * MB)})
    assert response.status_code == 413
    assert "larger than the 2 MB the server accepts" in text_of(response)
    assert "Too large" in text_of(response)
    assert count(Channel) == 0


def test_a_json_post_over_the_limit_is_a_json_413(app, client, login, member):
    login(member)
    response = client.post("/api/lessons/check", json={"what_happened": "x" * (3 * MB)})
    assert response.status_code == 413
    assert "larger than the 2 MB" in response.get_json()["error"]


def test_an_anonymous_post_over_the_limit_is_refused_before_anything_reads_it(app, client):
    response = client.raw().post("/auth/login", data={"email": "a@example.org", "password": "p" * (3 * MB)})
    assert response.status_code == 413  # not a CSRF 400: the body is never parsed


def test_a_directory_import_above_the_request_limit_still_works(app, client, login, coordinator):
    login(coordinator)
    service = {"id": "5b0e4a8e-6d3c-4e0f-9a1b-2c3d4e5f6a7b", "name": "Crisis line", "status": "active",
               "organization": {"id": "0f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a", "name": "Bridge Advocates",
                                "description": "Advocacy"}}
    content = (json.dumps([service]) + " " * (5 * MB)).encode()  # valid JSON, well above 2 MB
    response = client.post("/directory/exchange/hsds", data={"files": (io.BytesIO(content), "service.json")},
                           content_type="multipart/form-data", headers={"Accept": "application/json"})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert count(Service) == 1


def test_an_import_above_the_upload_limit_is_a_413_that_says_what_to_do(app, client, login, coordinator):
    login(coordinator)
    app.config["MAX_UPLOAD_LENGTH"] = 4 * MB  # read per request: a smaller limit keeps the test fast
    response = client.post("/directory/exchange/csv", data={"file": (io.BytesIO(b"a" * (5 * MB)), "big.csv")},
                           content_type="multipart/form-data", headers={"Accept": "application/json"})
    assert response.status_code == 413
    assert response.get_json()["error"] == ("This upload is larger than the 4 MB the server accepts at once. "
                                            "Import the files in parts.")


def test_the_limits_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("MAX_CONTENT_LENGTH", str(MB))
    monkeypatch.setenv("MAX_UPLOAD_LENGTH", str(100 * MB))
    config = load_config({"SECRET_KEY": "t"})
    assert (config["MAX_CONTENT_LENGTH"], config["MAX_UPLOAD_LENGTH"]) == (MB, 100 * MB)
    monkeypatch.delenv("MAX_CONTENT_LENGTH")
    monkeypatch.delenv("MAX_UPLOAD_LENGTH")
    config = load_config({"SECRET_KEY": "t"})
    assert (config["MAX_CONTENT_LENGTH"], config["MAX_UPLOAD_LENGTH"]) == (2 * MB, 60 * MB)
