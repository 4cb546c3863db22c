"""Flask-WTF forms of the directory: they carry the CSRF token and render the fields; the services check
every rule again (validation.clean_service), so a hand-made POST gets the same answers."""
from taskforce.forms import ActionForm, BaseForm  # noqa: F401  (ActionForm is used by the views)
from wtforms import (BooleanField, HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField,
                     widgets)
from wtforms.validators import Length

from taskforce.directory.languages import picker_choices
from taskforce.directory.taxonomy import CATEGORIES, GENDERS, TRAFFICKING_TYPES, WEEKDAYS
from taskforce.directory.validation import STATUSES

LIST_FIELDS = ("categories", "languages", "genders", "trafficking_types")


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def _text(label, max_length, description=None):
    return StringField(label, validators=[Length(max=max_length)], description=description)


class ServiceForm(BaseForm):
    version = HiddenField()
    organization_id = SelectField("Organization", coerce=str, validate_choice=False)
    name = _text("Service name", 200)
    description = TextAreaField("What the service offers", validators=[Length(max=5000)])
    status = SelectField("Status", choices=list(STATUSES.items()), validate_choice=False)
    categories = CheckboxesField("Categories", choices=list(CATEGORIES.items()), validate_choice=False)
    languages = SelectMultipleField("Languages spoken (ISO 639-1)", choices=picker_choices(), validate_choice=False,
                                    description="Hold Ctrl/Cmd to pick several. Common languages come first.")
    min_age = _text("Minimum age", 3, "Blank = no lower limit.")
    max_age = _text("Maximum age", 3, "Blank = no upper limit.")
    genders = CheckboxesField("Genders served (none ticked = everyone)", choices=list(GENDERS.items()),
                              validate_choice=False)
    trafficking_types = CheckboxesField("Trafficking types (none ticked = all)", choices=list(TRAFFICKING_TYPES.items()),
                                        validate_choice=False)
    eligibility_notes = TextAreaField("Eligibility notes", validators=[Length(max=2000)])
    open_24_7 = BooleanField("Open 24 hours, 7 days")
    timezone = _text("Time zone (IANA)", 64)
    service_area = _text("Service area", 200, "Counties or cities served.")
    phone = _text("Phone", 40)
    email = _text("Email", 254)
    website = _text("Website", 500)
    location_name = _text("Site name", 200)
    address_1 = _text("Street address", 200)
    city = _text("City", 120)
    state_province = _text("State", 120)
    postal_code = _text("Postal code", 20)
    country = _text("Country (2 letters)", 2)
    is_confidential = BooleanField("Confidential site (partners outside your organization see only the city and phone)")


for _day, _name in enumerate(WEEKDAYS):
    setattr(ServiceForm, f"hours_{_day}", _text(_name.capitalize(), 80, "e.g. 09:00-17:00, 18:00-22:00 · blank = closed"))


class CapacityForm(BaseForm):
    available = StringField("Available", validators=[Length(max=12)])
    total = StringField("Total", validators=[Length(max=12)])


