"""PURE: the structured-PII check a message passes before it is posted.

Chat is where someone pastes a survivor's phone number in a hurry. Before posting, the sender is warned
about phone numbers, email addresses, ID numbers (and, with the lessons anonymizer, URLs, IPs, handles and
plates) and may edit or confirm. It is the lessons anonymizer's `structured_findings` (a sibling domain's PURE
module: importing it is allowed, see docs/design-notes.md).
"""
from taskforce.lessons.anonymizer import structured_findings


def check(text: str) -> list[dict]:
    """Structured identifying details in `text`, as `[{kind, start, end}]` sorted by position (never the
    text itself, so the result can travel in an error without repeating what was flagged)."""
    if not isinstance(text, str) or not text:
        return []
    return [{"kind": f.kind, "start": f.start, "end": f.end} for f in structured_findings(text)]
