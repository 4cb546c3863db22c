"""Referral-history spreadsheet pages, on the directory's import machinery (csv_jobs) with the "network" kind:
upload → preview (per-row errors, nothing written) → confirm → background import with a progress bar."""
from flask import Blueprint, Response, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from taskforce.directory import background
from taskforce.directory.exchange import csv_jobs
from taskforce.errors import ValidationError
from taskforce.forms import ActionForm
from taskforce.idempotency import idempotent
from taskforce.network import history

bp = Blueprint("network_import", __name__, url_prefix="/network/import")


@bp.get("/")
@login_required
def index():
    return render_template("network/import.html", form=ActionForm(), columns=history.COLUMNS)


@bp.get("/template.csv")
@login_required
def template():
    return Response(history.TEMPLATE, mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="referral-history-template.csv"'})


@bp.post("/")
@login_required
@idempotent
def upload():
    ActionForm().require_valid()
    files = [f for f in request.files.getlist("file") if f and f.filename]
    if not files:
        raise ValidationError("Choose a CSV file to import.", field="file")
    job = csv_jobs.preview_csv(current_user, files[0].filename, files[0].read(), kind=history.KIND)
    return redirect(url_for("network_import.job_page", job_id=job.id))


@bp.get("/jobs/<int:job_id>/view")
@login_required
def job_page(job_id):
    job = csv_jobs.get_job(current_user, job_id, history.KIND)
    return render_template("network/import_job.html", job=job, status=csv_jobs.status(job),
                           preview=csv_jobs.preview(job), form=ActionForm())


@bp.get("/jobs/<int:job_id>")
@login_required
def job_status(job_id):
    return jsonify(csv_jobs.status(csv_jobs.get_job(current_user, job_id, history.KIND)))


@bp.post("/jobs/<int:job_id>/start")
@login_required
def start_job(job_id):
    ActionForm().require_valid()
    job = csv_jobs.start_job(current_user, job_id, history.KIND)
    background.run_job_in_background(job.id, history.run, "referral history import")
    if request.accept_mimetypes.best == "application/json":
        return jsonify(csv_jobs.status(job)), 202
    return redirect(url_for("network_import.job_page", job_id=job.id))


def register(app):
    app.register_blueprint(bp)
