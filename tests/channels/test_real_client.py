"""A real python-socketio client over WebSocket against the app served on a real port (werkzeug, threads)."""
import threading

import requests
import socketio as python_socketio

from taskforce.auth.models import Sector
from taskforce.channels.models import ChannelKind
from taskforce.extensions import db
from tests.conftest import TEST_PASSWORD


def sign_in_cookie(base_url: str, email: str) -> str:
    http = requests.Session()
    token = http.get(f"{base_url}/api/session", timeout=10).json()["csrf_token"]
    response = http.post(f"{base_url}/auth/login", data={"email": email, "password": TEST_PASSWORD, "csrf_token": token},
                         allow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text[:300]
    return http.cookies["taskforce_session"]


class Listener:
    def __init__(self):
        self.client = python_socketio.Client(reconnection=False)
        self.posted: list[dict] = []
        self.arrived = threading.Condition()
        self.client.on("message_posted", self._on_posted, namespace="/channels")

    def _on_posted(self, payload):
        with self.arrived:
            self.posted.append(payload)
            self.arrived.notify_all()

    def connect(self, url: str, cookie: str):
        self.client.connect(url, namespaces=["/channels"], transports=["websocket"],
                            headers={"Cookie": f"taskforce_session={cookie}"}, wait_timeout=10)

    def wait_for(self, count: int, timeout: float = 10) -> list[dict]:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.posted) >= count, timeout=timeout)
        return list(self.posted)

    def call(self, event: str, data: dict):
        return self.client.call(event, data, namespace="/channels", timeout=10)


def test_two_organizations_chat_live_and_a_dropped_client_catches_up(live_server, make_user, make_organization,
                                                                    make_channel):
    channel = make_channel(ChannelKind.TASK_FORCE, name="general")
    nurse = make_user(organization=make_organization("St. Brigid Medical Center", Sector.HEALTHCARE))
    advocate = make_user(organization=make_organization("Safe Passage Network", Sector.VICTIM_SERVICES_NGO))
    db.session.commit()
    alice, bob = Listener(), Listener()
    alice.connect(live_server.url, sign_in_cookie(live_server.url, nurse.email))
    bob_cookie = sign_in_cookie(live_server.url, advocate.email)
    bob.connect(live_server.url, bob_cookie)
    try:
        ack = alice.call("send", {"channel_id": channel.id, "body": "Bed available at the shelter?", "client_id": "a-1"})
        assert "id" in ack
        [live] = bob.wait_for(1)
        assert live["id"] == ack["id"] and live["author"] == nurse.display_name

        bob.client.disconnect()
        missed = [alice.call("send", {"channel_id": channel.id, "body": f"update {n}", "client_id": f"a-{n + 2}"})["id"]
                  for n in range(5)]
        again = Listener()
        again.connect(live_server.url, bob_cookie)
        try:
            answer = again.call("sync", {"since": {str(channel.id): ack["id"]}})
            assert [m["id"] for m in answer["messages"]] == missed and answer["has_more"] is False
        finally:
            again.client.disconnect()

        anonymous = python_socketio.Client(reconnection=False)
        try:
            anonymous.connect(live_server.url, namespaces=["/channels"], transports=["websocket"], wait_timeout=5)
            refused = False
        except python_socketio.exceptions.ConnectionError:
            refused = True
        finally:
            anonymous.disconnect()
        assert refused
    finally:
        alice.client.disconnect()
