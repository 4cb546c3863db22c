"""Flask-WTF forms of the lessons area. They carry the CSRF token and render the fields; the services
re-check every rule (the anonymizer check above all), so nothing here is trusted on its own."""
from taskforce.forms import ActionForm, BaseForm  # noqa: F401  (ActionForm is used by the views)
from wtforms import HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Optional

from taskforce.lessons import indicators
from taskforce.lessons.models import JurisdictionLevel, TraffickingType, Visibility
from taskforce.lessons.services import LIMITS, SECTOR_CHOICES


def _limit(field: str) -> dict:
    """The limit as data for the page's character counter — never `maxlength`, which silently cuts a paste;
    the server refuses over-long text with a message beside the field instead."""
    return {"data-limit": LIMITS[field]}


class LessonForm(BaseForm):
    title = StringField("Title", description="What a reader learns, in a few words. No names or places.",
                        render_kw=_limit("title"))
    summary = TextAreaField("Summary", description="Two or three sentences: the lesson in short.",
                            render_kw=_limit("summary"))
    what_happened = TextAreaField("What happened", description="Use neutral words: “the victim”, “a motel in the "
                                  "county”, “an employer”. Markdown works.", render_kw=_limit("what_happened"))
    what_worked = TextAreaField("What worked", render_kw=_limit("what_worked"))
    what_did_not = TextAreaField("What did not work", render_kw=_limit("what_did_not"))
    recommendation = TextAreaField("Recommendation", description="What should partners do next time?",
                                   render_kw=_limit("recommendation"))
    trafficking_type = SelectField("Trafficking type", choices=[(t.value, t.label) for t in TraffickingType],
                                   default="unknown")
    jurisdiction_level = SelectField("Jurisdiction level", choices=[(j.value, j.label) for j in JurisdictionLevel],
                                     default="local")
    case_year = StringField("Year of the case", validators=[Optional()],
                            description="A year, never a date (a date can identify a case).")
    indicators = SelectMultipleField("Indicators", choices=[(i.slug, i.label) for i in indicators.INDICATORS],
                                     validate_choice=False)
    sectors = SelectMultipleField("Sectors involved", choices=SECTOR_CHOICES, validate_choice=False)
    decisions = HiddenField()
    replacements = HiddenField()
    version = HiddenField()  # the edit version the page was opened at (optimistic locking)


class PublishForm(BaseForm):
    visibility = SelectField("Who may read it", choices=[(v.value, v.label) for v in Visibility],
                             default="task_force")


class CommentForm(BaseForm):
    body = TextAreaField("Comment", description="Comments are checked for identifying details too.",
                         render_kw={"data-limit": 4_000})
