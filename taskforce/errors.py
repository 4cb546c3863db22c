"""Domain exceptions. Services raise these with a sentence a user can read; `web.py` maps them to
HTTP status codes and `events.py` handlers to an `error` event, so nothing user-caused becomes a 500."""


class DomainError(Exception):
    """Base of every error a user can cause; `status` is the HTTP status it maps to."""

    status = 400

    def __init__(self, message: str, *, details: dict | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or {}


class ValidationError(DomainError):
    """The input is malformed or breaks a rule (empty, too long, wrong type)."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None, details: dict | None = None):
        super().__init__(message, details=details)
        self.field = field


class PermissionDenied(DomainError):
    """The actor may not do this (wrong role, another organization's record)."""

    status = 403


class NotFound(DomainError):
    """The record does not exist — or the actor may not know it exists."""

    status = 404


class Conflict(DomainError):
    """The record changed state or was edited concurrently; retrying blindly would lose data."""

    status = 409


class RateLimited(DomainError):
    """Too many requests in a short time (floods)."""

    status = 429
