"""PostgreSQL cut mid-traffic under two gunicorn processes (the production issue's third fault proof). The
processes reach the database only through a loopback TCP proxy (tests/tcp_proxy.py) that the test cuts, as a
server restart or a network cut would — never the shared server itself. While members read and create
channels on both processes:

- during the outage every request is the 503 of taskforce/outage.py: JSON for a script, the page that keeps
  the form's fields for a member; nothing is half-applied (a channel never lacks its membership or its audit
  row), and "Send again" (the same idempotency key) after the database is back stores it once;
- once the proxy passes again, every request that starts after that succeeds, on every process;
- a restart between requests (every pooled connection dead, none noticed yet) costs no request either
  (taskforce/connections.py checks a connection before a request uses it).

SQLite is skipped: it is a file the app opens, with no server to restart and no connection to cut."""
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from html import unescape

import pytest
import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.channels.multiprocess_helpers import sign_in, wait_for
from tests.channels.test_multiprocess import shared_database  # noqa: F401  (fixture)
from tests.conftest import TEST_PASSWORD
from tests.deploy.cluster import gunicorn_cluster
from tests.tcp_proxy import TcpProxy

pytestmark = pytest.mark.slow
DOWN = "The database is unavailable; your work was not saved; try again in a minute."


@dataclass
class Answer:
    kind: str       # "read", "form" or "json"
    process: int
    started: float
    ended: float
    status: int
    body: str
    name: str = ""  # the channel a write asked for
    key: str = ""   # its idempotency key


class Traffic:
    """One member on one process reading the channel list and creating private channels in turn (a form
    post, then the same create asking for JSON), from a thread, every answer recorded with its times."""

    def __init__(self, process: int, base_url: str, cookie: str):
        self.process, self.base_url = process, base_url
        self.http = requests.Session()
        self.http.cookies.set("taskforce_session", cookie)
        self.csrf_token = self.http.get(base_url + "/api/session", timeout=30).json()["csrf_token"]
        self.answers: list[Answer] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> "Traffic":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=60)
        assert not self._thread.is_alive()

    def _run(self) -> None:
        number = 0
        while not self._stop.is_set():
            number += 1
            self._record("read", lambda: self.http.get(self.base_url + "/api/channels", timeout=30))
            kind = "form" if number % 2 else "json"
            self.create(kind, f"Shift {self.process}-{number} {uuid.uuid4().hex[:6]}", uuid.uuid4().hex)
            self._stop.wait(0.05)

    def create(self, kind: str, name: str, key: str) -> Answer:
        data = {"name": name, "kind": "private", "topic": "Who covers the hotline", "csrf_token": self.csrf_token,
                "idempotency_key": key}
        headers = {"Accept": "application/json"} if kind == "json" else {}
        return self._record(kind, lambda: self.http.post(self.base_url + "/channels/new", data=data,
                                                         headers=headers, allow_redirects=False, timeout=30),
                            name=name, key=key)

    def _record(self, kind: str, request, **about) -> Answer:
        started = time.monotonic()
        try:
            response = request()
            status, body = response.status_code, response.text
        except requests.RequestException as error:
            status, body = 0, type(error).__name__
        answer = Answer(kind, self.process, started, time.monotonic(), status, body, **about)
        self.answers.append(answer)
        return answer

    def count(self, predicate) -> int:
        return sum(1 for answer in list(self.answers) if predicate(answer))


def is_outage_answer(answer: Answer) -> bool:
    """The outage's 503: JSON for `/api/…` and a JSON create, a page keeping the form's fields otherwise."""
    if answer.status != 503:
        return False
    if answer.kind in ("read", "json"):
        import json
        return json.loads(answer.body) == {"error": DOWN, "retry_after": 60}
    page = unescape(answer.body)
    return DOWN in page and 'action="/channels/new"' in page and answer.name in page


def succeeded(answer: Answer) -> bool:
    return answer.status == (200 if answer.kind == "read" else 302)


def channels_named(database_url: str, names: list[str]) -> dict[str, tuple[int, int]]:
    """For each stored channel of these names: (its memberships, its `channel.created` audit rows)."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT c.name, (SELECT count(*) FROM channel_memberships m WHERE m.channel_id = c.id), "
                "(SELECT count(*) FROM audit_events a WHERE a.action = 'channel.created' "
                "AND a.target_type = 'Channel' AND a.target_id = CAST(c.id AS VARCHAR)) "
                "FROM channels c WHERE c.name = ANY(:names)"), {"names": names}).all()
    finally:
        engine.dispose()
    found: dict[str, tuple[int, int]] = {}
    for name, memberships, audits in rows:
        assert name not in found, f"channel {name!r} stored twice"
        found[name] = (memberships, audits)
    return found


def burst(traffic: list[Traffic], per_process: int = 8) -> list[Answer]:
    """`per_process` concurrent reads on every process at once (each process's pool hands out several
    connections, so every pooled one is used)."""
    with ThreadPoolExecutor(max_workers=per_process * len(traffic)) as pool:
        futures = [pool.submit(t._record, "read", lambda t=t: requests.get(
            t.base_url + "/api/channels", cookies=t.http.cookies, timeout=30)) for t in traffic
            for _ in range(per_process)]
        return [future.result() for future in futures]


def test_a_database_cut_mid_traffic_is_a_clean_503_and_nothing_fails_once_it_is_back(shared_database,  # noqa: F811
                                                                                     tmp_path):
    if shared_database.startswith("sqlite"):
        pytest.skip("SQLite is a file the app opens: no server to restart, no connection to cut "
                    "(runs with TASKFORCE_TEST_DATABASE_URL)")
    url = make_url(shared_database)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    traffic: list[Traffic] = []
    try:
        with gunicorn_cluster(2, shared_database, tmp_path, served_database_url=proxied) as cluster:
            for index, (server, email) in enumerate(zip(cluster.servers, ("alice", "bob"))):
                traffic.append(Traffic(index, server.url, sign_in(server.url, cluster.seeded[email], TEST_PASSWORD)))
            burst(traffic)  # several pooled connections on each process
            for t in traffic:
                t.start()
            wait_for(lambda: all(t.count(succeeded) >= 4 for t in traffic), timeout=30, what="traffic to flow")

            cut_at = time.monotonic()
            proxy.cut()
            wait_for(lambda: all(t.count(lambda a: a.started > cut_at and a.kind == kind) >= 2
                                 for t in traffic for kind in ("form", "json")),
                     timeout=30, what="form and JSON writes on both processes to meet the outage")
            restored_at = time.monotonic()
            proxy.restore()
            wait_for(lambda: all(t.count(lambda a: a.started > restored_at) >= 6 for t in traffic), timeout=30,
                     what="traffic after the database is back")
            for t in traffic:
                t.stop()

            answers = [a for t in traffic for a in t.answers]
            during = [a for a in answers if a.started > cut_at and a.ended < restored_at]
            after = [a for a in answers if a.started > restored_at]
            assert during and all(is_outage_answer(a) for a in during), \
                [(a.kind, a.status, a.body[:200]) for a in during if not is_outage_answer(a)]
            assert after and all(succeeded(a) for a in after), \
                [(a.process, a.kind, a.status, a.body[:200]) for a in after if not succeeded(a)]
            assert all(succeeded(a) or is_outage_answer(a) for a in answers), "only successes and the outage's 503"

            writes = [a for a in answers if a.kind != "read"]
            stored = channels_named(shared_database, [a.name for a in writes])
            assert all(counts == (1, 1) for counts in stored.values()), f"half-applied channels: {stored}"
            assert all(a.name in stored for a in writes if succeeded(a)), "an acknowledged create is missing"
            assert not [a.name for a in during if a.name in stored], "a create refused in the outage was stored"
            # "Send again" on every refused create (same key: a create whose answer was lost is not repeated).
            refused = [a for a in writes if a.status == 503]
            for a in refused:
                again = traffic[a.process].create(a.kind, a.name, a.key)
                assert succeeded(again), (again.status, again.body[:300])
            stored = channels_named(shared_database, [a.name for a in writes])
            assert sorted(stored) == sorted(a.name for a in writes), "every create is stored once after resending"
            assert all(counts == (1, 1) for counts in stored.values()), stored

            # A restart between requests: every pooled connection dies unseen; the next requests all succeed.
            burst(traffic)
            proxy.cut()
            proxy.restore()
            first = burst(traffic)
            assert all(succeeded(a) for a in first), [(a.process, a.status, a.body[:200]) for a in first]
            print(f"{len(answers)} requests; {len(during)} during the outage ({restored_at - cut_at:.1f} s), "
                  f"{len(after)} after it; {len(refused)} creates sent again")
    finally:
        for t in traffic:
            t._stop.set()
        proxy.close()
