"""PURE: the structured-PII check a message passes before it is posted.

Chat is where someone pastes a survivor's phone number in a hurry. Before posting, the sender is warned
about phone numbers, email addresses, ID numbers (and, with the lessons anonymizer, URLs, IPs, handles and
plates) and may edit or confirm. The lessons work's `structured_findings` is used when it is importable;
otherwise a small check of our own answers behind the same call.
"""
import importlib
import re

_FALLBACK_PATTERNS = (
    ("EMAIL", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    ("ID", re.compile(r"\b\d{3}-\d{2}-\d{4}\b")),  # SSN-like
    ("PHONE", re.compile(r"(?<![\w])(?:\+?\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)[\s.-]?|\d{2,4}[\s.-])\d{3,4}[\s.-]?\d{3,4}\b")),
)


def _anonymizer():
    try:  # a sibling domain's pure module, loaded only if that work is present
        return importlib.import_module("taskforce.lessons.anonymizer")
    except ImportError:
        return None


def _fallback(text: str) -> list[dict]:
    found, taken = [], []
    for kind, pattern in _FALLBACK_PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            taken.append((start, end))
            found.append({"kind": kind, "start": start, "end": end})
    return sorted(found, key=lambda f: f["start"])


def check(text: str) -> list[dict]:
    """Structured identifying details in `text`, as `[{kind, start, end}]` sorted by position (never the
    text itself, so the result can travel in an error without repeating what was flagged)."""
    if not isinstance(text, str) or not text:
        return []
    anonymizer = _anonymizer()
    if anonymizer is None or not hasattr(anonymizer, "structured_findings"):
        return _fallback(text)
    return [{"kind": f.kind, "start": f.start, "end": f.end} for f in anonymizer.structured_findings(text)]
