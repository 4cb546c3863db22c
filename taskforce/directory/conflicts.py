"""PURE: the side-by-side comparison on the "changed meanwhile" page, field by field, in words a provider reads.

Lists (categories, languages, genders, trafficking types) are sets: picking the same languages in another order
is no change. Codes are shown by their labels, yes/no fields as "Yes"/"No", so the page never shows "True" or
"emergency_shelter".
"""
from taskforce.directory.languages import language_name
from taskforce.directory.taxonomy import CATEGORIES, GENDERS, TRAFFICKING_TYPES

_LABELS = {"categories": CATEGORIES.get, "genders": GENDERS.get, "trafficking_types": TRAFFICKING_TYPES.get,
           "languages": language_name}


def shown(key: str, value, statuses: dict | None = None) -> str:
    """One field of one version as text: labels for codes (sorted, so order never differs), Yes/No, "" for none."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if value is None:
        return ""
    if isinstance(value, (list, tuple, set, frozenset)):
        label = _LABELS.get(key, str)
        return ", ".join(sorted((label(v) or str(v)) for v in value))
    if key == "status" and statuses:
        return statuses.get(value, str(value))
    return str(value)


def _same(yours, current) -> bool:
    if isinstance(yours, (list, tuple, set, frozenset)) or isinstance(current, (list, tuple, set, frozenset)):
        return set(yours or ()) == set(current or ())
    if isinstance(yours, bool) or isinstance(current, bool):
        return bool(yours) == bool(current)
    return ("" if yours is None else str(yours)) == ("" if current is None else str(current))


def compare_versions(yours: dict, current: dict, statuses: dict | None = None) -> list[tuple[str, str, str, bool]]:
    """(field, your text, current text, differs) for every field of the current version, in its order."""
    return [(key, shown(key, yours.get(key, ""), statuses), shown(key, value, statuses),
             not _same(yours.get(key, ""), value)) for key, value in current.items()]
