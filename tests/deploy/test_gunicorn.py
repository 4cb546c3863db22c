"""The production server as the README runs it: gunicorn with deploy/gunicorn.conf.py on a migrated database.
A page request and a real Socket.IO connection go through it, and its access log holds neither the search
text nor the invitation token (the development server's redaction rule, reused)."""
import time
import uuid

import pytest
import requests

from tests.channels.multiprocess_helpers import RecordingClient, sign_in, wait_for
from tests.conftest import TEST_PASSWORD
from tests.deploy.servers import add_members, gunicorn_server, migrate

pytestmark = pytest.mark.slow

SEARCH_TEXT = "Marisol Quintero"   # what a member might type into a search: a name
INVITE_TOKEN = "Zt9xInvitationTokenQ4"


def test_gunicorn_serves_pages_and_sockets_with_a_redacted_access_log(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'taskforce.db'}"
    secret_key = "gunicorn-" + uuid.uuid4().hex
    migrate(database_url, secret_key)
    seeded = add_members(database_url, secret_key, str(tmp_path / "instance"))
    server = gunicorn_server("gunicorn", database_url=database_url, secret_key=secret_key, log_dir=str(tmp_path))
    client = None
    try:
        server.start()
        server.wait_ready(timeout=60)
        cookie = sign_in(server.url, seeded["alice"], TEST_PASSWORD)
        page = requests.get(f"{server.url}/directory/", params={"q": SEARCH_TEXT},
                            cookies={"taskforce_session": cookie}, timeout=30)
        assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
        assert requests.get(f"{server.url}/auth/invite/{INVITE_TOKEN}", timeout=30).status_code in (200, 302, 404, 410)

        # A real Socket.IO client: polling handshake (logged with its query) then the websocket upgrade.
        client = RecordingClient(f"{server.url}/?q={SEARCH_TEXT.replace(' ', '+')}", cookie, "alice")
        client.sio.connect(client.base_url, headers={"Cookie": f"taskforce_session={cookie}"},
                           namespaces=[client.NAMESPACE], wait_timeout=30)
        assert client.sio.transport() == "websocket"
        answer = client.call("send", {"channel_id": seeded["channel_id"], "body": "Shelter has 2 beds tonight",
                                      "client_id": uuid.uuid4().hex})
        assert isinstance(answer.get("id"), int)
        wait_for(lambda: client.posted_ids(seeded["channel_id"]), timeout=10, what="the message to come back live")
        client.disconnect()
        client = None

        access_log = tmp_path / "gunicorn.access.log"
        wait_for(lambda: "/socket.io/" in access_log.read_text(), timeout=10, what="the socket lines in the log")
        time.sleep(0.2)
        text = access_log.read_text()
    finally:
        if client is not None:
            client.disconnect()
        server.stop()
    lines = text.splitlines()
    assert any('"GET /directory/?… HTTP/1.1" 200' in line for line in lines), text
    assert any("GET /auth/invite/… HTTP" in line for line in lines), text
    assert any("GET /socket.io/?… HTTP" in line for line in lines), text
    for secret in ("Marisol", "Quintero", INVITE_TOKEN, "EIO=", "transport=polling"):
        assert secret not in text, f"{secret!r} reached the access log:\n{text}"
