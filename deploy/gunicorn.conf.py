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
import logging
import os

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
# The client address nginx saw (X-Forwarded-For) is trusted only from these proxies.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proc_name = os.environ.get("GUNICORN_PROC_NAME", "taskforce")
# gunicorn's control socket sits at one path per user (~/.gunicorn/gunicorn.ctl): several processes on a host
# would fight over it. Processes are managed by signals (TERM, HUP) and the service manager instead.
control_socket_disable = True


def on_starting(server):
    """Before any worker forks: the access log's redaction, the very rule of the development server."""
    from taskforce.web import AccessLogRedaction
    access_log = logging.getLogger("gunicorn.access")
    if not any(isinstance(f, AccessLogRedaction) for f in access_log.filters):
        access_log.addFilter(AccessLogRedaction())
