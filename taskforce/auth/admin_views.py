"""Partners area: organizations, members, invitations and the audit log (coordinators manage, members read)."""
import csv
import io
from datetime import datetime, timedelta, timezone

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from taskforce import audit
from taskforce.auth import invitations, members
from taskforce.auth.forms import ActionForm, InvitationForm, OrganizationForm, RoleForm
from taskforce.dbtypes import utcnow
from taskforce.errors import ValidationError
from taskforce.idempotency import idempotent

bp = Blueprint("admin", __name__, url_prefix="/partners")


def _role_choices():
    """Only the roles the signed-in coordinator may give: the list never offers what would be refused."""
    return [(role.value, role.label) for role in members.grantable_roles(current_user)]


def _organization_choices():
    return [(o.id, o.name) for o in members.list_organizations(current_user)]


@bp.get("/")
@login_required
def organizations():
    sector = request.args.get("sector") or None
    return render_template("auth/organizations.html", organizations=members.list_organizations(current_user, sector),
                           sector=sector, form=OrganizationForm(), action_form=ActionForm())


@bp.post("/")
@login_required
@idempotent
def create_organization():
    form = OrganizationForm().require_valid()
    organization = members.create_organization(current_user, form.name.data, form.sector.data,
                                               form.jurisdiction.data, form.vetted.data)
    flash(f"{organization.name} added.", "info")
    return redirect(url_for("admin.organization", organization_id=organization.id))


@bp.get("/<int:organization_id>")
@login_required
def organization(organization_id):
    org = members.get_organization(current_user, organization_id)
    may_list = members.may_list_members(current_user, org.id)
    people = members.list_members(current_user, org.id) if may_list else []
    form = OrganizationForm(obj=org, sector=org.sector.value, vetted=org.is_vetted)
    role_form = RoleForm()
    role_form.role.choices = _role_choices()
    return render_template("auth/organization.html", org=org, people=people, may_list=may_list, form=form,
                           role_form=role_form,
                           manageable={p.id for p in people if members.may_manage(current_user, p)},
                           action_form=ActionForm(), now=utcnow())


@bp.post("/<int:organization_id>")
@login_required
def update_organization(organization_id):
    form = OrganizationForm().require_valid()
    members.update_organization(current_user, organization_id, form.name.data, form.sector.data, form.jurisdiction.data)
    flash("Organization saved.", "info")
    return redirect(url_for("admin.organization", organization_id=organization_id))


@bp.post("/<int:organization_id>/vet")
@login_required
def vet_organization(organization_id):
    vetted = _yes_or_no("vetted")
    members.set_vetted(current_user, organization_id, vetted)
    flash("Vetting recorded." if vetted else "Vetting withdrawn.", "info")
    return redirect(url_for("admin.organization", organization_id=organization_id))


@bp.post("/members/<int:user_id>/role")
@login_required
def change_role(user_id):
    form = RoleForm().require_valid()
    member = members.change_role(current_user, user_id, form.role.data)
    flash(f"{member.display_name} is now {member.role.label.lower()}; their sessions were ended.", "info")
    return redirect(url_for("admin.organization", organization_id=member.organization_id))


@bp.post("/members/<int:user_id>/active")
@login_required
def set_active(user_id):
    active = _yes_or_no("active")
    member = members.set_active(current_user, user_id, active)
    flash(f"{member.display_name} {'reactivated' if active else 'deactivated and signed out'}.", "info")
    return redirect(url_for("admin.organization", organization_id=member.organization_id))


@bp.post("/members/<int:user_id>/unlock")
@login_required
def unlock(user_id):
    member = members.unlock(current_user, user_id)
    flash(f"{member.display_name} can sign in again.", "info")
    return redirect(url_for("admin.organization", organization_id=member.organization_id))


@bp.route("/invitations", methods=["GET", "POST"])
@login_required
@idempotent
def invitations_page():
    invitations.check_may_invite(current_user)
    form = InvitationForm(organization_id=request.args.get("organization_id", type=int))
    form.organization_id.choices = _organization_choices()
    form.role.choices = _role_choices()
    link = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.validate_on_submit():
            try:
                invitation, token = invitations.invite_member(current_user, form.email.data, form.display_name.data,
                                                              form.organization_id.data, form.role.data)
            except ValidationError as error:
                getattr(form, error.field or "email").errors.append(error.message)
            else:
                link = url_for("auth.accept_invitation", token=token, _external=True)
                mailed = invitations.mail_invitation(invitation, link)
                flash(f"Invitation created for {invitation.email}" + (" and mailed." if mailed else
                      ". Send them the link below; it is shown only now."), "info")
                form = InvitationForm(formdata=None)
                form.organization_id.choices = _organization_choices()
                form.role.choices = _role_choices()
                status = 201
    return render_template("auth/invitations.html", form=form, link=link, action_form=ActionForm(),
                           invitations=invitations.list_invitations(current_user), now=utcnow()), status


@bp.post("/invitations/<int:invitation_id>/revoke")
@login_required
def revoke_invitation(invitation_id):
    invitation = invitations.revoke_invitation(current_user, invitation_id)
    flash(f"Invitation for {invitation.email} revoked.", "info")
    return redirect(url_for("admin.invitations_page"))


def _audit_filters():
    def day(name):
        try:
            return datetime.strptime(request.args.get(name, ""), "%Y-%m-%d").replace(tzinfo=timezone.utc)
        except ValueError:
            return None
    until = day("until")
    try:
        until = until + timedelta(days=1) if until else None  # the whole "until" day is included
    except OverflowError:  # 9999-12-31
        until = None
    return {"action": (request.args.get("action") or "")[:64] or None,
            "actor_text": (request.args.get("actor") or "")[:100] or None,
            "since": day("since"), "until": until}


@bp.get("/audit")
@login_required
def audit_log():
    events, names = audit.read_log(current_user, **_audit_filters(), limit=500)
    return render_template("auth/audit.html", events=events, args=request.args, names=names)


@bp.get("/audit.csv")
@login_required
def audit_csv():
    events, names = audit.read_log(current_user, **_audit_filters(), limit=None)  # refused before any row is read
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["at", "actor", "action", "target_type", "target_id", "outcome", "source_ip", "target_name"])
    for event in events:
        writer.writerow([event.at.isoformat(), _csv_safe(event.actor_label), event.action, event.target_type,
                         event.target_id, event.outcome, event.source_ip,
                         _csv_safe(names.get((event.target_type, event.target_id), ""))])
    return Response(buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=audit-log.csv"})


def _csv_safe(value: str) -> str:
    """Neutralise spreadsheet formulas (CSV injection) in free text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _yes_or_no(name: str) -> bool:
    """A button's explicit answer; a missing or odd value must not default to "no" (deactivate, unvet)."""
    value = request.form.get(name)
    if value not in ("0", "1"):
        raise ValidationError(f"The request must say {name}=1 or {name}=0.")
    return value == "1"
