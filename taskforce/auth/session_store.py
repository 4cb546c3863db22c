"""Server-side sessions: the cookie holds only a random token; the session's data lives in `user_sessions`.

Flask's default cookie session stays valid after logout if someone copied it. Here logout, deactivation
or a role change sets `revoked_at`, and a revoked, idle (30 min) or old (12 h) row is never loaded again.

Visitors who have not signed in get no row at all: what they carry (the sign-in form's CSRF token, a flash
message) is nobody's secret, so it travels in a signed, expiring cookie of its own (`VISITOR_COOKIE`), as in
Flask's default. A flood of cookie-less requests then writes nothing to the database; a row is made at
sign-in, when the visitor cookie is dropped.
"""
import json
import random
from datetime import timedelta

from flask import request
from flask.sessions import SessionInterface, SessionMixin
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import bindparam, delete, select, update
from werkzeug.datastructures import CallbackDict

from taskforce.auth.models import User, UserSession
from taskforce.auth.passwords import new_token, token_hash
from taskforce.dbtypes import utcnow
from taskforce.extensions import db
from taskforce.outage import forget_database_work, is_database_outage

LAST_SEEN_RESOLUTION = timedelta(seconds=60)  # write last_seen_at at most once a minute per session
VISITOR_COOKIE = "taskforce_visitor"
VISITOR_KEYS = ("csrf_token", "_flashes")  # all a visitor's cookie may carry; anything else stays server-side
MAX_VISITOR_COOKIE = 3000  # bytes: a token and a message or two; anything bigger was not made here


class ServerSession(CallbackDict, SessionMixin):
    def __init__(self, initial=None, token: str | None = None, row_id: int | None = None, user=None):
        def on_update(session):
            session.modified = True

        super().__init__(initial, on_update)
        self.token = token
        self.row_id = row_id
        # The signed-in User read with the row. Holding it keeps it in SQLAlchemy's (weak) identity map for the
        # request, so flask-login's loader (`db.session.get`) finds it there instead of querying again.
        self.user = user
        # When this request read the row and found it live, and the row's last_seen_at then: a socket event's
        # `session_is_live` / `mark_active` answer from these instead of reading the row again.
        self.read_live_at = None
        self.last_seen_at = None
        self.modified = False
        self.rotate = False  # set on sign-in: a new token defeats session fixation
        # The database could not be reached (reading this session, or later in the request): the request is
        # answered with a 503 (taskforce.outage) and nothing is saved.
        self.database_down = False

    def end(self) -> None:
        """Forget this session here (its row is revoked by the caller); the cookie is deleted."""
        self.clear()
        self.row_id = None
        self.token = None
        self.user = None


def request_is_static() -> bool:
    return request.path.startswith("/static/")


def seen_resolution(config) -> timedelta:
    """How stale last_seen_at may get before it is written again: a minute, or a tenth of the idle timeout
    when that is shorter (so a short timeout, as in tests, still counts each minute's activity)."""
    return min(LAST_SEEN_RESOLUTION, config["SESSION_IDLE_TIMEOUT"] / 10)


def request_is_socket_event() -> bool:
    """A Socket.IO event (its context is built from the handshake's environ, path `/socket.io/`; plain
    HTTP to that path is answered by the Socket.IO middleware and never reaches Flask). Socket events are
    not activity by themselves: a page's automatic catch-up runs every 20 s, and counting it would keep an
    unattended channel tab signed in for 12 h. The chat namespace marks the events a person makes
    (`mark_active`)."""
    return request.path.rstrip("/") == "/socket.io"


def _expired(row, now, config) -> bool:
    """Whether a session row (a UserSession, or a row of its columns) may no longer be used."""
    return (row.revoked_at is not None
            or now - row.last_seen_at > config["SESSION_IDLE_TIMEOUT"]
            or now - row.created_at > config["SESSION_ABSOLUTE_TIMEOUT"])


# One query answers "who is this": the session row's columns and its user (see ServerSession.user). Built
# once, so SQLAlchemy computes its cache key once rather than on every request. Only the user is an ORM
# object: the row is read, and its last_seen_at written, as plain columns.
_ROW_AND_USER = (select(UserSession.id, UserSession.data, UserSession.created_at, UserSession.last_seen_at,
                        UserSession.revoked_at, User)
                 .select_from(UserSession).outerjoin(User, User.id == UserSession.user_id)
                 .where(UserSession.token_hash == bindparam("token_hash")))
_SEEN = (update(UserSession.__table__).where(UserSession.id == bindparam("row_id"))
         .values(last_seen_at=bindparam("now", type_=UserSession.last_seen_at.type)))


class DatabaseSessionInterface(SessionInterface):
    def open_session(self, app, request):
        if request_is_static():
            return ServerSession()
        token = request.cookies.get(self.get_cookie_name(app))
        if not token or len(token) > 100:
            data, stale = self._visitor_data(app, request)
            session = ServerSession(data)
            session.modified = stale  # re-signed when saved: the idle timeout counts from the last visit
            return session
        try:
            return self._signed_in_session(app, token)
        except Exception as error:
            # This runs while the request is set up, before the app's error handlers: an outage here would be
            # werkzeug's bare 500. The session is marked instead, and the request answered with a 503
            # (web.refuse_without_database); the cookie is left as it is, so the member is still signed in after.
            if not is_database_outage(error):
                raise
            forget_database_work()
            session = ServerSession(token=token)
            session.database_down = True
            return session

    def _signed_in_session(self, app, token: str) -> "ServerSession":
        row = db.session.execute(_ROW_AND_USER, {"token_hash": token_hash(token)}).first()
        now = utcnow()
        if row is None or _expired(row, now, app.config):
            return ServerSession()
        session = ServerSession(json.loads(row.data or "{}"), token=token, row_id=row.id, user=row.User)
        session.read_live_at, session.last_seen_at = now, row.last_seen_at
        if now - row.last_seen_at > seen_resolution(app.config) and not request_is_socket_event():
            db.session.execute(_SEEN, {"row_id": row.id, "now": now})
            db.session.commit()
        return session

    def save_session(self, app, session: ServerSession, response):
        if request_is_static() or session.database_down or not (session.modified or session.rotate):
            return
        if session.get("_user_id") is None:
            self._save_visitor(app, session, response)
            return
        user_id = int(session["_user_id"])
        data = json.dumps(dict(session))
        row = db.session.get(UserSession, session.row_id) if session.row_id else None
        if row is not None and session.rotate:
            row.revoked_at = utcnow()
            row = None
        if row is None:
            session.token = new_token()
            row = UserSession(token_hash=token_hash(session.token), created_at=utcnow(), last_seen_at=utcnow(),
                              ip=(request.remote_addr or "")[:64],
                              user_agent=(request.user_agent.string or "")[:255])
            db.session.add(row)
        row.data = data
        row.user_id = user_id
        db.session.commit()
        session.row_id = row.id
        if random.random() < 0.01:
            prune_expired_sessions(app.config)
        self._set_cookie(app, response, self.get_cookie_name(app), session.token)
        self._drop_cookie(app, response, VISITOR_COOKIE)

    def _save_visitor(self, app, session: ServerSession, response) -> None:
        """No one is signed in (a visitor, or someone who just signed out): the visitor keys go to the signed
        (not encrypted) visitor cookie, and a server session that was in use ends here — its row revoked,
        whatever else it held left behind, its cookie dropped."""
        if session.token or self.get_cookie_name(app) in request.cookies:
            revoke_session(session.row_id)
            db.session.commit()
            self._drop_cookie(app, response, self.get_cookie_name(app))
        data = {key: session[key] for key in VISITOR_KEYS if key in session}
        if not data:
            self._drop_cookie(app, response, VISITOR_COOKIE)
            return
        self._set_cookie(app, response, VISITOR_COOKIE, _visitor_serializer(app).dumps(data))

    def _visitor_data(self, app, request) -> tuple[dict, bool]:
        """The signed visitor cookie's data, and whether it is due to be re-signed (signed over a minute
        ago); nothing when it is missing, forged, oversized or idle too long."""
        value = request.cookies.get(VISITOR_COOKIE)
        if not value or len(value) > MAX_VISITOR_COOKIE:
            return {}, False
        try:
            data, signed_at = _visitor_serializer(app).loads(
                value, max_age=int(app.config["SESSION_IDLE_TIMEOUT"].total_seconds()), return_timestamp=True)
        except BadSignature:  # also a timed-out signature
            return {}, False
        if not isinstance(data, dict):
            return {}, False
        data = {key: data[key] for key in VISITOR_KEYS if key in data}
        return data, utcnow() - signed_at > LAST_SEEN_RESOLUTION

    def _set_cookie(self, app, response, name: str, value: str) -> None:
        response.set_cookie(name, value, httponly=True, secure=self.get_cookie_secure(app),
                            samesite=self.get_cookie_samesite(app), domain=self.get_cookie_domain(app),
                            path=self.get_cookie_path(app))

    def _drop_cookie(self, app, response, name: str) -> None:
        if name in request.cookies:
            response.delete_cookie(name, domain=self.get_cookie_domain(app), path=self.get_cookie_path(app))


def _visitor_serializer(app) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(app.secret_key, salt="taskforce-visitor-session")


def prune_expired_sessions(config) -> int:
    """Delete anonymous rows past the idle timeout (signed-in rows are kept as the sign-in history)."""
    cutoff = utcnow() - config["SESSION_IDLE_TIMEOUT"]
    result = db.session.execute(
        delete(UserSession).where(UserSession.user_id.is_(None), UserSession.last_seen_at < cutoff)
    )
    db.session.commit()
    return result.rowcount or 0


def revoke_sessions(user_id: int, *, except_row_id: int | None = None) -> list[int]:
    """Revoke every live session of a user (logout everywhere, deactivation, role change). Part of the
    caller's transaction; returns the revoked row ids so live sockets can be disconnected."""
    now = utcnow()
    stmt = select(UserSession.id).where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
    if except_row_id:
        stmt = stmt.where(UserSession.id != except_row_id)
    ids = list(db.session.scalars(stmt))
    if ids:
        db.session.execute(update(UserSession).where(UserSession.id.in_(ids)).values(revoked_at=now))
    return ids


def revoke_session(row_id: int | None) -> None:
    if row_id:
        db.session.execute(update(UserSession).where(UserSession.id == row_id, UserSession.revoked_at.is_(None))
                           .values(revoked_at=utcnow()))


def session_is_live(row_id: int | None, config, opened: ServerSession | None = None) -> bool:
    """Socket events re-check this, so a socket opened with a cookie dies with the cookie. `opened`: the
    session this very event opened (Flask-SocketIO opens it anew for every event); if it read this row and
    found it live, that read is the check (no second query)."""
    if not row_id:
        return False
    if opened is not None and opened.row_id == row_id and opened.read_live_at is not None:
        return True
    row = db.session.get(UserSession, row_id)
    return row is not None and not _expired(row, utcnow(), config)


def mark_active(row_id: int | None, config, opened: ServerSession | None = None) -> None:
    """Someone acted over a socket (sent, edited, reacted, typed): the session's idle clock restarts, as for
    a page request. Written at most once a minute; the row is usually in the identity map already (the
    event's `session_is_live` read it), so most calls cost no query. A session already ended stays ended."""
    if not row_id:
        return
    now = utcnow()
    if (opened is not None and opened.row_id == row_id and opened.last_seen_at is not None
            and now - opened.last_seen_at <= seen_resolution(config)):
        return  # written less than a minute ago, as the row this event read says: no query
    row = db.session.get(UserSession, row_id)
    if row is None or _expired(row, now, config) or now - row.last_seen_at <= seen_resolution(config):
        return
    db.session.execute(_SEEN, {"row_id": row_id, "now": now})
    db.session.commit()


def ended_sessions(row_ids, config) -> set[int]:
    """Which of these session rows can no longer be used (revoked, idle, too old, or gone): one query, for
    the live layer's sweep of open sockets."""
    ids = {i for i in row_ids or () if isinstance(i, int)}
    if not ids:
        return set()
    rows = {row.id: row for row in db.session.execute(
        select(UserSession.id, UserSession.created_at, UserSession.last_seen_at, UserSession.revoked_at)
        .where(UserSession.id.in_(sorted(ids))))}
    now = utcnow()
    db.session.commit()  # end the read transaction: the sweep's session lives on between passes
    return {i for i in ids if i not in rows or _expired(rows[i], now, config)}


__all__ = ["mark_active", "ended_sessions", "DatabaseSessionInterface", "ServerSession", "revoke_sessions", "revoke_session",
           "session_is_live", "prune_expired_sessions"]
