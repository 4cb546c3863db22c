"""The map's figures, kept per data version: computed once, read many times, never blocking a request.

Figures (graph.analyse) and positions (engines.layout) depend only on the data and the view asked for, so
they are kept under (data version, view) in a small in-process store shared by the request threads (a
lock guards it; each key is computed by exactly one thread while others wait or get "computing"). A new
referral changes the version, so the next request computes afresh. A map larger than BACKGROUND_FROM
organizations is computed in a background thread: the request gets the job's progress at once and the
page polls until the figures are ready (at 5,000 partners a cold computation takes seconds). Each server
process keeps its own store; the version is the same everywhere, so they agree on what is current.
"""
import logging
import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from taskforce.errors import DomainError
from taskforce.network import engines, graph as graphs



class FiguresFailed(DomainError):
    """A figure computation failed (the trace is in the log): the entry is forgotten so the next request
    tries again, and the user gets a 503 that says so — never a bare 500."""

    status = 503

    def __init__(self, what: str = "partner-map figures"):
        super().__init__(f"The {what} could not be computed just now. Try again in a minute; if it keeps "
                         "failing, tell a coordinator.")


BACKGROUND_FROM = 2500
KEEP = 32


@dataclass
class Entry:
    status: str = "computing"  # computing | ready | failed
    done: int = 0
    total: int = len(graphs.STEPS)
    step: str = ""
    result: object = None
    seconds: float = 0.0
    ready: threading.Event = field(default_factory=threading.Event)

    def progress(self) -> dict:
        return {"status": self.status, "done": self.done, "total": self.total, "step": self.step,
                "percent": round(100 * self.done / self.total) if self.total else 100}


class FigureStore:
    """Thread-safe store of computed figures (most recent KEEP keys)."""

    def __init__(self, keep: int = KEEP):
        self._lock = threading.Lock()
        self._entries: OrderedDict = OrderedDict()
        self._keep = keep
        self.computations = 0  # how many times something was computed (tests count cache misses)

    def get(self, key, compute, background: bool = False, wait: bool = True) -> Entry:
        """The entry for `key`; `compute(progress)` runs once per key. In the background, the caller gets the
        entry while it is computing; otherwise it waits for whichever thread computes it."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
                owner = False
            else:
                entry = self._entries[key] = Entry()
                owner = True
                self.computations += 1
                while len(self._entries) > self._keep:
                    self._entries.popitem(last=False)
        if owner:
            if background:
                threading.Thread(target=self._run, args=(entry, compute), daemon=True,
                                 name="network-figures").start()
            else:
                self._run(entry, compute)
        if wait and not background:
            entry.ready.wait()
        return entry

    def _run(self, entry: Entry, compute) -> None:
        started = time.perf_counter()

        def progress(done, total, step):
            entry.done, entry.total, entry.step = done, total, step
        try:
            entry.result = compute(progress)
            entry.status = "ready"
        except Exception:  # noqa: BLE001 — the page shows "failed"; the trace goes to the log
            entry.status = "failed"
            logging.getLogger(__name__).exception("partner-map figures failed")
        finally:
            if entry.status == "computing":  # interrupted (SystemExit, a worker timeout): never "computing" forever
                entry.status = "failed"
            entry.seconds = time.perf_counter() - started
            entry.done = entry.total if entry.status == "ready" else entry.done
            entry.ready.set()

    def value(self, key, compute):
        """The result of `compute()` for `key`, computed once (for readings that need no progress)."""
        entry = self.get(key, lambda progress: compute())
        if entry.status != "ready":
            self.forget(key)  # the next request tries again
            raise FiguresFailed()
        return entry.result

    def has(self, key) -> bool:
        """A finished entry exists for `key` (ready: computing or failed ones do not count)."""
        with self._lock:
            entry = self._entries.get(key)
            return entry is not None and entry.status == "ready"

    def forget(self, key) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def _after_fork(self) -> None:
        """In a forked child: a fresh lock (the parent's may have been held by a thread that does not exist
        here) and no entries (one "computing" in the parent has no thread here to finish it)."""
        self._lock = threading.Lock()
        self._entries = OrderedDict()


FIGURES = FigureStore()
LAYOUTS = FigureStore(keep=4)
# What one version's data reads as (cells, organizations, graph) and as each kind of viewer sees it, and the
# finished map JSON: read-only once made (request threads share them), so a cached request only looks up.
READINGS = FigureStore(keep=16)
OUTPUTS = FigureStore(keep=16)
_last_layout: dict = {}
_layout_lock = threading.Lock()


def _reset_after_fork() -> None:
    """A server that forks its workers after importing the app (gunicorn --preload) gives each worker its
    own stores: per process, as the module docstring says, and never a copied lock or a dead job."""
    global _layout_lock
    for store in (FIGURES, LAYOUTS, READINGS, OUTPUTS):
        store._after_fork()
    _layout_lock = threading.Lock()
    _last_layout.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reset_after_fork)


def figures(version: str, view_key: tuple, graph, background: bool | None = None) -> Entry:
    """The figures of `graph` (built for this version and view), computed once."""
    if background is None:
        background = graph.number_of_nodes() >= BACKGROUND_FROM
    key = ("figures", version, view_key)
    entry = FIGURES.get(key, lambda progress: graphs.analyse(graph, progress), background=background)
    if entry.status == "failed":
        FIGURES.forget(key)  # this request says so; the next one tries again
    return entry


def positions(version: str, graph, background: bool | None = None) -> Entry:
    """Positions for the browser's preset layout, from the last known ones so the map moves little."""
    if background is None:
        background = graph.number_of_nodes() >= BACKGROUND_FROM

    def compute(progress):
        with _layout_lock:
            previous = dict(_last_layout)
        placed = engines.layout(graph, previous=previous or None)
        with _layout_lock:
            _last_layout.clear()
            _last_layout.update(placed)
        return placed
    return LAYOUTS.get(("layout", version), compute, background=background)
