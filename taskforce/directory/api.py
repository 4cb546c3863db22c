"""JSON API of the directory: the same filters and the same confidentiality as the pages."""
from flask import Blueprint, jsonify, request
from flask_login import current_user, login_required

from taskforce.dbtypes import utcnow
from taskforce.directory import finder, presenting, services
from taskforce.errors import ValidationError

bp = Blueprint("directory_api", __name__, url_prefix="/api/directory")
MAX_PER_PAGE = 100


@bp.get("/services")
@login_required
def list_services():
    """`GET /api/directory/services?q=&category=&language=&open_now=&…&page=&per_page=` → one page + count.

    `total` is exact unless `total_is_capped` is true; then it means "at least this many" (see finder)."""
    filters = finder.parse_filters(request.args)
    try:
        per_page = int(request.args.get("per_page") or finder.PAGE_SIZE)
    except ValueError:
        raise ValidationError("per_page must be a number.", field="per_page") from None
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise ValidationError(f"per_page must be between 1 and {MAX_PER_PAGE}.", field="per_page")
    now = utcnow()
    viewer = current_user._get_current_object()  # one proxy lookup, not two per service
    found = finder.find(viewer, filters, now, page_size=per_page)
    return jsonify({"services": found.services,
                    "total": found.total, "total_is_capped": found.capped,
                    "page": filters.page, "per_page": per_page})


@bp.get("/services/<int:service_id>")
@login_required
def get_service(service_id):
    return jsonify(presenting.present(services.get_service(service_id), current_user, utcnow()))


def register(app):
    app.register_blueprint(bp)
