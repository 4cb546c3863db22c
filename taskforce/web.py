"""Home page, navigation, security headers and the one place domain errors become HTTP responses."""

from flask import Blueprint, current_app, jsonify, render_template, request, session
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError
from markupsafe import Markup
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.routing import IntegerConverter

from taskforce import health, limits
from taskforce import input_guard
from taskforce.access_log import AccessLogRedaction, redact_access_log  # noqa: F401  (the names tests know)
from taskforce.errors import DomainError
from taskforce.outage import DatabaseUnavailable, database_unavailable_response, is_database_outage
from taskforce.fragments import fragment
from taskforce.limits import too_large_message
from taskforce.urls import remembered_url_for

bp = Blueprint("web", __name__)

# The areas of the product; an entry shows once its domain registered the endpoint. `min_role` hides what
# a role cannot use.
NAV_ITEMS = (
    ("channels.index", "Channels", "Talk with partners in real-time channels.", None),
    ("lessons.index", "Lessons", "Read and share anonymized lessons from cases.", None),
    ("directory.index", "Directory", "Find a partner service to refer a survivor to, tonight.", None),
    ("training.index", "Trainings", "Join or schedule joint trainings across sectors.", None),
    ("network.index", "Partner map", "See which referral pathways exist and where they break (members: read-only).", None),
    ("admin.organizations", "Partners", "Organizations and their members.", None),
    ("admin.audit_log", "Audit log", "Who signed in, invited, changed roles.", "coordinator"),
)

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


class RecordIdConverter(IntegerConverter):
    """`<int:…>` in every route: only numbers a database id column can hold (PostgreSQL INTEGER). A larger
    one would make PostgreSQL raise (a 500) and SQLite overflow; here it simply matches no route (404)."""

    def __init__(self, map, fixed_digits=0, min=None, max=2**31 - 1, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def nav_items():
    """Navigation entries this member can use, in product order."""
    if not current_user.is_authenticated:
        return []
    items = []
    for endpoint, label, blurb, min_role in NAV_ITEMS:
        if endpoint not in current_app.view_functions:
            continue
        if min_role == "coordinator" and not current_user.is_coordinator:
            continue
        items.append({"endpoint": endpoint, "label": label, "blurb": blurb, "url": remembered_url_for(endpoint)})
    return items


def main_nav() -> Markup:
    """The main menu's HTML for this member and page (a function: only pages that show it build it)."""
    items = tuple((item["url"], item["label"]) for item in nav_items())
    current = tuple(url for url, _ in items if url != "/" and request.path.startswith(url))
    return fragment("_nav.html", "main_nav", items, current)


@bp.get("/")
@login_required
def home():
    """What changed for me: blocks contributed by the domains (taskforce/home.py)."""
    from taskforce import home as home_page
    user = current_user._get_current_object()
    blocks = home_page.page_for(user)  # read "since your last visit" before this visit is recorded
    home_page.record_visit(user)
    return render_template("home.html", blocks=blocks)


@bp.get("/home/blocks/<name>")
@login_required
def home_block(name):
    """One Home block again (the page refreshes it after a relevant live push)."""
    from werkzeug.exceptions import NotFound as HTTPNotFound

    from taskforce import home as home_page
    block = home_page.block_named(name)
    built = home_page.build(block, current_user._get_current_object()) if block else None
    if built is None:
        raise HTTPNotFound("No such block on your Home page.")
    return render_template("_home_block.html", block=built)


@bp.get("/healthz")
def healthz():
    """Each dependency's reachability (taskforce.health); 503 when any is down."""
    checks = health.checks(current_app)
    ok = all(value == "ok" for value in checks.values())
    return {"status": "ok" if ok else "unavailable", "checks": checks}, 200 if ok else 503


@bp.get("/readyz")
def readyz():
    """For a proxy: 503 while this process drains for shutdown or cannot reach its database. Not for the
    message queue: every process shares it, so its outage would take them all out of rotation at once, while
    each can still serve pages (live updates pause and say so: taskforce.live.queue_watch)."""
    if health.is_draining(current_app):
        return {"ready": False, "reason": "shutting down"}, 503
    checks = health.checks(current_app)
    ready = checks["database"] == "ok"
    return {"ready": ready, "checks": checks}, 200 if ready else 503


def wants_json() -> bool:
    if request.path.startswith("/api/") or request.is_json:
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def error_response(status: int, message: str, details: dict | None = None):
    if wants_json():
        body = {"error": message}
        if details:
            body["details"] = details
        return jsonify(body), status
    return render_template("errors/error.html", status=status, message=message, details=details or {}), status


TITLES = {400: "That request could not be used", 401: "Please sign in", 403: "Not allowed",
          404: "Not found", 405: "Not allowed here", 409: "Changed meanwhile", 413: "Too large",
          429: "Too many requests", 500: "Something went wrong", 503: "Temporarily unavailable"}
# Answered without the database: a probe must say it is down, not be refused because it is.
NEEDS_NO_DATABASE = {"web.healthz", "web.readyz", "static"}


def register(app):
    app.url_map.converters["int"] = RecordIdConverter  # before any blueprint adds its rules
    app.register_blueprint(bp)
    limits.register(app)

    @app.before_request
    def refuse_without_database():
        """The session row could not be read (taskforce.auth.session_store): a 503, before any view runs."""
        if getattr(session, "database_down", False) and request.endpoint not in NEEDS_NO_DATABASE:
            raise DatabaseUnavailable()
    input_guard.register(app)

    @app.context_processor
    def inject_navigation():
        return {"main_nav": main_nav, "use_banner": app.config["USE_BANNER"]}

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if current_user and getattr(current_user, "is_authenticated", False):
            headers.setdefault("Cache-Control", "no-store")  # nothing sensitive stays in a shared browser
        return response

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        from taskforce.extensions import db
        db.session.rollback()  # nothing half-written
        return error_response(error.status, error.message, error.details)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        if getattr(session, "database_down", False):  # the token is in the session row, which could not be read
            return database_unavailable_response(DatabaseUnavailable())
        return error_response(400, "The form expired or was sent from elsewhere. Reload the page and try again.")

    @app.errorhandler(DatabaseUnavailable)
    @app.errorhandler(sa_exc.OperationalError)
    @app.errorhandler(sa_exc.InterfaceError)
    @app.errorhandler(sa_exc.DisconnectionError)
    @app.errorhandler(sa_exc.TimeoutError)
    def database_unavailable(error):
        if not is_database_outage(error):
            raise error
        return database_unavailable_response(error)

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(error):
        custom = error.description != RequestEntityTooLarge.description  # a view said which limit applied
        return error_response(413, error.description if custom else too_large_message())

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code == 500 and is_database_outage(getattr(error, "original_exception", None)):
            return database_unavailable_response(error.original_exception)  # raised outside the views
        return error_response(error.code or 500, error.description or TITLES.get(error.code, "Error"))

    if not app.testing:  # tests see the real traceback instead
        @app.errorhandler(Exception)
        def unexpected_error(error):
            from taskforce.extensions import db
            db.session.rollback()
            app.logger.exception("unhandled error")
            return error_response(500, "Something went wrong on our side. It has been logged; try again.")

    app.jinja_env.globals["status_title"] = TITLES.get


@bp.get("/api/session")
def session_info():
    """The CSRF token and who is signed in, for scripts and page modules that post JSON."""
    from flask_wtf.csrf import generate_csrf
    user = None
    if current_user.is_authenticated:
        user = {"id": current_user.id, "display_name": current_user.display_name, "role": current_user.role.value,
                "organization_id": current_user.organization_id}
    return {"csrf_token": generate_csrf(), "user": user}
