"""JSON API of the partner map (public contract): GET /api/network/metrics, the figures per organization;
GET /api/network/compare, what changed between two periods."""
from flask import Blueprint, jsonify, request
from flask_login import current_user, login_required

from taskforce.network import comparing, mapping, reading, services

bp = Blueprint("network_api", __name__, url_prefix="/api/network")


@bp.get("/metrics")
@login_required
def metrics():
    """Figures per organization for the signed-in viewer (exact for coordinators, suppressed for members),
    with each figure's one-line explanation; `figures.status` is "computing" while a large map is worked on."""
    return jsonify(mapping.metrics(current_user, reading.parse_view(request.args, services.today()), services.today()))


@bp.get("/compare")
@login_required
def compare():
    """Links that appeared, vanished, grew or shrank from period A (`start_a`..`end_a`, YYYY-MM) to period B
    (`start_b`..`end_b`), optionally for one `category`, as the signed-in viewer may see them; a bad period
    is a 400 naming every problem (`details.errors`)."""
    return jsonify(comparing.compare(current_user, comparing.parse_periods(request.args, services.today())))


def register(app):
    app.register_blueprint(bp)
