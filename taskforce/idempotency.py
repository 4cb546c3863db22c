"""Idempotency keys: a double click, a retried POST or a script's retry creates nothing twice.

Every create form carries a hidden one-time key (`submission_key()` in templates/_macros.html renders a new
one each time the form is shown); a JSON create may send the same thing as an `Idempotency-Key` header. The
`@idempotent` view decorator claims the key before the view runs, *in the view's own transaction*: the claim
row is flushed first, so the service's commit makes the claim and the created rows durable together, and a
view that fails (a 400 re-render, a domain error, a crash) leaves neither — the member can send the form
again. A second request with the same key from the same member is answered from the claim: the same
redirect, or the same status and JSON body, and nothing is written. On PostgreSQL two concurrent requests
with one key meet at the unique index: the second's insert waits for the first transaction and then fails,
so exactly one runs the view; the second waits (bounded) for the first's answer to be recorded.

A duplicate is answered promptly, whatever the database: the keys whose first request runs in this process are
kept in memory (`InFlight`), so a double click (the same browser: nginx's sticky sessions send it to the same
process) waits on that request's end, at most `IDEMPOTENCY_DUPLICATE_WAIT` seconds, without touching the
database, instead of queueing on SQLite's write lock or PostgreSQL's unique index; then it gets the first
answer, or a clear 409 "still being processed; reload in a moment". A view that committed and then raised
leaves no answer to replay: its claim is given one (`ANSWER_LOST`, the work is saved and is not created again),
and so is a claim left without an answer by a crashed process once it is `STALE_AFTER` old.

A key is scoped to its member (another member's identical key is independent) and to one endpoint, and lives
`LIFETIME` (24 h). Stored: the member's id, the SHA-256 of the key, the endpoint, the answer's status, its
Location (paths of ids) and a JSON body only when it holds nothing but numbers, booleans, nulls and dates —
never user text. A
page answer (an HTML 201) is replayed as a redirect to the same page (a one-time secret on it, such as an
invitation link, is not kept and so not shown twice).
"""
import hashlib
import json
import logging
import re
import secrets
import threading
import time
from datetime import datetime, timedelta
from functools import wraps

from flask import Response, current_app, flash, make_response, redirect, request
from flask_login import current_user
from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint, delete, event, exc, select, update
from sqlalchemy.orm import Mapped, mapped_column

from taskforce.dbtypes import UTCDateTime, utcnow
from taskforce.errors import Conflict, ValidationError
from taskforce.extensions import db

log = logging.getLogger(__name__)

FIELD = "idempotency_key"
HEADER = "Idempotency-Key"
SANE_KEY = re.compile(r"[A-Za-z0-9_-]{16,128}")
LIFETIME = timedelta(hours=24)
DUPLICATE_WAIT = 3.0  # seconds a duplicate waits for the first request's answer (IDEMPOTENCY_DUPLICATE_WAIT)
# A claim without an answer this old belongs to a request that is over (gunicorn ends one after 60 s).
STALE_AFTER = timedelta(minutes=2)
LOST = 500  # the stored status of a claim whose view committed and then failed
STILL_RUNNING = "This submission is still being processed. Reload the page in a moment to see the result."
ANSWER_LOST = ("This was already saved, but showing the result failed on our side. Nothing was saved twice: "
               "find it in the list instead of sending it again.")
REPLAYED = "Idempotent-Replayed"
_PENDING, _COMMITTED = "taskforce_idempotency_pending", "taskforce_idempotency_committed"
_BODY_LIMIT = 2000
_DATE_OR_NUMBER = re.compile(r"[0-9][0-9:.+\-TZ]{0,39}")


class IdempotencyKey(db.Model):
    """One claimed key: who, which endpoint, and (once the first request answered) its answer."""
    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "key_hash", name="uq_idempotency_keys_user_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    key_hash: Mapped[str] = mapped_column(String(64))
    endpoint: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    status: Mapped[int | None] = mapped_column(Integer)  # None while the first request runs
    location: Mapped[str] = mapped_column(String(512), default="")
    body: Mapped[str | None] = mapped_column(Text)


def new_key() -> str:
    """A fresh key for a form (192 random bits, URL-safe)."""
    return secrets.token_urlsafe(24)


def offered_key() -> str | None:
    """The key this request carries (header first, then the form field), or None. A malformed one is a 400:
    a client that means to be idempotent should hear that it is not."""
    key = request.headers.get(HEADER) or request.form.get(FIELD)
    if not key:
        return None
    if not SANE_KEY.fullmatch(key):
        raise ValidationError(f"{HEADER} must be 16–128 letters, digits, '-' or '_'.", field=FIELD)
    return key


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def idempotent(view):
    """Decorate a create view (after @login_required): a POST carrying a key runs the view at most once per
    member and key; a replay gets the first answer. Requests without a key run as before."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        if request.method != "POST" or not current_user.is_authenticated:
            return view(*args, **kwargs)
        key = offered_key()
        if key is None:
            return view(*args, **kwargs)
        user_id, key_hash, endpoint = current_user.id, _hash(key), request.endpoint or ""
        in_flight: InFlight = current_app.extensions["idempotency.in_flight"]
        for _attempt in range(3):
            running = in_flight.enter((user_id, key_hash))
            if running is None:
                break
            if not running.wait(_duplicate_wait()):  # the first request runs here still: never queue on the database
                raise Conflict(STILL_RUNNING)
            answer = _stored_answer(user_id, key_hash, endpoint)
            if answer is _PENDING_ANSWER:  # it ended here, but a request in another process holds the key
                raise Conflict(STILL_RUNNING)
            if answer is not None:
                return answer
        else:
            raise Conflict(STILL_RUNNING)
        try:
            for _attempt in range(3):  # a claim that vanished under us (expired, or its request failed): claim again
                claim = _claim(user_id, key_hash, endpoint)
                if claim is not None:
                    break
                answer = _await_answer(user_id, key_hash, endpoint)
                if answer is not None:
                    return answer
            else:
                raise Conflict(STILL_RUNNING)
            return _run_and_record(view, claim, args, kwargs)
        finally:
            in_flight.leave((user_id, key_hash))
    return wrapper


class InFlight:
    """The keys whose first request is running in this process, each with an Event set when it ends, so a
    duplicate waits for it here rather than on the database's write lock. Shared by the request threads:
    every read and change holds the lock."""

    def __init__(self):
        self._lock = threading.Lock()
        self._running: dict[tuple, threading.Event] = {}

    def enter(self, ident: tuple) -> threading.Event | None:
        """None: the caller now runs `ident` (and must `leave` it); else the Event of the request that does."""
        with self._lock:
            running = self._running.get(ident)
            if running is None:
                self._running[ident] = threading.Event()
            return running

    def leave(self, ident: tuple) -> None:
        with self._lock:
            ended = self._running.pop(ident, None)
        if ended is not None:
            ended.set()


def _duplicate_wait() -> float:
    return float(current_app.config.get("IDEMPOTENCY_DUPLICATE_WAIT", DUPLICATE_WAIT))


def _claim(user_id: int, key_hash: str, endpoint: str) -> int | None:
    """Insert and flush the claim in the view's transaction; None when another request holds the key."""
    session = db.session()
    # This member's expired keys go first (so an expired key is usable again, and the table stays small).
    session.execute(delete(IdempotencyKey).where(IdempotencyKey.user_id == user_id,
                                                 IdempotencyKey.created_at <= utcnow() - LIFETIME))
    if session.scalar(select(IdempotencyKey.id).where(IdempotencyKey.user_id == user_id,
                                                      IdempotencyKey.key_hash == key_hash)) is not None:
        session.rollback()
        return None
    claim = IdempotencyKey(user_id=user_id, key_hash=key_hash, endpoint=endpoint, created_at=utcnow())
    session.add(claim)
    try:
        session.flush()
    except exc.IntegrityError:  # a concurrent request with this key committed its claim first
        session.rollback()
        return None
    session.info[_PENDING], session.info[_COMMITTED] = True, False
    return claim.id


def _run_and_record(view, claim_id: int, args, kwargs):
    session = db.session()
    try:
        response = make_response(view(*args, **kwargs))
    except BaseException:
        if session.info.pop(_COMMITTED, False):  # its work is saved: the key must answer, never run again
            _record_lost_answer(claim_id)
        raise
    finally:
        session.info.pop(_PENDING, None)
    committed = session.info.pop(_COMMITTED, False)
    if not committed:  # the view wrote nothing lasting: nor does the claim (the member may send it again)
        session.rollback()
        return response
    status, location, body = _answer_of(response)
    session.execute(update(IdempotencyKey).where(IdempotencyKey.id == claim_id).values(
        status=status, location=location, body=body))
    session.commit()
    return response


def _record_lost_answer(claim_id: int) -> None:
    """The view committed, then failed: store `LOST` as the claim's answer (its own short transaction). If
    even that fails, the claim is answered as lost anyway once it is `STALE_AFTER` old."""
    session = db.session()
    try:
        session.rollback()  # whatever the view left half-done after its commit
        session.execute(update(IdempotencyKey).where(IdempotencyKey.id == claim_id).values(status=LOST))
        session.commit()
    except Exception as error:  # noqa: BLE001 — the view's own error is the one to raise
        session.rollback()
        log.warning("idempotency: could not record the lost answer of %s (%s)", request.endpoint,
                    type(error).__name__)


def _answer_of(response: Response) -> tuple[int, str, str | None]:
    """What a replay needs, without user text: a redirect's target, or an ids-only JSON body; a page answer
    becomes a redirect to the page itself (its GET shows what was created)."""
    if 300 <= response.status_code < 400:
        return response.status_code, response.headers.get("Location", "")[:512], None
    if response.is_json:
        text = response.get_data(as_text=True)
        if len(text) <= _BODY_LIMIT and _ids_only(json.loads(text)):
            return response.status_code, "", text
        log.warning("idempotency: %s answered JSON that is not ids only; replays get the status alone",
                    request.endpoint)
        return response.status_code, "", None
    return 303, request.path, None


def _ids_only(value) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and len(k) <= 64 and _ids_only(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_ids_only(v) for v in value)
    if isinstance(value, str):  # a date, a time or a number written out ("2026-12"), never words
        return _DATE_OR_NUMBER.fullmatch(value) is not None
    return value is None or isinstance(value, (bool, int, float))


_PENDING_ANSWER = object()


def _stored_answer(user_id: int, key_hash: str, endpoint: str):
    """One look at the key's claim: its answer as a replay, `_PENDING_ANSWER` while a request (maybe in another
    process) still runs it, or None when there is no claim (its request failed or it expired)."""
    session = db.session()
    session.rollback()  # a fresh snapshot
    row = session.execute(select(IdempotencyKey).where(
        IdempotencyKey.user_id == user_id, IdempotencyKey.key_hash == key_hash)).scalar_one_or_none()
    if row is None or row.created_at <= utcnow() - LIFETIME:
        return None
    if row.endpoint != endpoint:
        raise Conflict("This form's key was already used for another action. Reload the page and try again.")
    if row.status is None and row.created_at > utcnow() - STALE_AFTER:
        return _PENDING_ANSWER
    return _replay(row)  # a claim without an answer this old: its request died after its commit


def _await_answer(user_id: int, key_hash: str, endpoint: str):
    """The first request's answer as a replay, waiting (at most the duplicate wait) while a request in another
    process still runs it; None when the claim is gone: the caller claims the key itself."""
    deadline = time.monotonic() + _duplicate_wait()
    delay = 0.02
    while True:
        answer = _stored_answer(user_id, key_hash, endpoint)
        if answer is not _PENDING_ANSWER:
            return answer
        if time.monotonic() >= deadline:
            raise Conflict(STILL_RUNNING)
        time.sleep(delay)
        delay = min(delay * 2, 0.2)


class AnswerLost(Conflict):
    """A replay of a submission whose work was saved but whose answer was not (see `ANSWER_LOST`)."""


def _replay(row: IdempotencyKey) -> Response:
    if row.status is None or row.status == LOST:
        raise AnswerLost(ANSWER_LOST)
    if row.location:
        if not request.is_json and HEADER not in request.headers:
            flash("That was already sent: nothing was saved twice.", "info")
        response = redirect(row.location, row.status)
    else:
        response = current_app.response_class(row.body or "{}", status=row.status, mimetype="application/json")
    response.headers[REPLAYED] = "true"
    return response


def _after_commit(session) -> None:
    if session.info.get(_PENDING):
        session.info[_PENDING], session.info[_COMMITTED] = False, True


def _after_rollback(session) -> None:
    session.info[_PENDING] = False  # a claim not yet committed is gone with the transaction


def register(app) -> None:
    """Watch commits and rollbacks of the app's sessions (a claim counts once the view's commit made it
    durable) and offer `new_idempotency_key()` to templates (the form macro)."""
    from sqlalchemy.orm import Session
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)
    app.jinja_env.globals["new_idempotency_key"] = new_key
    app.extensions["idempotency.in_flight"] = InFlight()
