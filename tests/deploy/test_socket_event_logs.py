"""Socket events log a request id (issue 17): on the production server with LOG_FORMAT=json, every event a
namespace handles writes one JSON line, the same shape as an HTTP request's, whose `request_id` is the
handshake's X-Request-ID plus the event's number on that connection — and no line holds the events' text."""
import json
import uuid

import pytest
import socketio

from tests.channels.multiprocess_helpers import sign_in, wait_for
from tests.conftest import TEST_PASSWORD
from tests.deploy.servers import add_members, gunicorn_server, migrate

pytestmark = pytest.mark.slow

MESSAGE = "Bed for Marisol Quintero at the Eastside shelter"
ROOM_TEXT = "lesson:Quintero-family"
CONNECTION = "nginx-sock-5e1d77aa"


def _events(path) -> list[dict]:
    lines = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return [line for line in lines if line["logger"] == "taskforce.live.events"]


def test_each_socket_event_logs_the_connection_id_and_its_number_without_user_text(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'taskforce.db'}"
    secret_key = "events-" + uuid.uuid4().hex
    migrate(database_url, secret_key)
    seeded = add_members(database_url, secret_key, str(tmp_path / "instance"))
    server = gunicorn_server("events", database_url=database_url, secret_key=secret_key, log_dir=str(tmp_path),
                             LOG_FORMAT="json")
    client = socketio.Client(reconnection=False)
    try:
        server.start()
        server.wait_ready(timeout=60)
        cookie = sign_in(server.url, seeded["alice"], TEST_PASSWORD)
        client.connect(server.url, namespaces=["/live", "/channels"], transports=["websocket"], wait_timeout=30,
                       headers={"Cookie": f"taskforce_session={cookie}", "X-Request-ID": CONNECTION})
        sent = client.call("send", {"channel_id": seeded["channel_id"], "body": MESSAGE,
                                    "client_id": uuid.uuid4().hex}, namespace="/channels", timeout=30)
        assert isinstance(sent.get("id"), int)
        refused = client.call("subscribe", {"room": ROOM_TEXT}, namespace="/live", timeout=30)
        assert "error" in refused
        unknown = client.call("Quintero", {"body": MESSAGE}, namespace="/live", timeout=30)
        assert "error" in unknown
        client.disconnect()
        anonymous_proxy = socketio.Client(reconnection=False)  # no X-Request-ID: the server chooses the id
        anonymous_proxy.connect(server.url, namespaces=["/live"], transports=["websocket"], wait_timeout=30,
                                headers={"Cookie": f"taskforce_session={cookie}"})
        anonymous_proxy.call("unsubscribe", {"room": ROOM_TEXT}, namespace="/live", timeout=30)
        anonymous_proxy.disconnect()
        # first: connect ×2, send, subscribe, the unknown event, disconnect ×2; second: connect, unsubscribe,
        # disconnect
        wait_for(lambda: len(_events(server.log_path)) >= 10, timeout=15, what="the socket events' log lines")
    finally:
        if client.connected:
            client.disconnect()
        server.stop()

    everything = _events(server.log_path)
    events = [line for line in everything if line["request_id"].startswith(CONNECTION + ".")]
    chosen = [line["request_id"] for line in everything if line not in events]
    assert len(chosen) == 3 and len({rid.rsplit(".", 1)[0] for rid in chosen}) == 1, chosen
    assert sorted(rid.rsplit(".", 1)[1] for rid in chosen) == ["1", "2", "3"]
    ids = [line["request_id"] for line in events]
    assert all(rid.startswith(CONNECTION + ".") for rid in ids), ids
    assert sorted(int(rid.rsplit(".", 1)[1]) for rid in ids) == list(range(1, len(ids) + 1))  # one number each
    by_event = {" ".join(line["message"].split()[1:4]): line for line in events}
    assert {"/live connect ok", "/channels connect ok", "/channels send ok", "/live subscribe error",
            "/live unknown_event error"} <= set(by_event), list(by_event)
    assert all(set(line) == {"ts", "level", "logger", "message", "request_id"} for line in events)  # as HTTP's
    raw = server.log_path.read_text()
    for text in ("Marisol", "Quintero", "Eastside shelter"):
        assert text not in raw, f"{text!r} reached the log"
