"""Flask-WTF forms of the auth area: CSRF on every one; the services re-check every rule."""
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from taskforce.auth.models import Role, Sector
from taskforce.forms import ActionForm, BaseForm  # noqa: F401  (ActionForm re-exported for the auth views)

SECTOR_CHOICES = [(s.value, s.label) for s in Sector]
ROLE_CHOICES = [(r.value, r.label) for r in Role]


class LoginForm(BaseForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=256)])
    totp = StringField("Authenticator code", validators=[Optional(), Length(max=10)],
                       description="Required if you turned on two-factor sign-in (coordinators and admins).")


class AcceptInvitationForm(BaseForm):
    display_name = StringField("Your name as partners will see it", validators=[DataRequired(), Length(max=120)])
    password = PasswordField("Choose a password", validators=[DataRequired(), Length(max=256)],
                             description="At least 12 characters; a few unusual words work well.")


class TotpForm(BaseForm):
    code = StringField("6-digit code from your app", validators=[DataRequired(), Length(min=6, max=10)])


class PasswordConfirmForm(BaseForm):
    password = PasswordField("Your password", validators=[DataRequired(), Length(max=256)])


class ChangePasswordForm(BaseForm):
    current_password = PasswordField("Current password", validators=[DataRequired(), Length(max=256)])
    new_password = PasswordField("New password", validators=[DataRequired(), Length(max=256)])


class OrganizationForm(BaseForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    sector = SelectField("Sector", choices=SECTOR_CHOICES)
    jurisdiction = StringField("Jurisdiction", validators=[Optional(), Length(max=200)])
    vetted = BooleanField("Vetted (MOU signed, references checked)")


class InvitationForm(BaseForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    display_name = StringField("Name", validators=[Optional(), Length(max=120)])
    organization_id = SelectField("Organization", coerce=int, validate_choice=False)
    role = SelectField("Role", choices=ROLE_CHOICES, default="member")


class RoleForm(BaseForm):
    role = SelectField("Role", choices=ROLE_CHOICES)

