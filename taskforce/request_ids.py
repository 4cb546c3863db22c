"""A request id on every log line, and LOG_FORMAT=json: one JSON object per line for a log collector.

The id is the proxy's X-Request-ID when it is a sane token (deploy/nginx.conf sends nginx's $request_id),
else a new one; it is echoed in the response's X-Request-ID so a member's report ("it failed at 10:02")
can be found in the log. A Socket.IO event's id is `<connection id>.<n>` (taskforce.live.event_log: the
handshake's X-Request-ID or a new id, and the event's number on that connection). Lines hold what the code logs (ids, counts, paths without
queries), never a form's text: nothing here adds request data besides the id.
"""
import json
import logging
import re
import uuid
from collections.abc import Mapping
from datetime import datetime, timezone

from flask import g, has_app_context, has_request_context, request

SANE_ID = re.compile(r"[A-Za-z0-9._-]{8,128}")
HEADER = "X-Request-ID"
GUNICORN_ATOM = "{x-request-id}o"  # the response header, in gunicorn's access-log atoms


def current_request_id() -> str | None:
    """This request's (or socket event's) id, chosen once per app context; None outside any request."""
    if not (has_request_context() and has_app_context()):
        return None
    rid = g.get("request_id")
    if rid is None:
        offered = request.headers.get(HEADER, "")
        rid = offered if SANE_ID.fullmatch(offered) else uuid.uuid4().hex
        g.request_id = rid
    return rid


class RequestIdFilter(logging.Filter):
    """Stamps `record.request_id` (a handler filter: it sees records of every logger that reaches it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            rid = None
            if isinstance(record.args, Mapping) and GUNICORN_ATOM in record.args:  # gunicorn access line
                rid = record.args[GUNICORN_ATOM]
                rid = rid if rid and rid != "-" else None
            record.request_id = rid or current_request_id()
        return True


class JsonLinesFormatter(logging.Formatter):
    """{"ts", "level", "logger", "message", "request_id"[, "exception"]} on one line."""

    def format(self, record: logging.LogRecord) -> str:
        line = {"ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
                "level": record.levelname, "logger": record.name, "message": record.getMessage(),
                "request_id": getattr(record, "request_id", None)}
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def install_json_logging(handlers) -> None:
    for handler in handlers:
        if not any(isinstance(f, RequestIdFilter) for f in handler.filters):
            handler.addFilter(RequestIdFilter())
        handler.setFormatter(JsonLinesFormatter())


def register(app) -> None:
    @app.after_request
    def echo_request_id(response):
        rid = current_request_id()
        if rid:
            response.headers[HEADER] = rid
        return response

    if app.config.get("LOG_FORMAT") == "json":  # the plain stream handlers (logging.basicConfig's), not a test's
        install_json_logging([h for h in logging.getLogger().handlers if type(h) is logging.StreamHandler])
