"""Flask-WTF forms of the auth area: CSRF on every one; the services re-check every rule."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from taskforce.auth.models import Role, Sector

SECTOR_CHOICES = [(s.value, s.label) for s in Sector]
ROLE_CHOICES = [(r.value, r.label) for r in Role]


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=256)])
    totp = StringField("Authenticator code", validators=[Optional(), Length(max=10)],
                       description="Required if you turned on two-factor sign-in (coordinators and admins).")


class AcceptInvitationForm(FlaskForm):
    display_name = StringField("Your name as partners will see it", validators=[DataRequired(), Length(max=120)])
    password = PasswordField("Choose a password", validators=[DataRequired(), Length(max=256)],
                             description="At least 12 characters; a few unusual words work well.")


class TotpForm(FlaskForm):
    code = StringField("6-digit code from your app", validators=[DataRequired(), Length(min=6, max=10)])


class PasswordConfirmForm(FlaskForm):
    password = PasswordField("Your password", validators=[DataRequired(), Length(max=256)])


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired(), Length(max=256)])
    new_password = PasswordField("New password", validators=[DataRequired(), Length(max=256)])


class OrganizationForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    sector = SelectField("Sector", choices=SECTOR_CHOICES)
    jurisdiction = StringField("Jurisdiction", validators=[Optional(), Length(max=200)])
    vetted = BooleanField("Vetted (MOU signed, references checked)")


class InvitationForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    display_name = StringField("Name", validators=[Optional(), Length(max=120)])
    organization_id = SelectField("Organization", coerce=int, validate_choice=False)
    role = SelectField("Role", choices=ROLE_CHOICES, default="member")


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=ROLE_CHOICES)


class ActionForm(FlaskForm):
    """A button-only form: carries the CSRF token for POST actions (vet, unlock, revoke…)."""
