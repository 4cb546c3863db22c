"""PURE: password rules, hashing and one-time secrets.

Argon2id (memory-hard) for passwords; zxcvbn judges strength the way an attacker's cracker would, instead of
composition rules that users game. Tokens (invitations, sessions) are random and only their SHA-256 is
stored, so a database dump does not hand out working links or cookies.
"""
import hashlib
import secrets

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

MIN_LENGTH = 12
MAX_LENGTH = 256
MIN_SCORE = 3  # zxcvbn 0..4: 3 = "safely unguessable: moderate protection from offline slow-hash attack"

_hasher = PasswordHasher()  # argon2id, 64 MiB, 3 iterations (library defaults, RFC 9106 low-memory)
_DUMMY_HASH = _hasher.hash("timing-equaliser-not-a-password")


def password_problems(password: str, user_inputs: list[str] = ()) -> list[str]:
    """Reasons a password is refused (empty list: acceptable)."""
    if not isinstance(password, str) or not password:
        return ["Choose a password."]
    if len(password) < MIN_LENGTH:
        return [f"Use at least {MIN_LENGTH} characters."]
    if len(password) > MAX_LENGTH:
        return [f"Use at most {MAX_LENGTH} characters."]
    result = zxcvbn(password, user_inputs=[u for u in user_inputs if u])
    if result["score"] < MIN_SCORE:
        feedback = result["feedback"]
        hint = feedback.get("warning") or "This password is too easy to guess."
        suggestions = " ".join(feedback.get("suggestions") or ["Add a few uncommon words."])
        return [f"{hint} {suggestions}".strip()]
    return []


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Constant work whether or not the account exists (a missing hash verifies a dummy)."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_step_if_valid(secret: str, code: str, last_step: int | None, now_ts: float) -> int | None:
    """The time step the code belongs to, or None. Accepts one step of clock drift either side, and never
    a step at or before `last_step` (a code is used once)."""
    code = (code or "").strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = int(now_ts // totp.interval)
    for step in (current - 1, current, current + 1):
        if last_step is not None and step <= last_step:
            continue
        if secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name="Taskforce")
