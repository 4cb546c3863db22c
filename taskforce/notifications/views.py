"""The bell, the notifications page, marking read and the preferences page (HTML and JSON).

Views translate requests into `services` calls; every write is a POST with the CSRF token (a form, or JSON
with X-CSRFToken). Opening a notification is a POST too (it marks it read), answered with a redirect to the
object.
"""
from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from taskforce.errors import ValidationError
from taskforce.forms import ActionForm
from taskforce.notifications import rules, services
from taskforce.notifications.rules import Delivery

bp = Blueprint("notifications", __name__, url_prefix="/notifications")
api = Blueprint("notifications_api", __name__, url_prefix="/api/notifications")


def _actor():
    return current_user._get_current_object()


def _filters() -> dict:
    kind = request.values.get("kind") or None
    return {"kind": kind if kind in services.kinds() else None, "unread": request.values.get("unread") == "1"}


def _back(filters: dict):
    args = {k: v for k, v in (("kind", filters["kind"]), ("unread", "1" if filters["unread"] else None)) if v}
    return redirect(url_for("notifications.index", **args), 303)


def payload(notification) -> dict:
    return {"id": notification.id, "kind": notification.kind, "text": notification.text, "url": notification.url,
            "created_at": notification.created_at.isoformat(), "read": notification.is_read}


@bp.get("/")
@login_required
def index():
    filters = _filters()
    rows, has_more = services.list_notifications(_actor(), kind=filters["kind"], unread_only=filters["unread"],
                                                 before=request.args.get("before"))
    return render_template("notifications/index.html", notifications=rows, has_more=has_more, filters=filters,
                           kinds=services.kinds(), unread=services.unread_count(_actor()), form=ActionForm())


@bp.post("/<int:notification_id>/open")
@login_required
def open_(notification_id):
    """Mark read and go to the message, lesson or service it is about."""
    ActionForm().require_valid()
    notification = services.mark_read(_actor(), notification_id)
    return redirect(notification.url, 303)


@bp.post("/<int:notification_id>/read")
@login_required
def mark_read(notification_id):
    ActionForm().require_valid()
    services.mark_read(_actor(), notification_id)
    return _back(_filters())


@bp.post("/read-all")
@login_required
def mark_all_read():
    ActionForm().require_valid()
    filters = _filters()
    changed = services.mark_all_read(_actor(), filters["kind"])
    flash(f"{changed} notification{'s' if changed != 1 else ''} marked read." if changed else "Nothing was unread.",
          "info")
    return _back(filters)


@bp.route("/preferences", methods=["GET", "POST"])
@login_required
def preferences():
    errors, status = {}, 200
    if request.method == "POST":
        ActionForm().require_valid()
        choices = {key[len("delivery-"):]: value for key, value in request.form.items() if key.startswith("delivery-")}
        try:
            services.set_preferences(_actor(), choices)
        except ValidationError as error:
            errors, status = error.details.get("fields", {}), 400
            flash(error.message, "error")
        else:
            flash("Saved: you will hear of each kind as chosen.", "info")
            return redirect(url_for("notifications.preferences"), 303)
    rows = services.preferences(_actor())
    if errors:  # the form comes back with what was sent, every problem shown at once
        for row in rows:
            sent = request.form.get("delivery-" + row["kind"])
            row["sent"] = sent
    return render_template("notifications/preferences.html", rows=rows, deliveries=list(Delivery), errors=errors,
                           form=ActionForm()), status


# --- JSON --------------------------------------------------------------------------------------------------

@api.get("/unread")
@login_required
def unread():
    count = services.unread_count(_actor())
    return {"count": count, "badge": rules.badge(count)}


@api.get("")
@login_required
def list_json():
    filters = _filters()
    rows, has_more = services.list_notifications(_actor(), kind=filters["kind"], unread_only=filters["unread"],
                                                 before=request.args.get("before"))
    return jsonify({"notifications": [payload(n) for n in rows], "has_more": has_more})


@api.post("/<int:notification_id>/read")
@login_required
def read_json(notification_id):
    notification = services.mark_read(_actor(), notification_id)
    return {"ok": True, "id": notification.id, "unread": services.unread_count(_actor())}


@api.post("/read-all")
@login_required
def read_all_json():
    data = request.get_json(silent=True) if request.is_json else None
    changed = services.mark_all_read(_actor(), data.get("kind") if isinstance(data, dict) else None)
    return {"ok": True, "changed": changed, "unread": services.unread_count(_actor())}


def bell_badge() -> str:
    """The header bell's number for the signed-in member (a function: only pages with a header call it)."""
    if not current_user.is_authenticated:
        return ""
    return rules.badge(services.unread_count(current_user))


def home_block(user) -> dict:
    """Home's "Unread notifications": the five newest, and where the rest are."""
    rows, _more = services.list_notifications(user, unread_only=True, limit=5)
    return {"items": [{"text": n.text, "url": url_for("notifications.index") if n.url == "/notifications" else n.url,
                       "meta": services.kinds().get(n.kind, ""), "unread": True} for n in rows],
            "empty": "Nothing unread. Mentions, replies, reviews and capacity changes of services you follow "
                     "will show here and on the bell.",
            "more": {"url": url_for("notifications.index"), "label": "All notifications"}}


def register(app):
    """Blueprints, the bell in every page's header, its Home block and the `notifications` CLI group."""
    from taskforce import home
    from taskforce.notifications import cli
    home.register_block("notifications", 10, home_block, title="Unread notifications",
                        live_events=("notifications_unread",))
    app.register_blueprint(bp)
    app.register_blueprint(api)
    cli.register(app)
    app.jinja_env.globals["notification_badge"] = bell_badge
