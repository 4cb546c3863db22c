"""The access log hands out no secrets and no case details.

Werkzeug logs every request line (`"GET /path?query HTTP/1.1" 200 -`). Paths can carry keys — an invitation
token (`/auth/invite/<token>`), a member's calendar-feed secret (`/training/feeds/<secret>.ics`) — and query
strings carry search text, which may hold a name. The filter rewrites each line before any handler sees it:
the query becomes `?…`, and every secret path segment `…`. Secret segments are found three ways, so a new
route is covered without touching this file: the variables of the app's routes whose names say they are
secret (`token`, `secret`, `key`), the contract paths above, and any long random-looking segment.
"""
import logging
import re

_SECRET_NAME = re.compile(r"token|secret|key", re.IGNORECASE)
_ROUTE_PART = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
_KNOWN = (re.compile(r"(?<=/auth/invite/)[^/?]+"), re.compile(r"(?<=/training/feeds/)[^/?]+?(?=\.ics|/|$)"))
# 20+ URL-safe characters with a digit and a letter: a generated key (token_urlsafe, hex), never a word.
_RANDOM = re.compile(r"(?<=/)(?=[A-Za-z0-9_\-]*\d)(?=[A-Za-z0-9_\-]*[A-Za-z])[A-Za-z0-9_\-]{20,}(?=[/.]|$)")
# The request line as werkzeug writes it (the path is decoded, so it may hold spaces and quotes; the version
# after the last space ends it), optionally wrapped in a colour code.
_REQUEST_LINE = re.compile(r'(?P<method>[A-Z]+) (?P<target>.*) (?P<version>HTTP/\d(?:\.\d)?)')
REDACTED = "…"


class AccessLogRedaction(logging.Filter):
    """Rewrites werkzeug's records in place (see the module). `secret_routes` are the app's route patterns
    with a secret variable, as compiled regexes whose groups named `secret…` are cut."""

    def __init__(self):
        super().__init__()
        self.secret_routes: list[re.Pattern] = []

    def learn_routes(self, rules) -> None:
        """Add the routes among `rules` (werkzeug rule strings) that carry a secret variable."""
        for rule in rules:
            pattern = _route_pattern(rule)
            if pattern is not None and pattern.pattern not in {p.pattern for p in self.secret_routes}:
                self.secret_routes.append(pattern)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = self.redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True

    def redact(self, message: str) -> str:
        line = _REQUEST_LINE.search(message)
        if line is None:  # a malformed request line quoted in an error: cut from the first "?" to the end
            path, sep, _ = message.partition("?")
            return self._path(path) + (f"?{REDACTED}" if sep else "")
        path, sep, _ = line.group("target").partition("?")
        target = self._path(path) + (f"?{REDACTED}" if sep else "")
        return f"{message[:line.start('target')]}{target}{message[line.end('target'):]}"

    def _path(self, path: str) -> str:
        for pattern in self.secret_routes:
            path = pattern.sub(_cut_secret_groups, path)
        for pattern in _KNOWN + (_RANDOM,):
            path = pattern.sub(REDACTED, path)
        return path


def _route_pattern(rule: str) -> re.Pattern | None:
    """`/training/feeds/<secret>.ics` -> a regex matching such paths, the secret variable a named group."""
    parts, position, secret = [], 0, False
    for index, variable in enumerate(_ROUTE_PART.finditer(rule)):
        parts.append(re.escape(rule[position:variable.start()]))
        name = "secret" if _SECRET_NAME.search(variable.group(1)) else "part"
        secret = secret or name == "secret"
        parts.append(f"(?P<{name}{index}>[^/]+?)")
        position = variable.end()
    if not secret:
        return None
    parts.append(re.escape(rule[position:]))
    return re.compile("".join(parts) + r"(?=/|$)")


def _cut_secret_groups(match: re.Match) -> str:
    text, offset = match.group(0), match.start()
    for name, value in sorted(match.groupdict().items(), key=lambda item: -match.start(item[0])):
        if name.startswith("secret") and value:
            start, end = match.start(name) - offset, match.end(name) - offset
            text = text[:start] + REDACTED + text[end:]
    return text


def redact_access_log(app=None, logger: str = "werkzeug") -> AccessLogRedaction:
    """Install the one filter on an access logger — werkzeug's (the development and `python app.py`
    server's) or gunicorn's (`gunicorn.access`, deploy/gunicorn.conf.py) — teaching it the secret routes of
    `app`. Called by `create_app` once every blueprint is in, and by gunicorn once its worker loaded the app."""
    access_log = logging.getLogger(logger)
    installed = next((f for f in access_log.filters if isinstance(f, AccessLogRedaction)), None)
    if installed is None:
        installed = AccessLogRedaction()
        access_log.addFilter(installed)
    if app is not None:
        installed.learn_routes(rule.rule for rule in app.url_map.iter_rules())
    return installed
