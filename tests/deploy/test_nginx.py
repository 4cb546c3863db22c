"""deploy/nginx.conf, run for real: nginx on loopback in front of two gunicorn processes that share rooms
through Redis. Members signed in on different processes (the sticky hash on their session cookie decides)
chat through nginx — one with HTTP long-polling first (needs stickiness), one websocket-only — and pages and
nginx's own access log hold no query text. Skipped outside CI where nginx or Redis is missing."""
import tempfile
import time
import uuid

import pytest
import requests

from tests.channels.multiprocess_helpers import RecordingClient, RedisProcess, redis_server_binary, sign_in, wait_for
from tests.conftest import IN_CI, REDIS_URL, TEST_PASSWORD
from tests.deploy.servers import NginxProcess, add_members, gunicorn_server, migrate, nginx_binary

pytestmark = [pytest.mark.slow, pytest.mark.redis]

SEARCH_TEXT = "Marisol Quintero"


def _required(what: str, found, hint: str):
    if found:
        return found
    if IN_CI:
        pytest.fail(f"{what} not found in CI: {hint}")
    pytest.skip(f"{what} not found ({hint})")


@pytest.fixture
def front(request, tmp_path):
    """Private Redis, two gunicorn processes on one migrated SQLite database, nginx in front. Parametrized
    indirectly with "websocket-only": SOCKETIO_WEBSOCKET_ONLY=1 and the config's sticky `hash` line removed."""
    websocket_only = getattr(request, "param", "") == "websocket-only"
    if not REDIS_URL and not IN_CI:
        pytest.skip("TASKFORCE_TEST_REDIS_URL unset: the nginx proof runs where Redis is configured")
    redis_binary = _required("redis-server", redis_server_binary(), "set TASKFORCE_REDIS_SERVER_BIN")
    nginx = _required("nginx", nginx_binary(), ".ci/run installs Debian's nginx")
    database_url = f"sqlite:///{tmp_path / 'taskforce.db'}"
    secret_key = "nginx-" + uuid.uuid4().hex
    migrate(database_url, secret_key)
    seeded = add_members(database_url, secret_key, str(tmp_path / "instance"))
    log_dir = tempfile.mkdtemp(prefix="taskforce-nginx-", dir=tmp_path)
    redis = RedisProcess(redis_binary, log_dir=log_dir)
    servers = [gunicorn_server(name, database_url=database_url, secret_key=secret_key, log_dir=log_dir,
                               redis_url=redis.url, TRUSTED_PROXY_COUNT="1",
                               **({"SOCKETIO_WEBSOCKET_ONLY": "1"} if websocket_only else {}))
               for name in ("process-a", "process-b")]
    proxy = NginxProcess(nginx, [s.port for s in servers], tmp_path / "nginx", sticky=not websocket_only)
    clients = []
    try:
        checked = proxy.check_config()
        assert checked.returncode == 0, checked.stderr
        redis.start()
        for server in servers:
            server.start()
        for server in servers:
            server.wait_ready(timeout=60)
        proxy.start()
        yield {"seeded": seeded, "proxy": proxy, "servers": servers, "clients": clients}
    finally:
        for client in clients:
            client.disconnect()
        proxy.stop()
        for server in servers:
            print(f"--- {server.name} (tail) ---\n{server.log_tail()}")
            server.stop()
        redis.stop()


def _sign_in_on(proxy: NginxProcess, email: str, name: str, avoid: int | None = None, tries: int = 12) -> tuple[str, int]:
    """Sign in through nginx until the session cookie hashes to an upstream other than `avoid`."""
    for _ in range(tries):
        cookie = sign_in(proxy.url, email, TEST_PASSWORD)
        assert requests.get(proxy.url + "/api/session", cookies={"taskforce_session": cookie},
                            timeout=30).json()["user"]["display_name"] == name
        upstream = proxy.upstream_of_last("/api/session")
        if upstream != avoid:
            return cookie, upstream
    raise AssertionError(f"{tries} sign-ins of {email} all hashed to port {avoid}")


def test_members_on_two_processes_chat_through_nginx(front):
    proxy, seeded, channel = front["proxy"], front["seeded"], front["seeded"]["channel_id"]
    alice_cookie, alice_port = _sign_in_on(proxy, seeded["alice"], "Alice Moreno")
    bob_cookie, bob_port = _sign_in_on(proxy, seeded["bob"], "Bob Okafor", avoid=alice_port)
    assert {alice_port, bob_port} == {s.port for s in front["servers"]}

    # Alice: HTTP long-polling only (a browser behind a proxy that drops websockets) — every one of her
    # many polling requests must reach the process holding her Socket.IO session.
    alice = RecordingClient(proxy.url, alice_cookie, "alice")
    front["clients"].append(alice)
    # As a browser does, every polling request carries the cookie (python-engineio sends `headers` only on
    # the handshake; its HTTP session's cookie jar goes with every request).
    browser = requests.Session()
    browser.cookies.set("taskforce_session", alice_cookie)
    alice.sio.eio.http = browser
    alice.sio.connect(proxy.url, headers={"Cookie": f"taskforce_session={alice_cookie}"},
                      namespaces=[alice.NAMESPACE], transports=["polling"], wait_timeout=30)
    bob = RecordingClient(proxy.url, bob_cookie, "bob")
    front["clients"].append(bob)
    bob.connect()  # websocket only
    assert proxy.upstream_of_last("/socket.io/") in (alice_port, bob_port)

    sent = alice.call("send", {"channel_id": channel, "body": "Two beds free at the shelter", "client_id": uuid.uuid4().hex})
    assert isinstance(sent.get("id"), int), sent
    wait_for(lambda: sent["id"] in bob.posted_ids(channel), timeout=10, what="bob (other process) to get alice's message")
    answer = bob.call("send", {"channel_id": channel, "body": "Thanks, on my way", "client_id": uuid.uuid4().hex})
    wait_for(lambda: answer["id"] in alice.posted_ids(channel), timeout=10, what="alice to get bob's message")
    for _ in range(3):
        assert "messages" in alice.call("sync", {"since": {str(channel): 0}})
    assert alice.sio.transport() == "polling" and bob.sio.transport() == "websocket"

    page = requests.get(proxy.url + "/directory/", params={"q": SEARCH_TEXT},
                        cookies={"taskforce_session": bob_cookie}, timeout=30)
    assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
    assert page.headers.get("Server") == "nginx"  # server_tokens off: no version
    alice.disconnect()
    bob.disconnect()  # nginx logs a websocket when it closes
    wait_for(lambda: '/socket.io/?... HTTP/1.1" 101' in proxy.access_log.read_text(), timeout=10,
             what="bob's websocket in nginx's access log")
    log = proxy.access_log.read_text()
    assert 'GET /directory/?... HTTP/1.1" 200' in log, log
    for secret in ("Marisol", "Quintero", "EIO=", "transport="):
        assert secret not in log, f"{secret!r} reached nginx's access log:\n{log}"


@pytest.mark.parametrize("front", ["websocket-only"], indirect=True)
def test_websocket_only_mode_needs_no_sticky_sessions(front):
    proxy, seeded, channel = front["proxy"], front["seeded"], front["seeded"]["channel_id"]
    assert "hash $cookie" not in proxy.config.read_text()
    alice_cookie = sign_in(proxy.url, seeded["alice"], TEST_PASSWORD)
    bob_cookie = sign_in(proxy.url, seeded["bob"], TEST_PASSWORD)
    home = requests.get(proxy.url + "/", cookies={"taskforce_session": alice_cookie}, timeout=30)
    assert home.status_code == 200 and 'data-live-transports="websocket"' in home.text  # live.js: no polling
    polling = requests.get(proxy.url + "/socket.io/", params={"EIO": "4", "transport": "polling"},
                           cookies={"taskforce_session": alice_cookie}, timeout=30)
    assert polling.status_code == 400, polling.text  # the server refuses long-polling outright

    members = []
    for name, cookie in (("alice", alice_cookie), ("bob", bob_cookie)):
        client = RecordingClient(proxy.url, cookie, name)
        front["clients"].append(client)
        client.connect()
        members.append(client)
    alice, bob = members
    sent = alice.call("send", {"channel_id": channel, "body": "Interpreter free at 9", "client_id": uuid.uuid4().hex})
    wait_for(lambda: sent["id"] in bob.posted_ids(channel), timeout=10, what="bob to get alice's message")
