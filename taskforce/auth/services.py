"""Sign-in, sign-out and second factor. The view hands in what the person typed; these rules decide.

A failed sign-in never says which part was wrong or whether the email exists; five failures in fifteen
minutes lock the account (a coordinator can unlock it earlier).
"""
import time
from datetime import datetime

from flask import current_app
from sqlalchemy import case, func, literal, or_, select, update

from taskforce import audit
from taskforce.auth import passwords
from taskforce.auth.models import User
from taskforce.auth.session_store import revoke_session, revoke_sessions
from taskforce.auth.signals import sessions_revoked
from taskforce.auth.validation import clean_email
from taskforce.dbtypes import UTCDateTime, utcnow
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


def _reserve_attempt(user: User, now: datetime) -> int:
    """Count this attempt before the password is checked, atomically in the database, and return the count in
    the current window. Counting first means parallel guesses cannot all slip past the limit while the slow
    password hash runs; a successful sign-in resets the count."""
    window_over = or_(User.failed_window_start.is_(None),
                      User.failed_window_start < literal(now - current_app.config["LOGIN_FAILURE_WINDOW"], UTCDateTime))
    count = db.session.execute(
        update(User).where(User.id == user.id).values(
            failed_logins=case((window_over, 1), else_=User.failed_logins + 1),
            failed_window_start=case((window_over, literal(now, UTCDateTime)), else_=User.failed_window_start),
        ).returning(User.failed_logins)
    ).scalar_one()
    db.session.commit()
    return count


def _lock(user: User, now: datetime) -> None:
    """Lock for the failure window (once: parallel attempts do not extend or re-audit it)."""
    window = current_app.config["LOGIN_FAILURE_WINDOW"]
    result = db.session.execute(
        update(User).where(User.id == user.id, or_(User.locked_until.is_(None),
                                                   User.locked_until <= literal(now, UTCDateTime)))
        .values(locked_until=literal(now + window, UTCDateTime)))
    if result.rowcount:
        audit.record(user, "auth.lockout", user, outcome="locked")


def _claim_totp_step(user: User, step: int) -> bool:
    """A code is used once, even by two requests racing with it."""
    result = db.session.execute(
        update(User).where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step))
    return result.rowcount == 1


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
    reason = _refusal(user, now)
    if reason is None:
        attempts = _reserve_attempt(user, now)
        reason = "locked" if attempts > current_app.config["LOGIN_MAX_FAILURES"] else _check_secrets(
            user, password, totp_code)
        if reason and attempts >= current_app.config["LOGIN_MAX_FAILURES"]:
            _lock(user, now)
    else:
        passwords.verify_password(None, password[:passwords.MAX_LENGTH])  # same work as a real check
    if reason:
        audit.record(user, "auth.sign_in", user, outcome=reason, actor_label=_typed_email_label(email, user))
        db.session.commit()
        raise SignInFailed()
    user.failed_logins, user.failed_window_start, user.locked_until = 0, None, None
    user.last_login_at = now
    audit.record(user, "auth.sign_in", user)
    db.session.commit()
    return user


def _refusal(user: User | None, now: datetime) -> str | None:
    if user is None:
        return "unknown_email"
    if not user.active:
        return "inactive"
    if user.is_locked(now):
        return "locked"
    return None


def _check_secrets(user: User, password: str, totp_code) -> str | None:
    if not passwords.verify_password(user.password_hash, password[:passwords.MAX_LENGTH]):
        return "bad_password"
    if user.totp_enabled:
        step = passwords.totp_step_if_valid(user.totp_secret, str(totp_code or ""), user.totp_last_step, time.time())
        if step is None or not _claim_totp_step(user, step):
            return "bad_totp"
    return None


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
    end_sessions_of([user], keep_session_id=keep_session_id)


def end_sessions_of(users, *, keep_session_id: int | None = None) -> None:
    """Revoke every session of these people in one commit (with the caller's pending changes), then announce
    each so their live sockets close and reconnect with their new rights."""
    revoked = {user.id: revoke_sessions(user.id, except_row_id=keep_session_id) for user in users}
    db.session.commit()
    for user_id, ids in revoked.items():
        sessions_revoked.send(current_app._get_current_object(), user_id=user_id, session_ids=ids)


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
