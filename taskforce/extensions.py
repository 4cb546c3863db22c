"""Unbound extension singletons (cookiecutter-flask style).

They are created here without an app so that models and services can import them without importing the
app factory; `create_app` binds them.
"""
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Declarative base shared by every domain's models."""


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
# async_mode is set explicitly (DESIGN §4): threads + simple-websocket, no eventlet/gevent monkey-patching.
socketio = SocketIO(async_mode="threading")
