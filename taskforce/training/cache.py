"""A bounded, locked LRU of immutable values (bytes, tuples of frozen dataclasses), shared by the request
threads: feed event blocks and expanded sessions, keyed by a training's id and SEQUENCE (which grows with
every change that touches either), and the month view's sessions and grids, keyed by the calendar data's
version (`versions.py`, `month.py`) — so a stale entry is never read: it just ages out."""
import threading
from collections import OrderedDict


class BoundedCache:
    def __init__(self, size: int):
        self._size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


sessions = BoundedCache(50_000)   # (training id, sequence) → tuple of timing.Occurrence
events = BoundedCache(50_000)     # (training id, sequence, with link, base url) → (VEVENT bytes, tz, years)
month_entries = BoundedCache(256)  # (data version, month, zone, filters, audience) → (entries, training ids)
month_grids = BoundedCache(512)    # (that key, the member's own states) → (grid HTML, session count)
