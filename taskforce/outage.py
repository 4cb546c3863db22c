"""A database outage is a 503 the member can act on, never a bare 500 — and nothing is half-written.

The database can go away under a running server (a restart, a failover, a network cut). Then every request
that needs it fails with a driver error; what the member must learn is that nothing was saved and that trying
again in a minute will work, and a proxy must learn when to retry (`Retry-After`). This module decides which
errors mean "the database cannot be reached" and builds that answer; `web.register` installs it as the error
handler, and the session store (which reads the session row while the request is set up, before any handler
runs) marks its session `database_down` so the request is refused the same way.

A form post that meets the outage is not lost either: every service is one transaction, so nothing of it was
applied, and the 503 page carries the fields that were sent (never passwords, codes or tokens) in a form that
sends them again to the same address.
"""
import logging

from flask import g, render_template, request, session
from sqlalchemy import exc
from werkzeug.exceptions import ServiceUnavailable

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 60
DATABASE_DOWN = "The database is unavailable; your work was not saved; try again in a minute."
# Fields never written back into a page: secrets, and the tokens the resend form sets itself.
SECRET_FIELDS = ("password", "totp", "code", "token", "secret")
MAX_KEPT_CHARACTERS = 500_000  # a lesson at its limits fits; anything bigger was not typed into our forms


class DatabaseUnavailable(ServiceUnavailable):
    """Raised where a request cannot go on without the database (its session row could not be read)."""

    description = DATABASE_DOWN

    def __init__(self):
        super().__init__(retry_after=RETRY_AFTER_SECONDS)


def is_database_outage(error: BaseException | None) -> bool:
    """Whether an error means the database cannot be reached, rather than a bug or a bad value: the driver's
    OperationalError (connection refused or lost, server shutting down, backend terminated, timeout) and
    InterfaceError (connection already closed), any DBAPI error SQLAlchemy recognised as a disconnect, a
    dead pooled connection the pool could not replace, and the pool's own checkout timeout."""
    if isinstance(error, DatabaseUnavailable):
        return True
    if isinstance(error, exc.DBAPIError):
        return error.connection_invalidated or isinstance(error, (exc.OperationalError, exc.InterfaceError))
    return isinstance(error, (exc.DisconnectionError, exc.TimeoutError))


def forget_database_work() -> None:
    """End the request's transaction (nothing of it was committed) without touching the server again."""
    from taskforce.extensions import db
    try:
        db.session.rollback()
    except Exception:  # the connection is gone: the pool replaces it when the session is removed
        pass


def _kept_fields() -> list[tuple[str, str]]:
    """The sent form's fields to give back to the member, or [] when they cannot all be given back (a file,
    a secret, more than a form holds): the page then only says how to get them back (the browser's Back)."""
    if request.method != "POST" or request.is_json or request.files:
        return []
    fields = list(request.form.items(multi=True))
    if any(any(word in name.lower() for word in SECRET_FIELDS) for name, _ in fields if name != "csrf_token"):
        return []
    if sum(len(value) for _, value in fields) > MAX_KEPT_CHARACTERS:
        return []
    return fields


def database_unavailable_response(error: BaseException | None = None):
    """The 503 answer: JSON for `/api/…` and scripts, otherwise a page that says nothing was saved and, for
    a form post, gives the sent text back with a button that sends it again. Rendered without the database:
    the member is shown as signed out for this one page (their user row cannot be loaded) and the session
    is not saved."""
    from taskforce.extensions import login_manager
    from taskforce.web import wants_json
    if error is not None and not isinstance(error, DatabaseUnavailable):
        orig = getattr(error, "orig", None) or error
        log.warning("database unavailable: %s", type(orig).__name__)  # never the message: it may quote values
    forget_database_work()
    session.database_down = True  # nothing to save, and nowhere to save it
    g._login_user = login_manager.anonymous_user()  # the page must not load the member's row again
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
    if wants_json():
        return {"error": DATABASE_DOWN, "retry_after": RETRY_AFTER_SECONDS}, 503, headers
    fields = _kept_fields()
    page = render_template("errors/unavailable.html", message=DATABASE_DOWN, retry_after=RETRY_AFTER_SECONDS,
                           was_post=request.method == "POST", fields=fields,
                           action=request.full_path if request.query_string else request.path)
    return page, 503, headers
