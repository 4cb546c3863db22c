"""Who is online, by socket: disposable (never stored in the database, DESIGN §4).

`MemoryPresence` is the embedded default (one process); with a message queue configured the app uses
`taskforce.live.shared.RedisPresence`, the same interface kept in Redis, so every process agrees on who is
online and "first socket / last socket" of a member is decided once, not once per process.
"""
import threading


class MemoryPresence:
    """Presence of one process's sockets. Locked: connect and disconnect handlers run on many threads."""

    def __init__(self):
        self._lock = threading.Lock()
        self._sids_of: dict[int, set[str]] = {}
        self._user_of: dict[str, int] = {}

    def came_online(self, user_id: int, sid: str) -> bool:
        """Record a socket of `user_id`; True when it is the member's first (they just came online)."""
        with self._lock:
            sids = self._sids_of.setdefault(user_id, set())
            first = not sids
            sids.add(sid)
            self._user_of[sid] = user_id
        return first

    def went_offline(self, sid: str) -> tuple[int | None, bool]:
        """Forget a socket; `(member, True)` when it was the member's last one, `(None, False)` if unknown."""
        with self._lock:
            user_id = self._user_of.pop(sid, None)
            sids = self._sids_of.get(user_id)
            if sids is None:
                return None, False
            sids.discard(sid)
            if sids:
                return user_id, False
            del self._sids_of[user_id]
        return user_id, True

    def user_of(self, sid: str) -> int | None:
        with self._lock:
            return self._user_of.get(sid)

    def online_user_ids(self) -> set[int]:
        with self._lock:
            return set(self._sids_of)

    def refresh(self, sids_of_users) -> None:
        """Nothing to keep alive in memory (the Redis store's entries expire)."""

    def prune(self) -> list[int]:
        """Members whose sockets all vanished without a goodbye: none in memory (a crash takes the store)."""
        return []

    def reset(self) -> None:
        with self._lock:
            self._sids_of.clear()
            self._user_of.clear()
