"""Attendance, the anonymous evaluation and the effectiveness report (pages and CSV).

Translate HTTP to `attendance`, `evaluation` and `report`; a member's mistake re-renders the form with
every error and the answers kept.
"""
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from taskforce.errors import ValidationError
from taskforce.forms import ActionForm
from taskforce.training import attendance, evaluation, quiz, report, services
from taskforce.training.presenting import viewer_zone

bp = Blueprint("training_evaluation", __name__, url_prefix="/training")
STAGE_TITLES = {"pre_quiz": "Before the training: a short quiz", "reaction": "After the training",
                "follow_up": "Three months later"}


@bp.post("/<int:training_id>/check-in")
@login_required
def check_in(training_id):
    ActionForm().require_valid()
    registration = attendance.check_in(current_user, training_id, request.form.get("user_id"))
    flash(f"{registration.user.display_name} checked in.")
    return redirect(url_for("training.show", training_id=training_id) + "#roster-title")


@bp.post("/<int:training_id>/code")
@login_required
def issue_code(training_id):
    ActionForm().require_valid()
    code = attendance.issue_code(current_user, training_id)
    flash(f"Check-in code for this session: {code.code} (valid 4 hours). Members enter it on the training's page.")
    return redirect(url_for("training.show", training_id=training_id) + "#attendance")


@bp.post("/<int:training_id>/close-attendance")
@login_required
def close_attendance(training_id):
    ActionForm().require_valid()
    missing = attendance.close_attendance(current_user, training_id)
    flash(f"Attendance closed: {missing} marked as not attending.")
    return redirect(url_for("training.show", training_id=training_id))


@bp.route("/<int:training_id>/attend", methods=["GET", "POST"])
@login_required
def attend(training_id):
    training = services.get_training(current_user, training_id)
    error = None
    if request.method == "POST":
        ActionForm().require_valid()
        try:
            attendance.check_in_with_code(current_user, training_id, request.form.get("code"))
        except ValidationError as problem:
            error = problem.message
        else:
            flash("You are checked in. Thank you for coming.")
            return redirect(url_for("training.show", training_id=training_id))
    return render_template("training/attend.html", training=training, error=error, action_form=ActionForm(),
                           code=request.form.get("code", "")), 400 if error else 200


@bp.route("/<int:training_id>/evaluate", methods=["GET", "POST"])
@login_required
def evaluate(training_id):
    training = services.get_training(current_user, training_id)
    stage = request.values.get("stage") or next(
        (s for s in evaluation.STAGES if evaluation.can_answer(current_user, training, s)), "reaction")
    if stage not in evaluation.STAGES:
        stage = "reaction"
    values, errors, status = request.form.to_dict(), {}, 200
    if request.method == "POST":
        try:
            evaluation.submit(current_user, training_id, stage, values)
        except ValidationError as problem:
            errors, status = problem.details.get("fields") or {"form": problem.message}, 400
        else:
            flash("Thank you. Your answers are stored without your name; nobody can tell which are yours.")
            return redirect(url_for("training.show", training_id=training_id))
    answered = evaluation.has_answered(current_user, training.id, stage)
    return render_template("training/evaluate.html", training=training, stage=stage, title=STAGE_TITLES[stage],
                           questions=quiz.QUESTIONS, values=values, errors=errors, answered=answered,
                           may_answer=evaluation.can_answer(current_user, training, stage),
                           stages=STAGE_TITLES), status


@bp.post("/<int:training_id>/remind")
@login_required
def remind(training_id):
    ActionForm().require_valid()
    count = evaluation.remind(current_user, training_id, request.form.get("stage"))
    flash(f"Reminder sent to {count} {'person' if count == 1 else 'people'} who have not answered yet.")
    return redirect(url_for("training.show", training_id=training_id) + "#evaluation")


@bp.get("/report")
@login_required
def effectiveness():
    data = report.effectiveness(current_user)
    return render_template("training/report.html", report=data, zone=viewer_zone(request.cookies.get("tz")),
                           min_results=quiz.MIN_RESULTS)


@bp.get("/report.csv")
@login_required
def effectiveness_csv():
    response = Response(report.effectiveness_csv(current_user), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="training-effectiveness.csv"'
    return response
