"""gunicorn settings for one Taskforce process: `gunicorn -c deploy/gunicorn.conf.py app:app` (`make serve`).

Flask-SocketIO in threading mode (simple-websocket) needs ONE worker per process: a Socket.IO session lives
in the memory of the process that opened it. Concurrency comes from threads (each open websocket holds one
thread, so GUNICORN_THREADS bounds the members connected to this process). To use more cores, start more
processes on other ports with the same SOCKETIO_MESSAGE_QUEUE=redis://… (they share rooms through it) and put
nginx in front (deploy/nginx.conf) with sticky sessions or websocket-only clients.

Every value comes from the environment so an operator configures processes as the README's table says.
The access log goes through the same redaction as the development server's (taskforce.web.AccessLogRedaction):
invitation tokens and query strings (searches may hold names) never reach it.
"""
import os

from gunicorn.glogging import Logger

bind = os.environ.get("GUNICORN_BIND") or f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = 1  # never more: see the docstring (Flask-SocketIO's deployment notes)
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "100"))
# A worker that does not report for this long is restarted; websockets do not count against it (gthread).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# On SIGTERM, requests in flight get this long to end (as SHUTDOWN_GRACE_SECONDS for `python app.py`).
graceful_timeout = int(os.environ.get("SHUTDOWN_GRACE_SECONDS", "5"))
keepalive = 5
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# gunicorn's default line plus the request id the app echoed (X-Request-ID), to match it with the app's lines.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" rid=%({x-request-id}o)s'
# The client address nginx saw (X-Forwarded-For) is trusted only from these proxies.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proc_name = os.environ.get("GUNICORN_PROC_NAME", "taskforce")
# gunicorn's control socket sits at one path per user (~/.gunicorn/gunicorn.ctl): several processes on a host
# would fight over it. Processes are managed by signals (TERM, HUP) and the service manager instead.
control_socket_disable = True


class TaskforceLogger(Logger):
    """gunicorn's logger, set up so that its access log goes through the development server's redaction
    rule (taskforce.web.AccessLogRedaction) and, with LOG_FORMAT=json, every line of its own is JSON with the
    request id the app echoed. A subclass, so it holds from the first line and after a reload (HUP)."""

    def setup(self, cfg):
        super().setup(cfg)
        from taskforce.access_log import redact_access_log
        if os.environ.get("LOG_FORMAT", "").strip().lower() == "json":
            from taskforce.request_ids import RequestIdFilter, install_json_logging
            if not any(isinstance(f, RequestIdFilter) for f in self.access_log.filters):
                self.access_log.addFilter(RequestIdFilter())  # before the redaction, which drops the atoms
            install_json_logging(self.error_log.handlers + self.access_log.handlers)
        redact_access_log(None, self.access_log.name)  # from the first line; the app's routes come below


logger_class = TaskforceLogger


def post_worker_init(worker):
    """The worker loaded the app: the access log's filter learns its routes that carry a secret (the same
    as `create_app` teaches werkzeug's), beyond the built-in invitation and feed paths."""
    from taskforce.access_log import redact_access_log
    redact_access_log(worker.wsgi, "gunicorn.access")
