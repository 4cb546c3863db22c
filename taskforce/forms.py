"""Form bases shared by every domain: CSRF on every form (Flask-WTF), text-only input."""
from flask import request
from flask_wtf import FlaskForm

from taskforce.errors import ValidationError


def _is_text(value) -> bool:
    return isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))


class BaseForm(FlaskForm):
    """A FlaskForm that takes only text. Flask-WTF also reads a JSON body as form data, and WTForms'
    validators assume strings: `{"name": 123}` or a JSON array would crash them (a 500). Such a body is a
    400 here. Every form of the app should derive from this one."""

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            if (formdata is not None and request and request.method in ("POST", "PUT", "PATCH", "DELETE")
                    and request.is_json and not request.form and not request.files):
                data = request.get_json(silent=True)
                if data is not None and not (isinstance(data, dict) and all(map(_is_text, data.values()))):
                    raise ValidationError("Send the form's fields as text.")
            return super().wrap_formdata(form, formdata)


    def require_valid(self) -> "BaseForm":
        """Validate a submitted form or raise a 400 naming the first problem (CSRF included), so a view
        reads as one line."""
        if not self.validate_on_submit():
            raise ValidationError(self.first_error())
        return self

    def first_error(self) -> str:
        for field in self:
            for error in field.errors:
                if field.name == "csrf_token":
                    return "The form expired. Reload the page and try again."
                return f"{field.label.text}: {error}"
        return "The form was incomplete."


class ActionForm(BaseForm):
    """A button-only form: carries the CSRF token for POST actions (vet, unlock, revoke, publish…)."""
