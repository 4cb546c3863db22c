"""The access log of the served app (werkzeug's, as `python app.py` writes it) holds no search text, no
invitation token and no feed secret: requests go over a real socket and the test reads the log records."""
import logging
import re
import secrets

import pytest
import requests


@pytest.fixture
def access_log():
    """Every line the werkzeug logger hands to its handlers while the test runs."""
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record):
            lines.append(re.sub(r"\x1b\[[\d;]*m", "", record.getMessage()))  # werkzeug's colours

    logger = logging.getLogger("werkzeug")
    handler, level = Collect(level=logging.INFO), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield lines
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_served_requests_leave_no_search_text_or_secret_in_the_access_log(live_server, access_log):
    invitation, feed = "Quorbendt-invite-7", secrets.token_urlsafe(24)
    requests.get(f"{live_server.url}/directory/?q=Quorbendt+Maria&category=shelter", timeout=10, allow_redirects=False)
    requests.get(f"{live_server.url}/lessons/?q=%22Zorblat%20Gonzalez%22", timeout=10, allow_redirects=False)
    requests.get(f"{live_server.url}/auth/invite/{invitation}", timeout=10)
    requests.get(f"{live_server.url}/training/feeds/{feed}.ics", timeout=10)
    requests.get(f"{live_server.url}/healthz", timeout=10)

    log = "\n".join(access_log)
    assert log.count(" HTTP/1.1") == 5, log  # the requests were logged: the test reads the real log
    for secret in ("Quorbendt", "Maria", "Zorblat", "Gonzalez", "shelter", invitation, feed):
        assert secret not in log, f"{secret!r} reached the access log:\n{log}"
    assert '"GET /directory/?… HTTP/1.1" 302' in log  # what is left is still useful: path and status
    assert "/auth/invite/… HTTP/1.1" in log and "/training/feeds/….ics HTTP/1.1" in log
    assert '"GET /healthz HTTP/1.1" 200' in log
