"""PURE: the directory's controlled vocabularies (categories, genders, trafficking types, weekdays).

Slugs are stored; labels are shown. Categories are exported to HSDS as taxonomy terms of the
"taskforce-service-category" taxonomy, so they round-trip.
"""

CATEGORY_TAXONOMY = "taskforce-service-category"

CATEGORIES = {
    "emergency_shelter": "Emergency shelter",
    "youth_shelter": "Youth shelter",
    "medical_care": "Medical care",
    "forensic_exam": "Forensic exam",
    "mental_health": "Mental health / counseling",
    "legal_aid": "Legal aid",
    "immigration_legal": "Immigration legal services",
    "interpretation": "Interpretation",
    "hotline": "Hotline",
    "case_management": "Case management",
    "housing": "Housing",
    "substance_use": "Substance use treatment",
    "labor_rights": "Labor rights",
    "law_enforcement_liaison": "Law-enforcement liaison",
    "basic_needs": "Food, clothing and basic needs",
    "transportation": "Transportation",
    "employment": "Employment and job training",
    "victim_advocacy": "Victim advocacy",
}

GENDERS = {"female": "Women and girls", "male": "Men and boys", "nonbinary": "Non-binary people",
           "transgender": "Transgender people"}

TRAFFICKING_TYPES = {"sex": "Sex trafficking", "labor": "Labor trafficking", "both": "Both", "unknown": "Unknown"}

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def category_label(slug: str) -> str:
    return CATEGORIES.get(slug, slug.replace("_", " ").capitalize())
