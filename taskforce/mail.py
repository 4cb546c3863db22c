"""The one way mail leaves the app (DESIGN §2): invitations, stale-entry reminders, notification emails
and digests all call `send`.

Mail goes to the SMTP relay named by `MAIL_SERVER` / `MAIL_PORT` (unset: nothing is sent and `send` says
so). What is mailed is decided by the caller and never holds message or lesson text; the log names no
address and no subject, only that a mail of some purpose failed.
"""
import logging
import os
import re
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app, has_request_context, request

log = logging.getLogger(__name__)
TIMEOUT = 10


def configured() -> bool:
    """Whether mail can be sent at all (an SMTP relay is configured)."""
    return bool(current_app.config.get("MAIL_SERVER"))


def _one_line(text: str) -> str:
    return " ".join(re.sub(r"[\x00-\x1f\x7f]", " ", str(text)).split())[:200]  # no header injection


def send(recipients, subject: str, body: str, *, purpose: str = "mail") -> bool:
    """Send one plain-text email to `recipients` (an address or a list; each sees only the others it was
    sent to). Returns whether the relay accepted it; a failure is logged by purpose only."""
    recipients = [recipients] if isinstance(recipients, str) else [r for r in recipients if r]
    if not configured() or not recipients:
        return False
    config = current_app.config
    message = EmailMessage()
    message["Subject"] = _one_line(subject)
    message["From"] = config["MAIL_FROM"]
    message["To"] = ", ".join(recipients)
    message["Message-ID"] = make_msgid(domain=config["MAIL_FROM"].rpartition("@")[2] or "taskforce")
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body)
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config.get("MAIL_TIMEOUT", TIMEOUT)) as smtp:
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        log.warning("%s mail failed (%s)", purpose, type(error).__name__)
        return False
    return True


def absolute_url(path: str) -> str:
    """A link for an email: `PUBLIC_URL` when set (behind a proxy the request's host may be internal), else
    the address the member reached the app at (in a request), else localhost."""
    if not path.startswith("/"):
        path = "/" + path
    base = current_app.config.get("PUBLIC_URL") or os.environ.get("PUBLIC_URL")
    if not base:
        base = request.host_url if has_request_context() else "http://localhost:5000"
    return base.rstrip("/") + path
