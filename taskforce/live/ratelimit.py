"""PURE: a per-key token bucket, so one member flooding a channel is slowed down with a clear error.

`TokenBuckets(capacity=20, per_seconds=10)` lets a burst of 20 sends through, then one every half second.
The clock is injected (tests move time by hand). State is in memory, per server process; with a message
queue configured the app uses `taskforce.live.shared.RedisTokenBuckets` instead (same interface, every
process draws from one bucket).
"""
import threading
import time
from collections.abc import Callable


class TokenBuckets:
    def __init__(self, capacity: int, per_seconds: float, clock: Callable[[], float] = time.monotonic,
                 max_keys: int = 50_000):
        self.capacity = float(capacity)
        self.rate = capacity / per_seconds
        self.clock = clock
        self.max_keys = max_keys
        self._buckets: dict[object, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def allow(self, key) -> bool:
        """Take one token for `key`; False when its bucket is empty (the caller refuses the action)."""
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens < 1:
                self._buckets[key] = (tokens, now)
                return False
            if len(self._buckets) >= self.max_keys and key not in self._buckets:
                self._forget_full(now)
            self._buckets[key] = (tokens - 1, now)
            return True

    def retry_after(self, key) -> float:
        """Seconds until `key` has a token again (for the error message)."""
        with self._lock:
            tokens, last = self._buckets.get(key, (self.capacity, self.clock()))
        tokens = min(self.capacity, tokens + (self.clock() - last) * self.rate)
        return max(0.0, (1 - tokens) / self.rate)

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()

    def _forget_full(self, now: float) -> None:
        """Drop buckets that have refilled completely: they hold no information."""
        full_after = self.capacity / self.rate
        for key in [k for k, (_t, last) in self._buckets.items() if now - last >= full_after]:
            del self._buckets[key]
