"""Training pages (placeholder until the views land)."""
from taskforce.training import live, models  # noqa: F401


def register(app):
    pass
