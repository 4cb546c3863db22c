"""Sign-in, invitations accepted, the member's own account. Translate HTTP to services, nothing more."""

import segno
from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from taskforce.auth import invitations, passwords, services
from taskforce.auth.forms import AcceptInvitationForm, ChangePasswordForm, LoginForm, PasswordConfirmForm, TotpForm
from taskforce.errors import ValidationError
from taskforce.extensions import login_manager
from taskforce.urls import local_path

bp = Blueprint("auth", __name__, url_prefix="/auth")

# While a coordinator has not set up two-factor, these are the only pages they may open.
MFA_SETUP_ENDPOINTS = {"auth.mfa_setup", "auth.logout", "static", "web.healthz", "web.readyz",
                       "web.session_info"}


login_manager.user_loader(services.load_active_user)


@login_manager.unauthorized_handler
def unauthorized():
    from taskforce.web import error_response, wants_json
    if wants_json():
        return error_response(401, "Sign in first.")
    return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))


def _safe_next(target: str | None) -> str:
    """Only same-site paths: an open redirect would help phishing. Browsers drop tabs and newlines from
    URLs and read a backslash as a slash, so any of those, or a scheme or host, sends the person home."""
    return local_path(target, url_for("web.home"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("web.home"))
    form = LoginForm()
    if request.method == "GET":
        return render_template("auth/login.html", form=form)
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 400
    try:
        user = services.authenticate(form.email.data, form.password.data, form.totp.data)
    except services.SignInFailed as failure:
        flash(failure.message, "error")
        return render_template("auth/login.html", form=form), 401
    session.clear()
    login_user(user)
    session.rotate = True  # a new server-side session and token (no fixation)
    return redirect(_safe_next(request.args.get("next")))


@bp.post("/logout")
@login_required
def logout():
    # CSRFProtect has already checked the token (every POST in the app).
    user = current_user._get_current_object()
    services.sign_out(user, session.row_id)
    logout_user()
    session.end()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept_invitation(token):
    invitation = invitations.pending_invitation(token)
    form = AcceptInvitationForm(display_name=invitation.display_name)
    if request.method == "POST" and form.validate_on_submit():
        try:
            user = invitations.accept_invitation(token, form.display_name.data, form.password.data)
        except ValidationError as error:
            getattr(form, error.field or "password").errors.append(error.message)
        else:
            if current_user.is_authenticated:
                logout_user()
            session.clear()
            login_user(user)
            session.rotate = True
            flash(f"Welcome, {user.display_name}. Your account is ready.", "info")
            return redirect(url_for("auth.mfa_setup") if user.requires_totp else url_for("web.home"))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/accept_invitation.html", form=form, invitation=invitation), status


@bp.route("/mfa", methods=["GET", "POST"])
@login_required
def mfa_setup():
    """Two-factor set-up: the secret waits in the server-side session until a code proves the app has it."""
    if current_user.totp_enabled:
        return render_template("auth/mfa_on.html", form=PasswordConfirmForm())
    secret = session.get("pending_totp_secret")
    if not secret:
        secret = session["pending_totp_secret"] = passwords.new_totp_secret()
    form = TotpForm()
    status = 200
    if request.method == "POST":
        status = 400
        if form.validate_on_submit():
            try:
                services.confirm_totp(current_user, secret, form.code.data)
            except ValidationError as error:
                form.code.errors.append(error.message)
            else:
                session.pop("pending_totp_secret", None)
                flash("Two-factor sign-in is on. You will need a code from your app at each sign-in.", "info")
                return redirect(url_for("web.home"))
    uri = passwords.provisioning_uri(secret, current_user.email)
    qr = segno.make(uri, error="m").svg_data_uri(scale=5, border=2)
    return render_template("auth/mfa_setup.html", form=form, secret=secret, qr=qr, uri=uri), status


@bp.post("/mfa/disable")
@login_required
def mfa_disable():
    form = PasswordConfirmForm()
    if form.validate_on_submit():
        services.disable_totp(current_user, form.password.data)
        flash("Two-factor sign-in is off.", "info")
    return redirect(url_for("auth.account"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = ChangePasswordForm()
    status = 200
    if request.method == "POST":
        status = 400
        if form.validate_on_submit():
            try:
                services.change_password(current_user, form.current_password.data, form.new_password.data,
                                         keep_session_id=session.row_id)
            except ValidationError as error:
                getattr(form, error.field or "new_password").errors.append(error.message)
            else:
                flash("Password changed. Your other sessions were signed out.", "info")
                return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form, mfa_form=PasswordConfirmForm()), status


def enforce_second_factor():
    """Coordinators and admins must set up two-factor before they can use anything else."""
    if (current_user.is_authenticated and current_user.requires_totp and not current_user.totp_enabled
            and request.endpoint not in MFA_SETUP_ENDPOINTS):
        from taskforce.web import error_response, wants_json
        if wants_json():
            return error_response(403, "Set up two-factor sign-in first.")
        return redirect(url_for("auth.mfa_setup"))
    return None


def register(app):
    from taskforce.auth import admin_views
    app.register_blueprint(bp)
    app.register_blueprint(admin_views.bp)
    app.before_request(enforce_second_factor)
    login_manager.session_protection = None  # the server-side session already binds the sign-in
    login_manager.login_message = "Please sign in to continue."
