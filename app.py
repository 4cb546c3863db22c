"""Entry point: `flask --app app …` and `python app.py` (serves on HOST:PORT, default 127.0.0.1:5000)."""
import os

from taskforce import create_app
from taskforce.extensions import socketio

app = create_app()

if __name__ == "__main__":
    socketio.run(app, host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ.get("PORT", "5000")),
                 allow_unsafe_werkzeug=True)
