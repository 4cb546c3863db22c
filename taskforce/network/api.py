"""JSON API of the partner map (public contract): GET /api/network/metrics, the figures per organization."""
from flask import Blueprint, jsonify, request
from flask_login import current_user, login_required

from taskforce.network import mapping, reading, services

bp = Blueprint("network_api", __name__, url_prefix="/api/network")


@bp.get("/metrics")
@login_required
def metrics():
    """Figures per organization for the signed-in viewer (exact for coordinators, suppressed for members),
    with each figure's one-line explanation; `figures.status` is "computing" while a large map is worked on."""
    return jsonify(mapping.metrics(current_user, reading.parse_view(request.args, services.today()), services.today()))


def register(app):
    app.register_blueprint(bp)
