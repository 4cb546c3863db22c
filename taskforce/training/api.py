"""JSON for scripts and page modules (public contract, DESIGN §5): the sessions in a range, scheduling,
registering and cancelling. Errors come back as {error, details} with 400/403/404/409 (web.py)."""
from datetime import timezone

from flask import Blueprint, request
from flask_login import current_user, login_required

from taskforce.errors import ValidationError
from taskforce.idempotency import FIELD as IDEMPOTENCY_FIELD, idempotent
from taskforce.training import calendar, offers, registration, scheduling

bp = Blueprint("training_api", __name__, url_prefix="/api/trainings")


def _iso(moment) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@bp.get("")
@login_required
def sessions():
    low, high = calendar.parse_range(request.args.get("start"), request.args.get("end"))
    entries = calendar.entries(current_user, low, high, calendar.clean_filters(request.args))
    return {"trainings": [{
        "id": e.training.id, "title": e.training.title, "starts_at": _iso(e.session.starts_at),
        "ends_at": _iso(e.session.ends_at), "recurrence_id": _iso(e.session.recurrence_id), "tz": e.training.tz,
        "seats_left": e.seats_left, "state": e.my_state, "format": e.training.format.value,
        "status": "cancelled" if e.training.is_cancelled or e.session.cancelled else "scheduled",
        "url": f"/training/{e.training.id}"} for e in entries]}


def _body() -> dict:
    data = request.get_json(silent=True)
    if data is None:
        data = request.form.to_dict()
        data.pop(IDEMPOTENCY_FIELD, None)
        data["topics"], data["co_hosts"] = request.form.getlist("topics"), request.form.getlist("co_hosts")
    if not isinstance(data, dict):
        raise ValidationError("Send the training's fields as a JSON object.")
    return data


@bp.post("")
@login_required
@idempotent
def create():
    training = scheduling.create_training(current_user, _body())
    return {"id": training.id}, 201


@bp.post("/<int:training_id>/registration")
@login_required
def register(training_id):
    reg, warnings = registration.register(current_user, training_id)
    return {"state": reg.state.value, "position": offers.waitlist_position(reg), "warnings": warnings}, 201


@bp.delete("/<int:training_id>/registration")
@login_required
def cancel(training_id):
    reg = registration.cancel(current_user, training_id)
    return {"state": reg.state.value}, 200


@bp.post("/<int:training_id>/offer")
@login_required
def accept(training_id):
    reg = offers.accept_offer(current_user, training_id)
    return {"state": reg.state.value}, 200
