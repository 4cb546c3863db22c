"""PURE: the curated human-trafficking indicator taxonomy lessons are tagged with.

Grouped as the DHS Blue Campaign groups its indicators (recruitment and travel, control, working and living
conditions, health, behaviour). Slugs are stored on lessons, so they never change once released; labels may
be reworded. An indicator is a sign to notice, never proof of trafficking on its own.
"""
from typing import NamedTuple


class Indicator(NamedTuple):
    slug: str
    group: str
    label: str


GROUPS = {
    "recruitment_travel": "Recruitment and travel",
    "control": "Control",
    "working_living": "Working and living conditions",
    "health": "Health",
    "behaviour": "Behaviour",
}

_TAXONOMY = {
    "recruitment_travel": [
        ("false-job-offer", "Recruited with a false or misleading job offer"),
        ("online-recruitment", "Recruited online or through social media"),
        ("recruited-by-intimate-partner", "Recruited by a romantic partner or someone close"),
        ("recruitment-fees-debt", "Owes fees or a debt for recruitment or travel"),
        ("travel-arranged-by-employer", "Travel or papers arranged by the employer or a third party"),
        ("visa-work-mismatch", "The work differs from what the visa or contract allowed"),
        ("moved-between-sites", "Moved often between work sites, motels or cities"),
        ("does-not-know-address", "Does not know the address of where they live or work"),
    ],
    "control": [
        ("documents-held", "Identity or travel documents held by someone else"),
        ("debt-bondage", "A debt that grows or can never be paid off"),
        ("movement-restricted", "Not free to come and go"),
        ("communications-monitored", "Phone or messages taken or monitored"),
        ("third-party-speaks", "Someone else speaks or answers for them"),
        ("threats-to-family", "Threats against family members"),
        ("threats-of-deportation", "Threatened with arrest, police or deportation"),
        ("physical-violence", "Physical violence, confinement or sexual violence"),
        ("quota", "A quota of money or work to meet each day"),
        ("earnings-controlled", "Earnings taken or controlled by someone else"),
        ("isolation", "Isolated from family, community or language group"),
        ("substances-used-to-control", "Drugs or alcohol used to control them"),
    ],
    "working_living": [
        ("excessive-hours", "Excessive hours, no days off"),
        ("unpaid-or-underpaid", "Unpaid, underpaid or paid only in tips"),
        ("lives-at-worksite", "Lives at the workplace or in employer-controlled housing"),
        ("overcrowded-housing", "Overcrowded or substandard housing"),
        ("unsafe-work", "Unsafe work without protective equipment or training"),
        ("pay-deductions", "Large deductions for housing, food or transport"),
        ("security-measures", "Unusual security: locked doors, barred windows, cameras"),
        ("minor-in-commercial-sex", "A minor involved in commercial sex (always trafficking under federal law)"),
        ("commercial-front", "A business that fronts for commercial sex"),
    ],
    "health": [
        ("untreated-injuries", "Injuries or illness left untreated"),
        ("signs-of-abuse", "Signs of physical or sexual abuse"),
        ("branding-tattoos", "Tattoos or marks that signal ownership"),
        ("malnutrition-exhaustion", "Malnourished, dehydrated or exhausted"),
        ("repeated-reproductive-care", "Repeated pregnancies, terminations or sexually transmitted infections"),
        ("substance-dependence", "Substance dependence"),
        ("trauma-symptoms", "Anxiety, depression or other signs of trauma"),
    ],
    "behaviour": [
        ("fearful-or-submissive", "Fearful, anxious or submissive"),
        ("scripted-answers", "Answers sound rehearsed or scripted"),
        ("inconsistent-story", "The account is inconsistent or changes"),
        ("distrust-of-authorities", "Afraid of or distrusts police and officials"),
        ("does-not-self-identify", "Does not see themself as a victim"),
        ("few-possessions", "Few personal possessions"),
        ("loses-track-of-time", "Loses track of dates or time"),
    ],
}

INDICATORS: tuple[Indicator, ...] = tuple(
    Indicator(slug, group, label) for group, items in _TAXONOMY.items() for slug, label in items)
BY_SLUG = {indicator.slug: indicator for indicator in INDICATORS}


def by_group() -> list[tuple[str, str, list[Indicator]]]:
    """(group slug, group label, indicators) in taxonomy order, for filter menus and the form."""
    return [(group, GROUPS[group], [i for i in INDICATORS if i.group == group]) for group in GROUPS]


def label(slug: str) -> str:
    """The readable label of a stored slug (an unknown slug is shown as itself rather than failing)."""
    indicator = BY_SLUG.get(slug)
    return indicator.label if indicator else slug


def unknown(slugs) -> list[str]:
    """Slugs that are not in the taxonomy: the form must not invent tags."""
    return [slug for slug in slugs if slug not in BY_SLUG]
