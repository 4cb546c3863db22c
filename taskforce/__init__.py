"""Taskforce: the partners of an anti-trafficking task force working together in one browser app."""
import logging

from flask import Flask

from taskforce import blas_threads, live  # noqa: F401 - blas_threads before anything loads numpy
from taskforce.config import load_config
from taskforce.domains import domain_modules
from taskforce.extensions import csrf, db, login_manager, migrate
from taskforce.json_provider import OrjsonProvider


def create_app(config: dict | None = None) -> Flask:
    """Application factory (flaskr style): `config` overrides the environment (tests pass a dict)."""
    settings = load_config(config)
    app = Flask(__name__, instance_path=settings["INSTANCE_DIR"], template_folder="../templates",
                static_folder="../static")
    app.config.update(settings)
    app.json = OrjsonProvider(app)  # unsorted keys, UTF-8 as is: sorting and escaping every response cost
    logging.basicConfig(level=logging.INFO if not app.testing else logging.WARNING)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    live.register(app)  # Socket.IO and its /live namespace, socket registry, presence, flood limits, sweep

    from taskforce import audit, cli, idempotency, transactions, urls, web  # noqa: F401  (audit's, keys' models)
    from taskforce.auth.session_store import DatabaseSessionInterface
    from taskforce.connections import check_connections_at_checkout
    from taskforce.dbtypes import enable_sqlite_pragmas

    app.session_interface = DatabaseSessionInterface()
    transactions.register(app)
    idempotency.register(app)  # create forms and JSON creates run once per key (the claim rides their commit)
    with app.app_context():
        enable_sqlite_pragmas(db.engine)
        check_connections_at_checkout(db.engine)
    web.register(app)
    from taskforce import request_ids  # X-Request-ID on every response; LOG_FORMAT=json
    request_ids.register(app)
    from taskforce.notifications import views as notification_views  # platform: the bell, page, digests
    notification_views.register(app)
    urls.register(app)
    for views in domain_modules("views"):
        views.register(app)
    from taskforce.directory import exchange  # HSDS and spreadsheet exchange: its tables, pages and commands
    exchange.register(app)
    cli.register(app)
    web.redact_access_log(app)  # after every blueprint: it learns the routes that carry a secret
    from taskforce.wiring import connect_signals
    connect_signals(app)
    if app.config.get("TRUSTED_PROXY_COUNT"):  # behind nginx: the member's address and scheme, not the proxy's
        from werkzeug.middleware.proxy_fix import ProxyFix
        hops = int(app.config["TRUSTED_PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    return app
