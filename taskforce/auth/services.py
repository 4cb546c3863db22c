"""Sign-in, sign-out and second factor. The view hands in what the person typed; these rules decide.

A failed sign-in never says which part was wrong or whether the email exists; five failures in fifteen
minutes lock the account (a coordinator can unlock it earlier).
"""
import time
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select

from taskforce import audit
from taskforce.auth import passwords
from taskforce.auth.models import User
from taskforce.auth.session_store import revoke_session, revoke_sessions
from taskforce.auth.signals import sessions_revoked
from taskforce.auth.validation import clean_email
from taskforce.dbtypes import utcnow
from taskforce.errors import DomainError, PermissionDenied, ValidationError
from taskforce.extensions import db

SIGN_IN_FAILED = ("Sign-in failed: check your email, password and authenticator code. After 5 failed "
                  "attempts in 15 minutes the account is locked for 15 minutes.")


class SignInFailed(DomainError):
    status = 401

    def __init__(self):
        super().__init__(SIGN_IN_FAILED)


def normalise_email(email) -> str:
    return str(email or "").strip().lower()[:254]


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def load_active_user(user_id) -> User | None:
    """flask-login's loader: a deactivated account is never loaded into a request or socket event."""
    try:
        user = db.session.get(User, int(user_id))
    except (TypeError, ValueError):
        return None
    return user if user is not None and user.active else None


def _register_failure(user: User, now: datetime) -> None:
    window = current_app.config["LOGIN_FAILURE_WINDOW"]
    if user.failed_window_start is None or now - user.failed_window_start > window:
        user.failed_window_start, user.failed_logins = now, 0
    user.failed_logins += 1
    if user.failed_logins >= current_app.config["LOGIN_MAX_FAILURES"] and not user.is_locked(now):
        user.locked_until = now + window
        audit.record(user, "auth.lockout", user, outcome="locked")


def _typed_email_label(email: str, user: User | None) -> str:
    """What a failed sign-in's audit row names as the actor. People sometimes type their password into the
    email field: text that is not an email address is never stored (the audit log holds no passwords)."""
    if user is not None:
        return user.email
    try:
        return clean_email(email)
    except ValidationError:
        return "(not an email address)"


def authenticate(email, password, totp_code=None) -> User:
    """Check a sign-in attempt and return the user, or raise `SignInFailed` (generic on purpose)."""
    now = utcnow()
    email = normalise_email(email)
    password = password if isinstance(password, str) else ""
    user = find_user_by_email(email) if email else None
    password_ok = passwords.verify_password(user.password_hash if user else None, password[:passwords.MAX_LENGTH])
    reason = None
    if user is None:
        reason = "unknown_email"
    elif not user.active:
        reason = "inactive"
    elif user.is_locked(now):
        reason = "locked"
    elif not password_ok:
        reason = "bad_password"
    elif user.totp_enabled:
        step = passwords.totp_step_if_valid(user.totp_secret, str(totp_code or ""), user.totp_last_step, time.time())
        if step is None:
            reason = "bad_totp"
        else:
            user.totp_last_step = step
    if reason:
        if user is not None and reason in ("bad_password", "bad_totp"):
            _register_failure(user, now)
        audit.record(user, "auth.sign_in", user, outcome=reason, actor_label=_typed_email_label(email, user))
        db.session.commit()
        raise SignInFailed()
    user.failed_logins, user.failed_window_start, user.locked_until = 0, None, None
    user.last_login_at = now
    audit.record(user, "auth.sign_in", user)
    db.session.commit()
    return user


def sign_out(actor: User, session_row_id: int | None) -> None:
    """End one sign-in session server-side (the cookie stops working everywhere it was copied)."""
    revoke_session(session_row_id)
    audit.record(actor, "auth.sign_out", actor)
    db.session.commit()
    sessions_revoked.send(current_app._get_current_object(), user_id=actor.id,
                          session_ids=[session_row_id] if session_row_id else [])


def end_all_sessions(user: User, *, keep_session_id: int | None = None) -> None:
    """Revoke every session of `user` (but `keep_session_id`) with the caller's pending changes, commit,
    and announce it so live sockets close."""
    ids = revoke_sessions(user.id, except_row_id=keep_session_id)
    db.session.commit()
    sessions_revoked.send(current_app._get_current_object(), user_id=user.id, session_ids=ids)


def confirm_totp(actor: User, secret: str, code: str) -> None:
    """Turn on two-factor once the person proves their app produces codes for `secret`."""
    if actor.totp_enabled:
        raise ValidationError("Two-factor sign-in is already on.")
    if not secret or len(secret) > 64:
        raise ValidationError("Start the set-up again: the secret was lost.")
    step = passwords.totp_step_if_valid(secret, str(code or ""), None, time.time())
    if step is None:
        raise ValidationError("That code does not match. Check the time on your phone and try the newest code.",
                              field="code")
    actor.totp_secret, actor.totp_last_step = secret, step
    audit.record(actor, "auth.totp_enabled", actor)
    db.session.commit()


def disable_totp(actor: User, password: str) -> None:
    """Members may turn two-factor off again (with their password); coordinators and admins may not."""
    if actor.requires_totp:
        raise PermissionDenied("Coordinators and admins must keep two-factor sign-in on.")
    if not actor.totp_enabled:
        raise ValidationError("Two-factor sign-in is not on.")
    if not passwords.verify_password(actor.password_hash, str(password or "")):
        raise ValidationError("That password is not right.", field="password")
    actor.totp_secret, actor.totp_last_step = None, None
    audit.record(actor, "auth.totp_disabled", actor)
    db.session.commit()


def change_password(actor: User, current: str, new: str, *, keep_session_id: int | None = None) -> None:
    """A new password ends every other session (someone else may hold the old one)."""
    if not passwords.verify_password(actor.password_hash, str(current or "")):
        raise ValidationError("Your current password is not right.", field="current_password")
    problems = passwords.password_problems(str(new or ""), [actor.email, actor.display_name])
    if problems:
        raise ValidationError(problems[0], field="new_password")
    actor.password_hash = passwords.hash_password(new)
    audit.record(actor, "auth.password_changed", actor)
    end_all_sessions(actor, keep_session_id=keep_session_id)
