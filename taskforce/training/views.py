"""Training pages: list, month and week calendars, the training, my trainings, scheduling, seats, feeds.

Translate HTTP to the services, nothing more. Times are shown in the viewer's zone: the page module
(static/js/training.js) stores the browser's IANA zone in the `tz` cookie; the organizer's zone is shown
beside every time.
"""
from datetime import date, datetime, timedelta, timezone

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from taskforce.errors import ValidationError
from taskforce.forms import ActionForm
from taskforce.idempotency import FIELD as IDEMPOTENCY_FIELD, idempotent
from taskforce.markup import render_markdown
from taskforce.training import (attendance, calendar, evaluation, feeds, live, offers,  # noqa: F401
                                registration, schedule_form, scheduling, seat_ledger, services, timing,
                                topics)
from taskforce.training.models import Format, RegistrationState
from taskforce.training.month import month_view
from taskforce.training.presenting import form_values, month_cells, viewer_zone, week_days

bp = Blueprint("training", __name__, url_prefix="/training")
LIST_LIMIT = 150  # the list shows the next 150 sessions; the month and week views page through the rest
_SECTOR_LABELS = {s.value: s.label for s in schedule_form.SECTOR_CHOICES}


@bp.context_processor
def _helpers():
    return {"sector_label": lambda value: _SECTOR_LABELS.get(value, value), "training_zone": timing.zone,
            "timedelta_hours": lambda hours: timedelta(hours=hours)}


def _common(actions: bool = True, **extra):
    """What every training page's template uses; `actions=False` for pages without a POST button."""
    zone = viewer_zone(request.cookies.get("tz"))
    return dict(zone=zone, topic_choices=topics.TOPICS, sectors=schedule_form.SECTOR_CHOICES, formats=list(Format),
                hosts=scheduling.host_choices(), action_form=ActionForm() if actions else None, **extra)


@bp.get("/")
@login_required
def index():
    filters = calendar.clean_filters(request.args)
    now = datetime.now(timezone.utc)
    entries = calendar.entries(current_user, now - timedelta(hours=12), now + timedelta(days=180), filters)
    return render_template("training/list.html", entries=entries[:LIST_LIMIT], more=len(entries) > LIST_LIMIT,
                           filters=filters, view="list", **_common())


@bp.get("/month")
@login_required
def month():
    filters = calendar.clean_filters(request.args)
    zone = viewer_zone(request.cookies.get("tz"))
    try:
        first = datetime.strptime(request.args.get("month") or "", "%Y-%m").date()
    except ValueError:
        first = datetime.now(zone).date().replace(day=1)
    if not 2000 <= first.year <= 2100:
        first = datetime.now(zone).date().replace(day=1)
    def draw(entries, weeks):
        return render_template("training/_month_grid.html", cells=month_cells(entries, weeks, first, zone),
                               first=first, count=len(entries), filters=filters)
    grid, count = month_view(current_user, first, zone, filters, draw)
    prev_month = (first - timedelta(days=1)).replace(day=1)
    next_month = (first + timedelta(days=32)).replace(day=1)
    return render_template("training/month.html", grid=grid, first=first, count=count, filters=filters,
                           prev_month=prev_month, next_month=next_month, view="month", **_common(actions=False))


@bp.get("/week")
@login_required
def week():
    filters = calendar.clean_filters(request.args)
    zone = viewer_zone(request.cookies.get("tz"))
    try:
        day = date.fromisoformat(request.args.get("start") or "")
    except ValueError:
        day = datetime.now(zone).date()
    if not 2000 <= day.year <= 2100:
        day = datetime.now(zone).date()
    days, low, high = week_days(day, zone)
    entries = calendar.entries(current_user, low, high, filters)
    return render_template("training/week.html", days=days, entries=entries, filters=filters, view="week",
                           prev_week=days[0] - timedelta(days=7), next_week=days[0] + timedelta(days=7), **_common())


@bp.get("/mine")
@login_required
def mine():
    return render_template("training/mine.html", rows=calendar.my_trainings(current_user),
                           feed_secret=feeds.existing_feed_secret(current_user), **_common())


@bp.get("/<int:training_id>")
@login_required
def show(training_id):
    training = services.get_training(current_user, training_id)
    offers.sweep_offers(training_id=training.id)
    mine_ = seat_ledger.my_registration(current_user, training.id)
    return render_template(
        "training/show.html", training=training, mine=mine_,
        position=offers.waitlist_position(mine_) if mine_ else None,
        seats_left=seat_ledger.seats_left(training), waitlist=calendar.waitlist_size(training.id),
        sessions=services.occurrences_of(training), can_edit=services.can_edit(current_user, training),
        staff=registration.staff_choices(current_user, training) if current_user.can_schedule_trainings else [],
        feed_secret=feeds.existing_feed_secret(current_user), rule_text=timing.describe_rule(training.rrule),
        description_html=Markup(render_markdown(training.description)),  # sanitized by render_markdown
        roster=registration.roster(current_user, training) if services.can_edit(current_user, training) else [],
        code=attendance.current_code(current_user, training),
        responses=evaluation.response_counts(current_user, training) if services.can_edit(current_user, training) else None,
        results=evaluation.results(current_user, training) if services.can_edit(current_user, training) else None,
        open_stages=[s for s in evaluation.STAGES if mine_ and evaluation.can_answer(current_user, training, s)],
        now=datetime.now(timezone.utc),
        **_common())


def _schedule_form(training=None, values=None, errors=None, status=200):
    return render_template("training/edit.html", training=training, values=values or form_values(training),
                           errors=errors or {}, **_common()), status


def _submitted() -> dict:
    data = request.form.to_dict()
    data["topics"] = request.form.getlist("topics")
    data["co_hosts"] = request.form.getlist("co_hosts")
    data.pop("csrf_token", None)
    data.pop(IDEMPOTENCY_FIELD, None)
    return data


@bp.route("/new", methods=["GET", "POST"])
@login_required
@idempotent
def new():
    if request.method == "GET":
        return _schedule_form()
    data = _submitted()
    try:
        training = scheduling.create_training(current_user, data)
    except ValidationError as error:
        return _schedule_form(values=data, errors=error.details.get("fields") or {"form": error.message}, status=400)
    flash("Training scheduled.")
    return redirect(url_for("training.show", training_id=training.id))


@bp.route("/<int:training_id>/edit", methods=["GET", "POST"])
@login_required
def edit(training_id):
    training = services.get_for_editing(current_user, training_id)
    if request.method == "GET":
        return _schedule_form(training)
    data = _submitted()
    try:
        scheduling.update_training(current_user, training_id, data)
    except ValidationError as error:
        return _schedule_form(training, values=data, errors=error.details.get("fields") or {"form": error.message},
                              status=400)
    flash("Training updated; registrants were told.")
    return redirect(url_for("training.show", training_id=training_id))


@bp.post("/<int:training_id>/cancel")
@login_required
def cancel_training(training_id):
    ActionForm().require_valid()
    scheduling.cancel_training(current_user, training_id)
    flash("Training cancelled; registrants were told and calendars will show it cancelled.")
    return redirect(url_for("training.show", training_id=training_id))


@bp.post("/<int:training_id>/sessions")
@login_required
def change_session(training_id):
    ActionForm().require_valid()
    scheduling.change_occurrence(current_user, training_id, request.form.get("recurrence_id"),
                                 request.form.get("kind"), request.form.get("starts_at"), request.form.get("ends_at"))
    flash({"skipped": "Session removed from the series.", "cancelled": "Session cancelled; registrants were told.",
           "moved": "Session moved; registrants were told."}.get(request.form.get("kind"), "Session changed."))
    return redirect(url_for("training.show", training_id=training_id))


@bp.post("/<int:training_id>/register")
@login_required
def register_seat(training_id):
    ActionForm().require_valid()
    reg, warnings = registration.register(current_user, training_id)
    if reg.state is RegistrationState.CONFIRMED:
        flash("You are registered. Add your trainings to your calendar below.")
    else:
        flash(f"The training is full: you are number {offers.waitlist_position(reg)} on the waitlist. "
              "When a seat frees up it is offered to you, with time to accept.")
    for warning in warnings:
        flash(warning, "warning")
    return redirect(url_for("training.show", training_id=training_id))


@bp.post("/<int:training_id>/unregister")
@login_required
def unregister(training_id):
    ActionForm().require_valid()
    registration.cancel(current_user, training_id, request.form.get("user_id") or None)
    flash("Registration cancelled.")
    return redirect(url_for("training.show", training_id=training_id))


@bp.post("/<int:training_id>/accept")
@login_required
def accept(training_id):
    ActionForm().require_valid()
    offers.accept_offer(current_user, training_id)
    flash("The seat is yours. Subscribe to your training calendar below.")
    return redirect(url_for("training.show", training_id=training_id) + "#subscribe")


@bp.post("/<int:training_id>/decline")
@login_required
def decline(training_id):
    ActionForm().require_valid()
    registration.decline_offer(current_user, training_id)
    flash("Offer declined; the seat goes to the next in line.")
    return redirect(url_for("training.show", training_id=training_id))


@bp.post("/<int:training_id>/staff")
@login_required
def register_staff(training_id):
    ActionForm().require_valid()
    regs = registration.register_staff(current_user, training_id, request.form.getlist("user_ids"))
    seated = sum(r.state is RegistrationState.CONFIRMED for r in regs)
    flash(f"{seated} of {len(regs)} registered; {len(regs) - seated} wait together as one place in line.")
    return redirect(url_for("training.show", training_id=training_id))


# --- feeds ---------------------------------------------------------------------------------------------

def _ics(body: bytes) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


@bp.get("/feed.ics")
def public_feed():
    return _ics(feeds.public_feed(request.url_root))


@bp.get("/organizations/<int:organization_id>/feed.ics")
def organization_feed(organization_id):
    return _ics(feeds.organization_feed(organization_id, request.url_root))


@bp.get("/feeds/<secret>.ics")
def member_feed(secret):
    user = feeds.member_for_secret(secret)
    if user is None:
        return Response("No such feed (the link may have been replaced).", status=404, mimetype="text/plain")
    response = _ics(feeds.member_feed(user, request.url_root))
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/feed-link")
@login_required
def feed_link():
    ActionForm().require_valid()
    action = request.form.get("action")
    if action in ("revoke", "replace"):
        feeds.revoke_feed(current_user)
        flash("Your old calendar link no longer works.")
    if action != "revoke":
        feeds.feed_secret(current_user)
        flash("Your calendar link is ready; paste it into your calendar app.")
    return redirect(request.form.get("next") if (request.form.get("next") or "").startswith("/training/")
                    else url_for("training.mine") + "#subscribe")


def register(app):
    from taskforce import live as live_layer
    from taskforce.training import api, cli, evaluation_views
    live_layer.allow("training", services.may_follow)  # `training:<id>` rooms: the seat counts of a visible training
    app.register_blueprint(bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(evaluation_views.bp)
    cli.register(app)
    from taskforce.training import home_views  # its block on Home (taskforce/home.py)
    home_views.register(app)
