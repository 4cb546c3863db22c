"""PURE: small input checks shared by the auth services (and reused by other domains for names)."""
from email_validator import EmailNotValidError, validate_email

from taskforce.errors import ValidationError


def clean_text(value, field: str, label: str, *, max_length: int, required: bool = True) -> str:
    """Strip a text field and check it is a string, present when required, and not too long."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(f"{label} must be text.", field=field)
    value = value.strip()
    if required and not value:
        raise ValidationError(f"{label} is required.", field=field)
    if len(value) > max_length:
        raise ValidationError(f"{label} is too long (at most {max_length} characters).", field=field)
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value):
        raise ValidationError(f"{label} contains control characters.", field=field)
    return value


def clean_email(value, field: str = "email") -> str:
    """A syntactically valid address, lower-cased (deliverability is not checked: no network here)."""
    text = clean_text(value, field, "Email", max_length=254)
    try:
        return validate_email(text, check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise ValidationError(f"That email address is not valid: {error}", field=field) from None


def clean_choice(value, enum_cls, field: str, label: str):
    """Turn a submitted string into a member of `enum_cls`, or explain the allowed values."""
    try:
        return enum_cls(value)
    except (ValueError, TypeError):
        allowed = ", ".join(m.value for m in enum_cls)
        raise ValidationError(f"{label} must be one of: {allowed}.", field=field) from None
