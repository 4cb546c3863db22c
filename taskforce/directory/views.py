"""Directory pages: search with shareable filters, the service page, editing, capacity, verification.

Views translate HTTP into the directory's services; the live `capacity_updated` push follows the service's
`capacity_changed` signal (directory/live.py), after it committed (store, then broadcast).
"""
import dataclasses

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from taskforce.dbtypes import utcnow
from taskforce.directory import capacity, distance, finder, follows, presenting, services, validation
from taskforce.directory.forms import LIST_FIELDS, ActionForm, CapacityForm, ServiceForm
from taskforce.directory.languages import COMMON, language_name, picker_choices
from taskforce.directory.taxonomy import CATEGORIES, GENDERS, TRAFFICKING_TYPES, WEEKDAYS
from taskforce.errors import ValidationError
from taskforce.fragments import ByContent, each, fragment
from taskforce.idempotency import idempotent
from taskforce.urls import local_path, remembered_url_for

bp = Blueprint("directory", __name__, url_prefix="/directory")

# One tap each: the needs officers and nurses meet most at night. The language chosen stays selected.
QUICK_NEEDS = (
    ("Shelter for a woman · open now", {"category": "emergency_shelter", "gender": "female", "serves": "adults",
                                        "open_now": True}),
    ("Youth shelter", {"category": "youth_shelter", "serves": "minors"}),
    ("Forensic exam · open now", {"category": "forensic_exam", "open_now": True}),
    ("Interpreter", {"category": "interpretation"}),
    ("Immigration lawyer", {"category": "immigration_legal"}),
    ("Hotline 24/7", {"category": "hotline", "always_open": True}),
    ("Beds free now", {"has_capacity": True}),
)


def _chip_items(filters: finder.Filters) -> tuple[tuple[str, str, bool], ...]:
    """The quick-need chips for a set of filters as (label, url, active): they keep its language and area
    and show which one is active (built once per request; their HTML is a fragment kept per content)."""
    keep = finder.Filters(language=filters.language, area=filters.area)
    chips = []
    for label, changes in QUICK_NEEDS:
        target = keep.args(**changes)
        chips.append((label, remembered_url_for("directory.index", **target), target == filters.args()))
    return tuple(chips)


_MORE_FILTERS = ("category", "serves", "gender", "trafficking", "area", "open_now", "always_open", "has_capacity")


def _more_filters_open(filters: finder.Filters, chips) -> bool:
    """"More filters" opens only for a search set by hand there: after a quick-need chip it stays closed, so a
    phone shows the results on its first screen (the active chip already says what is filtered)."""
    if any(active for _label, _url, active in chips):
        return False
    return any(getattr(filters, name) for name in _MORE_FILTERS)


_LANGUAGE_CHOICES = tuple(picker_choices())
# Each filter select's options: key in the template → (the filter it shows, its (value, label) pairs).
_SELECTS = {"category": ("category", tuple(CATEGORIES.items())), "serves": ("serves", tuple(finder.SERVES.items())),
            "gender": ("gender", tuple(GENDERS.items())),
            "trafficking": ("trafficking",
                            tuple((kind, TRAFFICKING_TYPES[kind]) for kind in finder.SEARCHABLE_TRAFFICKING)),
            "language_common": ("language", _LANGUAGE_CHOICES[:len(COMMON)]),
            "language_rest": ("language", _LANGUAGE_CHOICES[len(COMMON):])}


def _filter_options(filters: finder.Filters) -> dict[str, Markup]:
    """Each filter select's options with the current choice selected (the language picker has ~180)."""
    calls = [(pairs, getattr(filters, name)) for name, pairs in _SELECTS.values()]
    return dict(zip(_SELECTS, each("directory/_options.html", "options", calls)))


def _cards(presented: list[dict]) -> list[Markup]:
    """The result cards, each rendered once per content: the card is a pure function of what `present`
    gave it (time-dependent text such as "updated 5 minutes ago" included, so a card that changes is
    rendered again), and the same services come back search after search."""
    return each("directory/_card.html", "service_card", [(ByContent(service),) for service in presented])


def _page_filters(args) -> tuple[finder.Filters, list[str]]:
    """The page's filters from its URL, an unknown or malformed value left out with a note saying so: an old
    bookmark or a hand-edited link still shows results (the JSON API keeps its clear 400)."""
    args = args.copy()
    notes = []
    for _ in range(len(args) + 1):
        try:
            return finder.parse_filters(args), notes
        except ValidationError as error:
            if not error.field or error.field not in args:
                raise
            notes.append(f"{error.message} That filter was left out.")
            args.poplist(error.field)
    raise ValidationError("These filters cannot be read.")


NEAREST_POOL = 500  # "nearest first" sorts this many of the best matches: a city's directory, not a nation's


def _origin(viewer, ignored: list[str]) -> tuple[str, tuple[float, float] | None, str]:
    """Where distances are measured from: the ZIP typed in "Near ZIP", else the member's own organization."""
    near = (request.args.get("near") or "").strip()[:10]
    if near:
        point = distance.zip_point(near[:5])
        if point is not None:
            return near[:5], point, f"from ZIP {near[:5]}"
        ignored.append(f"“{near[:10]}” is not a US ZIP code we know. Distances are from your organization.")
        near = ""
    point = services.home_point(viewer)
    return near, point, "from your organization" if point else ""


def _add_distances(presented: list[dict], origin) -> None:
    """Each card's distance from `origin`, for services whose place the viewer may see (never a confidential
    site outside its organization: `present` gave no coordinates or postal code for it)."""
    for service in presented:
        place = distance.place_of(service["location"]) if origin else None
        service["miles"] = round(distance.miles_between(origin, place), 1) if place else None
        service["distance"] = distance.distance_words(service["miles"]) if place else None


@bp.get("/")
@login_required
def index():
    filters, ignored = _page_filters(request.args)
    now = utcnow()
    viewer = current_user._get_current_object()  # one proxy lookup, not two per card
    near, origin, origin_note = _origin(viewer, ignored)
    nearest = request.args.get("sort") == "nearest" and origin is not None
    if nearest:  # the closest of the first NEAREST_POOL matches, paged here
        found = finder.find(viewer, dataclasses.replace(filters, page=1), now, page_size=NEAREST_POOL)
    else:
        found = finder.find(viewer, filters, now)
    pages = max(1, -(-found.total // finder.PAGE_SIZE))
    # The reminder about the member's own unverified entries belongs on the directory's front page, where
    # providers look after them; above search results it would push tonight's options down a phone screen.
    stale = [] if filters.any else finder.stale_services(viewer, now)
    presented = found.services
    _add_distances(presented, origin)
    if nearest:
        presented.sort(key=lambda service: (service["miles"] is None, service["miles"] or 0))
        start = (filters.page - 1) * finder.PAGE_SIZE
        presented = presented[start:start + finder.PAGE_SIZE]
        pages = max(1, -(-min(found.total, NEAREST_POOL) // finder.PAGE_SIZE))
    kept = {key: value for key, value in (("near", near), ("sort", "nearest" if nearest else "")) if value}
    chips = _chip_items(filters)
    return render_template(
        "directory/index.html", filters=filters, total=found.total, total_capped=found.capped, pages=pages,
        cards=_cards(presented), near=near, origin_note=origin_note, nearest=nearest, has_origin=origin is not None,
        stale=stale, chips=fragment("directory/_chips.html", "chips", chips),
        action_form=ActionForm() if stale else None,
        options=_filter_options(filters), language_name=language_name, ignored=ignored,
        may_import=services.may_import(viewer), more_open=_more_filters_open(filters, chips),
        nearest_url=remembered_url_for("directory.index", **filters.args(page=1), **(kept | {"sort": "nearest"})),
        page_url=lambda page: remembered_url_for("directory.index", **filters.args(page=page), **kept))


@bp.get("/services/<int:service_id>")
@login_required
def show(service_id):
    return _service_page(service_id)


def _service_page(service_id, capacity_form: CapacityForm | None = None):
    """The service page; after a refused Set, with the numbers typed and the reason beside the field."""
    now = utcnow()
    service = presenting.present(services.get_service(service_id), current_user, now)
    return render_template("directory/show.html", service=service, weekdays=WEEKDAYS,
                           capacity_form=capacity_form or CapacityForm(), action_form=ActionForm(),
                           following=follows.is_following(current_user, service_id))


@bp.post("/services/<int:service_id>/follow")
@login_required
def follow(service_id):
    """Follow (or stop following) a service: its followers are told when its beds change."""
    ActionForm().require_valid()
    following = follows.follow(current_user, service_id, on=request.form.get("follow") != "0")
    flash("You will be told when its capacity changes." if following else "You no longer follow this service.",
          "info")
    return redirect(url_for("directory.show", service_id=service_id), 303)


def _submitted_fields() -> dict:
    return {key: request.form.getlist(key) if key in LIST_FIELDS else request.form.get(key)
            for key in set(request.form.keys()) | set(LIST_FIELDS)}


def _form_error(form: ServiceForm, error: ValidationError) -> None:
    """Every problem of the submission beside its field (a field the form already flagged keeps its message)."""
    for field, message in error.details.get("errors") or [(error.field, error.message)]:
        target = getattr(form, field or "", None)
        if target is not None and hasattr(target, "errors"):
            if not target.errors:
                target.errors = list(target.errors) + [message]
        else:
            flash(message, "error")


def _checked(form: ServiceForm) -> bool:
    """Whether the form passed, so the service may save it. When a field failed the form (too long), the
    directory's own checks still run on the submission — writing nothing — so every problem shows at once."""
    if form.validate_on_submit():
        return True
    if form.is_submitted() and not form.csrf_token.errors:
        try:
            validation.clean_service(_submitted_fields())
        except ValidationError as error:
            _form_error(form, error)
    return False


def _organization_choices(form: ServiceForm) -> None:
    form.organization_id.choices = [(str(o.id), o.name) for o in services.organization_choices(current_user)]


@bp.route("/services/new", methods=["GET", "POST"])
@login_required
@idempotent
def create():
    form = ServiceForm(data={"timezone": "America/Los_Angeles", "country": "US",
                             "organization_id": str(current_user.organization_id)})
    _organization_choices(form)
    if request.method == "POST":
        if _checked(form):
            try:
                service = services.create_service(current_user, _submitted_fields(), request.form.get("organization_id"))
            except ValidationError as error:
                _form_error(form, error)
            else:
                flash("Service added to the directory.", "info")
                return redirect(url_for("directory.show", service_id=service.id))
        return render_template("directory/edit.html", form=form, service=None, hide_address=False), 400
    return render_template("directory/edit.html", form=form, service=None, hide_address=False)


@bp.route("/services/<int:service_id>/edit", methods=["GET", "POST"])
@login_required
def edit(service_id):
    service = services.get_editable_service(current_user, service_id)
    hide_address = not services.may_see_address(current_user, service)
    if request.method == "GET":
        form = ServiceForm(data={**services.form_values(current_user, service), "version": service.version})
        return render_template("directory/edit.html", form=form, service=service, hide_address=hide_address)
    form = ServiceForm()
    if _checked(form):
        try:
            services.update_service(current_user, service_id, form.version.data, _submitted_fields())
        except services.EditConflict as conflict:
            return render_template("directory/conflict.html", service=service, conflict=conflict,
                                   labels={name: getattr(form, name).label.text for name in conflict.current
                                           if hasattr(form, name)}), 409
        except ValidationError as error:
            _form_error(form, error)
        else:
            flash("Saved. The entry is marked as verified today.", "info")
            return redirect(url_for("directory.show", service_id=service_id))
    return render_template("directory/edit.html", form=form, service=service, hide_address=hide_address), 400


@bp.post("/services/<int:service_id>/capacity")
@login_required
def update_capacity(service_id):
    """One-click capacity: the − / + buttons and the set form post here (as a form or JSON)."""
    data = request.get_json(silent=True) if request.is_json else request.form
    if not isinstance(data, dict) and not hasattr(data, "get"):
        raise ValidationError("Send available and total.")
    try:
        if "delta" in data:  # − / +: a change added in SQL, so simultaneous presses all count
            service = capacity.change_capacity(current_user, service_id, data.get("delta"))
        else:
            service = capacity.update_capacity(current_user, service_id, data.get("available"), data.get("total"))
    except ValidationError as error:
        if request.is_json:
            raise
        form = CapacityForm()  # the page again, with what was typed and the reason beside the field
        getattr(form, error.field if error.field in ("available", "total") else "available").errors = [error.message]
        return _service_page(service_id, form), 400
    payload = capacity.capacity_event(service)
    if request.is_json:
        return jsonify(payload)
    flash(f"Capacity updated: {payload['available']} of {payload['total']} available.", "info")
    return redirect(url_for("directory.show", service_id=service_id))


@bp.post("/services/<int:service_id>/verify")
@login_required
def verify(service_id):
    ActionForm().require_valid()
    services.verify_service(current_user, service_id)
    flash("Marked as verified today.", "info")
    return redirect(local_path(request.form.get("next"), url_for("directory.show", service_id=service_id),
                               prefix="/directory/"))


def register(app):
    """Blueprint, JSON API and the `directory` CLI group (the HSDS/CSV exchange registers itself from
    `create_app`, see `taskforce.directory.exchange`)."""
    from taskforce.directory import home_views  # its blocks on Home (taskforce/home.py)
    home_views.register(app)
    from taskforce.directory import api, cli
    app.register_blueprint(bp)
    api.register(app)
    cli.register(app)
