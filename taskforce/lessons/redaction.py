"""PURE: turn an author's choices about each finding into the text that may be stored, and verify it.

The author's raw text is never stored. For each finding of `anonymizer.scan` the author either accepts the
redaction (`[KIND]`), accepts the suggested neutral phrase, writes their own neutral phrase, or marks it
"not identifying" with a reason. `apply_resolutions` builds the resolved text; `unresolved` is the server's
check before anything is stored: every finding the anonymizer still sees in the resolved text must be
covered by a not-identifying decision for exactly that text at exactly that place.

A decision keeps the flagged text itself. That is safe: the author declared it not identifying and it
stays in the stored lesson anyway; keeping it lets a reviewer see what was waved through and why.
"""
import json
from dataclasses import asdict, dataclass

from taskforce.lessons import anonymizer

FIELDS = ("title", "summary", "what_happened", "what_worked", "what_did_not", "recommendation")
CHOICES = ("redact", "suggest", "replace", "keep")
MAX_DECISIONS = 500
MAX_REASON = 300
MAX_PHRASE = 120


@dataclass(frozen=True)
class Decision:
    """An author's statement that a flagged detail does not identify anyone, with the reason."""

    field: str
    start: int
    end: int
    text: str
    reason: str
    kind: str = ""
    rule: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Resolution:
    """What to do with one finding: one of CHOICES, with the author's phrase or reason where needed."""

    choice: str
    phrase: str = ""
    reason: str = ""


class ResolutionError(ValueError):
    """A choice is missing or incomplete (no phrase to replace with, no reason for keeping)."""


def covers(decision: Decision, field: str, finding) -> bool:
    """A decision covers a finding only for the same field, the same offsets and the same text."""
    return (decision.field == field and decision.start == finding.start and decision.end == finding.end
            and decision.text == finding.text and bool(decision.reason.strip()))


def unresolved(field: str, findings, decisions) -> list:
    """The findings of one field that no not-identifying decision covers."""
    return [f for f in findings if not any(covers(d, field, f) for d in decisions)]


def findings_in(text: str) -> list[dict]:
    """Identifying details in a short text a person writes beside a lesson (a comment, the reason a detail
    is not identifying): such texts are refused with this list, never stored."""
    return [{"start": f.start, "end": f.end, "kind": f.kind, "rule": f.rule, "text": f.text,
             "suggestion": anonymizer.suggest_replacement(f, text)} for f in anonymizer.scan(text)]


def check(fields: dict[str, str], decisions=()) -> dict[str, list[dict]]:
    """Scan every field; each finding as a dict with its suggested phrase and whether a decision covers it."""
    report = {}
    for field in FIELDS:
        text = fields.get(field) or ""
        items = []
        for finding in anonymizer.scan(text):
            decision = next((d for d in decisions if covers(d, field, finding)), None)
            items.append({"start": finding.start, "end": finding.end, "kind": finding.kind, "rule": finding.rule,
                          "text": finding.text, "suggestion": anonymizer.suggest_replacement(finding, text),
                          "covered": decision is not None, "reason": decision.reason if decision else ""})
        report[field] = items
    return report


def apply_resolutions(field: str, text: str, findings, resolutions) -> tuple[str, list[Decision]]:
    """Replace each finding per its resolution; return the resolved text and the not-identifying decisions
    re-anchored at their offsets in the resolved text."""
    findings = sorted(findings, key=lambda f: f.start)
    if len(resolutions) != len(findings):
        raise ResolutionError("Choose what to do with every highlighted detail.")
    out, kept, pos, shift = [], [], 0, 0
    for finding, resolution in zip(findings, resolutions):
        out.append(text[pos:finding.start])
        replacement = _replacement(finding, resolution, text)
        if resolution.choice == "keep":
            start = finding.start + shift
            kept.append(Decision(field, start, start + len(finding.text), finding.text,
                                 resolution.reason.strip(), finding.kind, finding.rule))
        out.append(replacement)
        shift += len(replacement) - (finding.end - finding.start)
        pos = finding.end
    out.append(text[pos:])
    return "".join(out), kept


def _replacement(finding, resolution: Resolution, text: str = "") -> str:
    if resolution.choice == "redact":
        return f"[{finding.kind}]"
    if resolution.choice == "suggest":
        return anonymizer.suggest_replacement(finding, text)
    if resolution.choice == "replace":
        phrase = " ".join(resolution.phrase.split())
        if not phrase:
            raise ResolutionError(f"Write the neutral phrase to use instead of “{finding.text}”.")
        if len(phrase) > MAX_PHRASE:
            raise ResolutionError(f"A replacement phrase is at most {MAX_PHRASE} characters.")
        return phrase
    if resolution.choice == "keep":
        if not resolution.reason.strip():
            raise ResolutionError(f"Say why “{finding.text}” does not identify anyone.")
        if len(resolution.reason) > MAX_REASON:
            raise ResolutionError(f"A reason is at most {MAX_REASON} characters.")
        return finding.text
    raise ResolutionError(f"Choose what to do with “{finding.text}”.")


def parse_decisions(raw) -> list[Decision]:
    """Decisions submitted with a form (JSON list of {field, start, end, text, reason}); malformed → error.

    Only the shape is checked here; whether each one really covers a finding is `unresolved`'s job."""
    if raw in (None, ""):
        return []
    try:
        items = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        raise ResolutionError("The list of not-identifying decisions could not be read.") from None
    if not isinstance(items, list) or len(items) > MAX_DECISIONS:
        raise ResolutionError("The list of not-identifying decisions could not be read.")
    decisions = []
    for item in items:
        try:
            field, start, end = item["field"], item["start"], item["end"]
            text, reason = item["text"], item["reason"]
        except (KeyError, TypeError):
            raise ResolutionError("Each not-identifying decision needs field, start, end, text and reason.") from None
        if (field not in FIELDS or not isinstance(text, str) or not isinstance(reason, str)
                or type(start) is not int or type(end) is not int or not 0 <= start <= end):
            raise ResolutionError("A not-identifying decision is malformed.")
        if not reason.strip():
            raise ResolutionError(f"Say why “{text[:60]}” does not identify anyone.")
        if len(reason) > MAX_REASON:
            raise ResolutionError(f"A reason is at most {MAX_REASON} characters.")
        decisions.append(Decision(field, start, end, text, reason.strip()))
    return decisions


def dump_decisions(decisions) -> str:
    """The JSON a form carries between the check and the save."""
    return json.dumps([{"field": d.field, "start": d.start, "end": d.end, "text": d.text, "reason": d.reason}
                       for d in decisions])
