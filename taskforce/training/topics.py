"""PURE: the curriculum taxonomy a training is tagged with (the filter on every calendar view).

A code taxonomy like the lessons' indicators: every install has it from the first migration, the demo
uses it, and a slug never changes once trainings carry it.
"""

TOPICS = (
    ("legal-framework", "Legal framework: TVPA and the Palermo Protocol"),
    ("definitions", "Definitions: trafficking, smuggling, exploitation"),
    ("indicators", "Indicators and screening"),
    ("victim-centred", "Victim-centred and trauma-informed practice"),
    ("interviewing", "Interviewing"),
    ("labor-trafficking", "Labor trafficking"),
    ("online-exploitation", "Online exploitation"),
    ("minors", "Minors"),
    ("evidence-prosecution", "Evidence and prosecution"),
    ("interagency-referral", "Interagency referral"),
)
_LABELS = dict(TOPICS)


def label(slug: str) -> str:
    """The readable name of a topic slug (an unknown slug is shown as is: never a crash on old data)."""
    return _LABELS.get(slug, slug)


def unknown(slugs) -> list[str]:
    """The slugs that are not in the taxonomy, sorted (a form names the first)."""
    return sorted(set(slugs) - set(_LABELS))
