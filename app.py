"""Entry point: `flask --app app …` and `python app.py` (serves on HOST:PORT, default 127.0.0.1:5000)."""
import os
import signal
import threading

from taskforce import create_app, health
from taskforce.extensions import socketio

app = create_app()


def drain_then_stop(_signum, _frame):
    """SIGTERM: `/readyz` answers 503 at once, so a proxy stops routing here, and the server stops after
    SHUTDOWN_GRACE_SECONDS (default 5), time for the requests in flight to end."""
    health.begin_draining(app)
    grace = float(os.environ.get("SHUTDOWN_GRACE_SECONDS", "5"))
    threading.Timer(grace, os.kill, (os.getpid(), signal.SIGINT)).start()


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, drain_then_stop)
    socketio.run(app, host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ.get("PORT", "5000")),
                 allow_unsafe_werkzeug=True)
