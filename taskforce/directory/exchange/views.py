"""Directory exchange pages: HSDS download (any signed-in member), HSDS and spreadsheet imports (coordinators).

A spreadsheet goes upload → preview (per-row errors, nothing written) → confirm → import in a background
thread; the page polls `GET /directory/exchange/jobs/<id>` (JSON) to move its progress bar.
"""

from flask import Blueprint, Response, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from taskforce.forms import ActionForm

from taskforce.dbtypes import utcnow
from taskforce.directory import background, services
from taskforce.directory.exchange import csv_jobs, hsds_exchange
from taskforce.errors import ValidationError
from taskforce.idempotency import idempotent
from taskforce.limits import accepts_uploads

bp = Blueprint("directory_exchange", __name__, url_prefix="/directory/exchange")
CSV_TEMPLATE = ("organization,name,description,categories,languages,phone,email,website,address_1,city,state,"
                "postal_code,confidential,min_age,max_age,genders,open_24_7,hours,capacity_total\r\n"
                "Example Shelter Network,Emergency beds,Short-term beds for adults,emergency_shelter;case_management,"
                "en;es,+1 206 555 0100,intake@example.org,https://example.org,,Seattle,WA,,yes,18,,female,no,"
                "mon-fri 09:00-17:00; sat 10:00-14:00,12\r\n")



def _uploads(name: str) -> list[tuple[str, bytes]]:
    files = [f for f in request.files.getlist(name) if f and f.filename]
    return [(f.filename, f.read()) for f in files]


@bp.get("/")
@login_required
def index():
    return _exchange_page()


def _exchange_page(errors: dict[str, str] | None = None):
    """The exchange page; after a refused upload, with the reason beside the file field (a browser cannot
    refill a file input, so the page says what to pick instead)."""
    return render_template("directory/exchange/index.html", form=ActionForm(), errors=errors or {},
                           may_import=services.may_import(current_user))


@bp.get("/hsds.zip")
@login_required
def download_hsds():
    """The directory as HSDS 3.0 (three JSON files in a zip); confidential sites by city only."""
    stamp = utcnow().strftime("%Y%m%d")
    return Response(hsds_exchange.export_zip(current_user), mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="directory-hsds-{stamp}.zip"'})


@bp.get("/template.csv")
@login_required
def csv_template():
    return Response(CSV_TEMPLATE, mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="directory-template.csv"'})


@bp.post("/hsds")
@accepts_uploads
@login_required
@idempotent
def import_hsds():
    services.check_may_import(current_user)  # before reading the upload
    ActionForm().require_valid()
    wants_json = request.accept_mimetypes.best == "application/json"
    try:
        report = hsds_exchange.import_hsds(current_user, _uploads("files"))
    except ValidationError as error:
        if wants_json:
            raise
        return _exchange_page({"files": error.message}), 400
    if wants_json:
        return jsonify(report)
    return render_template("directory/exchange/hsds_report.html", report=report)


@bp.post("/csv")
@accepts_uploads
@login_required
@idempotent
def upload_csv():
    services.check_may_import(current_user)  # before reading the upload
    ActionForm().require_valid()
    uploads = _uploads("file")
    if not uploads:
        return _exchange_page({"file": "Choose a CSV file to import."}), 400
    name, content = uploads[0]
    try:
        job = csv_jobs.preview_csv(current_user, name, content)
    except ValidationError as error:
        return _exchange_page({"file": error.message}), 400
    return redirect(url_for("directory_exchange.job_page", job_id=job.id))


@bp.get("/jobs/<int:job_id>/view")
@login_required
def job_page(job_id):
    job = csv_jobs.get_job(current_user, job_id)
    return render_template("directory/exchange/job.html", job=job, status=csv_jobs.status(job),
                           preview=csv_jobs.preview(job), form=ActionForm())


@bp.get("/jobs/<int:job_id>")
@login_required
def job_status(job_id):
    """Progress of one import, as JSON (for the progress bar); only its own coordinator may read it."""
    return jsonify(csv_jobs.status(csv_jobs.get_job(current_user, job_id)))


@bp.post("/jobs/<int:job_id>/start")
@login_required
def start_job(job_id):
    ActionForm().require_valid()
    job = csv_jobs.start_job(current_user, job_id)
    background.run_job_in_background(job.id, csv_jobs.run_job, "directory import")
    if request.accept_mimetypes.best == "application/json":
        return jsonify(csv_jobs.status(job)), 202
    return redirect(url_for("directory_exchange.job_page", job_id=job.id))

