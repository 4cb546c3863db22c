"""LOG_FORMAT=json on the production server: every line the process writes is one JSON object with a
`request_id`; a request's lines (the app's and gunicorn's access line) carry the id the proxy sent when it
is a sane token, else a new one, echoed in X-Request-ID; no password or search text reaches any line."""
import json
import uuid

import pytest
import requests

from tests.channels.multiprocess_helpers import free_port, sign_in, wait_for
from tests.conftest import TEST_PASSWORD
from tests.deploy.servers import add_members, gunicorn_server, migrate

pytestmark = pytest.mark.slow

SEARCH_TEXT = "Marisol Quintero"
WRONG_PASSWORD = "amber-falcon-wrong-pass-91"


def _lines(*paths) -> list[dict]:
    parsed = []
    for path in paths:
        for line in path.read_text().splitlines():
            if line.strip():
                parsed.append(json.loads(line))  # a line that is not JSON fails the test here
    return parsed


def test_json_lines_with_request_ids_and_no_user_text(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'taskforce.db'}"
    secret_key = "json-" + uuid.uuid4().hex
    migrate(database_url, secret_key)
    seeded = add_members(database_url, secret_key, str(tmp_path / "instance"))
    # A message queue nobody listens on: /healthz then logs a warning inside the request.
    server = gunicorn_server("json", database_url=database_url, secret_key=secret_key, log_dir=str(tmp_path),
                             redis_url=f"redis://127.0.0.1:{free_port()}/0", LOG_FORMAT="json")
    try:
        server.start()
        server.wait_ready(timeout=60)
        cookie = sign_in(server.url, seeded["alice"], TEST_PASSWORD)
        with requests.Session() as http:
            token = http.get(server.url + "/api/session", timeout=30).json()["csrf_token"]
            http.post(server.url + "/auth/login", data={"email": seeded["bob"], "password": WRONG_PASSWORD,
                                                        "csrf_token": token}, timeout=30)
        search = requests.get(server.url + "/directory/", params={"q": SEARCH_TEXT},
                              cookies={"taskforce_session": cookie}, timeout=30)
        assert search.status_code == 200
        generated = search.headers["X-Request-ID"]
        assert len(generated) >= 16
        health = requests.get(server.url + "/healthz", headers={"X-Request-ID": "nginx-7f3a9c01"}, timeout=30)
        assert health.status_code == 503 and health.headers["X-Request-ID"] == "nginx-7f3a9c01"
        hostile = requests.get(server.url + "/healthz", headers={"X-Request-ID": "<script>" + "a" * 300}, timeout=30)
        assert hostile.headers["X-Request-ID"] not in ("", "<script>" + "a" * 300)
        access = tmp_path / "json.access.log"
        wait_for(lambda: "nginx-7f3a9c01" in access.read_text(), timeout=10, what="the health check's access line")
    finally:
        server.stop()
    lines = _lines(server.log_path, access)
    assert all({"ts", "level", "logger", "message", "request_id"} <= set(line) for line in lines)
    warning = [l for l in lines if l["logger"] == "taskforce.health" and "message queue" in l["message"]]
    assert warning and warning[0]["request_id"] == "nginx-7f3a9c01"
    by_id = {l["request_id"]: l for l in lines if l["logger"] == "gunicorn.access"}
    assert "/healthz" in by_id["nginx-7f3a9c01"]["message"] and "/directory/?…" in by_id[generated]["message"]
    raw = server.log_path.read_text() + access.read_text()
    for secret in (TEST_PASSWORD, WRONG_PASSWORD, "Marisol", "Quintero", "<script>"):
        assert secret not in raw, f"{secret!r} reached the log"
