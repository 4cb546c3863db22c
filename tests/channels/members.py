"""A member as a chat page sees it, for the multi-process proofs (tests/channels/test_multiprocess.py,
tests/deploy/test_process_crash.py, tests/deploy/test_redis_restart.py): the messages a page shows, its
catch-up cursor, and probes that wait until live delivery crosses from one process to another."""
import time
import uuid

from tests.channels.multiprocess_helpers import RecordingClient, wait_for

LIVE_WAIT = 4.0     # seconds a probe may take to cross from one process to the other
RECOVERY = 40.0     # Redis listeners retry after 1, 2, 4… s: allow several rounds on a loaded machine


def stored_message_ids(database_url: str, channel_id: int) -> list[int]:
    """What the database holds: the source of truth the clients must end up agreeing with."""
    from sqlalchemy import create_engine, text
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(text("SELECT id FROM channel_messages WHERE channel_id = :c ORDER BY id"),
                                           {"c": channel_id}).scalars())
    finally:
        engine.dispose()


class Member:
    """A signed-in member's socket plus what a page keeps (`static/js/channels.js`): the messages it shows,
    once each by id, and `synced_up_to`, the catch-up cursor that only answers read from the database move
    (never a live `message_posted`: live delivery may resume past a gap pub/sub dropped)."""

    def __init__(self, name, client: RecordingClient, channel_id: int):
        self.name, self.client, self.channel_id = name, client, channel_id
        self.sent: list[int] = []
        self.synced_up_to = 0
        self.synced: set[int] = set()
        self.earlier_live: list[int] = []  # what earlier sockets of this page received live

    def move_to(self, client: RecordingClient) -> None:
        """The page's socket now talks to another process (its own died): what it showed stays shown."""
        self.earlier_live.extend(self.live_ids())
        self.client.disconnect()
        self.client = client

    def shown(self) -> list[int]:
        """What the page shows: live messages and synced ones, each once, in id order."""
        return sorted(set(self.live_ids()) | self.synced)

    def sync(self) -> list[int]:
        """The page's catch-up (on connect, on focus, every 20 s): `sync` from `synced_up_to`, following
        `has_more`; returns the ids the answers held."""
        got = self.catch_up(self.synced_up_to)
        self.synced.update(got)
        if got:
            self.synced_up_to = max(self.synced_up_to, max(got))
        return got

    def send(self, body: str, client_id: str | None = None) -> int:
        ack = self.client.call("send", {"channel_id": self.channel_id, "body": body,
                                        "client_id": client_id or uuid.uuid4().hex})
        assert isinstance(ack, dict) and isinstance(ack.get("id"), int), f"{self.name}'s send refused: {ack}"
        self.sent.append(ack["id"])
        return ack["id"]

    def live_ids(self) -> list[int]:
        """Every `message_posted` this page received, on its current socket and the ones before it."""
        return self.earlier_live + self.client.posted_ids(self.channel_id)

    def sees(self, message_id: int, timeout: float) -> bool:
        try:
            wait_for(lambda: message_id in self.live_ids(), timeout=timeout, what=f"{self.name} to see {message_id}")
            return True
        except TimeoutError:
            return False

    def catch_up(self, last_seen: int) -> list[int]:
        """`sync` from the last id seen, page after page while `has_more` (bounded)."""
        ids: list[int] = []
        for _page in range(50):
            answer = self.client.call("sync", {"since": {str(self.channel_id): last_seen}})
            assert "messages" in answer, f"{self.name}'s sync refused: {answer}"
            page = [m["id"] for m in answer["messages"] if m["channel_id"] == self.channel_id]
            assert page == sorted(page) and len(page) == len(set(page)), f"sync page out of order: {page}"
            ids.extend(page)
            if not answer["has_more"] or not page:
                break
            last_seen = page[-1]
        return ids


def probe_until_live(sender: Member, receiver: Member, timeout: float) -> int:
    """Post probes from one process until one arrives live on the other (bounded); return its id."""
    deadline = time.monotonic() + timeout
    attempt = 0
    while time.monotonic() < deadline:
        attempt += 1
        message_id = sender.send(f"Probe {attempt} from {sender.name}: is the night shelter line open?")
        if receiver.sees(message_id, LIVE_WAIT):
            return message_id
    raise AssertionError(f"no message from {sender.name} reached {receiver.name} live within {timeout:.0f} s")
