"""The domain packages, in the order the app factory registers them and the demo seeds them.

Its own module (not the package root) so `taskforce.cli`, which seeds each domain's demo, needs nothing from
`taskforce/__init__.py`: the root imports the CLI, never the other way round.
"""
import importlib

# Each domain package exposes `register(app)` in its `views` module (blueprints, socket namespaces).
DOMAINS = ("auth", "channels", "lessons", "directory", "training", "network")


def domain_modules(leaf: str):
    """Each domain's `taskforce.<domain>.<leaf>` module that exists, in domain order (views, demo…)."""
    for domain in DOMAINS:
        name = f"taskforce.{domain}.{leaf}"
        try:
            yield importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name not in (name, f"taskforce.{domain}"):  # a domain not built yet is fine
                raise
