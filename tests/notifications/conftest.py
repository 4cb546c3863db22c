"""Notification fixtures: a registered kind, an SMTP server that really listens (aiosmtpd)."""
import socket

import pytest

from taskforce.notifications import register_kind


@pytest.fixture
def kind(app):
    return register_kind("test_ping", "Test pings")


class Inbox:
    """What the local SMTP server received: (recipients, parsed message) per mail."""

    def __init__(self):
        self.mails = []

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy
        self.mails.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(app):
    """A real SMTP server on a loopback port; the app's MAIL_SERVER points at it."""
    from aiosmtpd.controller import Controller
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_FROM="taskforce@tf.example",
                      PUBLIC_URL="https://tf.example")
    yield inbox
    controller.stop()


from tests.channels.conftest import LiveSocket, signed_in_socket  # noqa: E402,F401  (a real Socket.IO client)
from tests.channels.conftest import generous_send_limit, make_channel  # noqa: E402,F401
from tests.directory.conftest import make_service  # noqa: E402,F401
from tests.lessons.conftest import lesson_form, make_lesson  # noqa: E402,F401
