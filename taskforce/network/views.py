"""Partner-map pages: the map, its table, an organization's figures, pathways, coverage gaps, the referral
and agreement forms, "Log a referral" from a directory page, exports. Views translate; services decide.

Coordinators see everything exactly; members see the same pages read-only with less detail (degrees and
volumes, suppressed outside their organization's edges) and record their own organization's referrals.
"""
from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from taskforce.directory.taxonomy import CATEGORIES
from taskforce.errors import ValidationError
from taskforce.forms import ActionForm
from taskforce.idempotency import idempotent
from taskforce.network import comparing, exports, finding, formats, mapping, reading, services
from taskforce.network.checks import COUNT_FIELDS, LABELS
from taskforce.network.models import PARTNERSHIP_KINDS

bp = Blueprint("network", __name__, url_prefix="/network")
REFERRAL_FIELDS = ("from_organization_id", "to_organization_id", "to_service_id", "category", "month",
                   *COUNT_FIELDS, "notes")


def _today():
    return services.today()


def _view():
    return reading.parse_view(request.args, _today())


def _int_arg(name):
    value = request.args.get(name)
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError:
        raise ValidationError(f"{name} must be a number.", field=name) from None


def _common():
    """What every map page's filter bar offers."""
    return {"sectors": finding.SECTORS, "categories": CATEGORIES, "size_by": mapping.SIZE_BY,
            "organizations": reading.organizations()}


@bp.get("/")
@login_required
def index():
    view = _view()
    return render_template("network/index.html", view=view, months=reading.months_of(view), **_common())


@bp.get("/graph.json")
@login_required
def graph_json():
    sector = request.args.get("sector") or ""
    if sector and sector not in finding.SECTORS:
        raise ValidationError("Unknown sector: choose one from the list.", field="sector")
    steps = _int_arg("steps") or 1
    return jsonify(mapping.graph_json(current_user, _view(), _today(), sector=sector, ego=_int_arg("ego"),
                                      steps=steps))


@bp.get("/table")
@login_required
def table():
    view = _view()
    figures = mapping.metrics(current_user, view, _today())
    return render_template("network/table.html", view=view, data=figures,
                           names=mapping.figure_names(current_user), labels=_figure_labels(), **_common())


def _figure_labels():
    return {"in_degree": "Partners referring in", "out_degree": "Partners referred to", "in_volume": "People in",
            "out_volume": "People out", "betweenness": "Betweenness", "closeness": "Closeness",
            "constraint": "Constraint", "effective_size": "Effective size", "community": "Group"}


@bp.get("/organizations/<int:organization_id>.json")
@login_required
def organization(organization_id):
    return jsonify(mapping.organization_panel(current_user, organization_id, _view(), _today()))


@bp.get("/compare")
@login_required
def compare():
    """The two-period comparison as a page (the map's "Compare periods" control without JavaScript; its JSON is
    GET /api/network/compare). Bad periods show the form again with each problem, as a 400."""
    try:
        chosen = comparing.parse_periods(request.args, _today())
    except ValidationError as error:
        values = {k: request.args.get(k, "") for k in comparing.FIELDS}
        return render_template("network/compare.html", chosen=None, values=values, result=None,
                               errors=error.details.get("errors", {}), **_common()), 400
    result = comparing.compare(current_user, chosen)
    return render_template("network/compare.html", chosen=chosen, values=chosen.query(), result=result, errors={},
                           **_common())


@bp.get("/compare.csv")
@login_required
def compare_csv():
    body = comparing.compare_csv(current_user, comparing.parse_periods(request.args, _today()))
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="partner-map-comparison.csv"'})


@bp.get("/pathways")
@login_required
def pathways():
    answer = None
    if request.args.get("from_sector") or request.args.get("from_organization"):
        view = _view()  # `category` here is the help needed, not a filter on the referral links
        answer = finding.find_routes(current_user, request.args, reading.View(view.start, view.end))
    if request.accept_mimetypes.best == "application/json" and answer is not None:
        return jsonify(answer)
    return render_template("network/pathways.html", answer=answer, args=request.args, **_common())


@bp.get("/gaps")
@login_required
def gaps():
    view = _view()
    return render_template("network/gaps.html", view=view, coverage=finding.coverage(current_user, view),
                           data=mapping.metrics(current_user, view, _today()), **_common())


def _referral_form(values=None, errors=None, status=200):
    return render_template("network/referral_form.html", values=values or {}, errors=errors or {}, labels=LABELS,
                           form=ActionForm(), categories=CATEGORIES, organizations=services.organization_choices(
                               current_user), recent=services.recent_referrals(current_user),
                           month_max=_today().isoformat()[:7]), status


@bp.route("/referrals/new", methods=["GET", "POST"])
@login_required
@idempotent
def new_referral():
    if request.method == "GET":
        return _referral_form({"from_organization_id": str(current_user.organization_id),
                               "month": _today().isoformat()[:7],
                               "to_organization_id": request.args.get("to", "")})
    values = {name: request.form.get(name, "") for name in REFERRAL_FIELDS}
    form = ActionForm()
    if not form.validate_on_submit():
        return _referral_form(values, {"form": form.first_error()}, 400)
    try:
        services.record_referral(current_user, values)
    except ValidationError as error:
        return _referral_form(values, error.details.get("errors") or {"form": error.message}, 400)
    flash("Referral counts recorded. Thank you: the map is up to date.", "info")
    return redirect(url_for("network.new_referral"))


@bp.post("/referrals/<int:referral_id>/delete")
@login_required
def delete_referral(referral_id):
    ActionForm().require_valid()
    services.delete_referral(current_user, referral_id)
    flash("Record removed.", "info")
    return redirect(url_for("network.new_referral"))


@bp.post("/log/<int:service_id>")
@login_required
@idempotent
def log_referral(service_id):
    """The directory page's button: one more person referred to this service this month."""
    ActionForm().require_valid()
    referral = services.log_service_referral(current_user, service_id)
    if request.accept_mimetypes.best == "application/json":
        return jsonify({"id": referral.id, "month": referral.month.isoformat()[:7], "count": referral.count})
    flash("Referral logged for this month. Nothing about the person is kept.", "info")
    return redirect(url_for("directory.show", service_id=service_id))


@bp.route("/partnerships/new", methods=["GET", "POST"])
@login_required
@idempotent
def new_partnership():
    values, errors, status = {"organization_a_id": str(current_user.organization_id)}, {}, 200
    if request.method == "POST":
        values = {k: request.form.get(k, "") for k in ("organization_a_id", "organization_b_id", "kind",
                                                       "starts_on", "ends_on")}
        form = ActionForm()
        if not form.validate_on_submit():
            errors, status = {"form": form.first_error()}, 400
        else:
            try:
                services.record_partnership(current_user, values)
            except ValidationError as error:
                errors, status = error.details.get("errors") or {"form": error.message}, 400
            else:
                flash("Agreement recorded: it shows as the link's style on the map.", "info")
                return redirect(url_for("network.index"))
    return render_template("network/partnership_form.html", values=values, errors=errors, kinds=PARTNERSHIP_KINDS,
                           form=ActionForm(), organizations=services.organization_choices(current_user)), status


@bp.get("/export.<fmt>")
@login_required
def export(fmt):
    if fmt == "png":
        raise ValidationError("The picture is made in your browser: use “Save picture” on the map.")
    body = exports.export(current_user, _view(), _today(), fmt)
    mimetype, extension = formats.FORMATS[fmt]
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="partner-map.{extension}"'})


def register(app):
    """Blueprints, live listeners, the history import and the `network` CLI group."""
    from taskforce.network import api, cli, history, import_views, live  # noqa: F401  (listeners connect on import)
    from taskforce.network import models  # noqa: F401  (tables, for create_app)
    app.register_blueprint(bp)
    import_views.register(app)
    api.register(app)
    cli.register(app)
