"""PURE: turn an author's choices about each finding into the text that may be stored, and verify it.

The author's raw text is never stored. For each finding of `anonymizer.scan` the author either accepts the
redaction (`[KIND]`), accepts the suggested neutral phrase, writes their own neutral phrase, or marks it
"not identifying" with a reason. `apply_resolutions` builds the resolved text; `unresolved` is the server's
check before anything is stored: every finding the anonymizer still sees in the resolved text must be
covered by a not-identifying decision for exactly that text at exactly that place.

A decision keeps the flagged text itself. That is safe: the author declared it not identifying and it
stays in the stored lesson anyway; keeping it lets a reviewer see what was waved through and why.
A `Replacement` is the opposite record: where a detail was replaced, its kind and how — never the detail,
only the replacement that stands in the text anyway — so a reviewer sees where the text was changed.
"""
import json
from dataclasses import asdict, dataclass, replace

from taskforce.lessons import anonymizer

FIELDS = ("title", "summary", "what_happened", "what_worked", "what_did_not", "recommendation")
CHOICES = ("redact", "suggest", "replace", "keep")
REPLACED_BY = ("redact", "suggest", "replace")
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

    def moved(self, by: int) -> "Decision":
        return replace(self, start=self.start + by, end=self.end + by)


@dataclass(frozen=True)
class Replacement:
    """Where a flagged detail was replaced in the resolved text: the span of the replacement, the kind of
    detail it replaced and how (redacted, suggested phrase, the author's phrase). `text` is the replacement
    as it stands in the text (never the detail it replaced)."""

    field: str
    start: int
    end: int
    kind: str
    how: str
    text: str

    def moved(self, by: int) -> "Replacement":
        return replace(self, start=self.start + by, end=self.end + by)

    def anchored(self, texts: dict) -> bool:
        """Still where it was put: the text at its span is its replacement (an edit by hand since the check
        moves or removes it, and then it is dropped rather than mark the wrong words)."""
        text = texts.get(self.field) or ""
        return 0 <= self.start < self.end <= len(text) and text[self.start:self.end] == self.text


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
    """Scan every field (one model call for the lesson: anonymizer.scan_all); each finding as a dict with its
    suggested phrase and whether a decision covers it."""
    texts = {field: fields.get(field) or "" for field in FIELDS}
    present = [field for field in FIELDS if texts[field]]
    found = dict(zip(present, anonymizer.scan_all([texts[field] for field in present])))
    return {field: check_field(field, texts[field], decisions, found.get(field, [])) for field in FIELDS}


def check_field(field: str, text: str, decisions=(), findings=None) -> list[dict]:
    """One field's findings (one scan, unless ``findings`` are given; none for an empty field)."""
    items = []
    if findings is None:
        findings = anonymizer.scan(text) if text else []
    for finding in findings:
        items.append({"start": finding.start, "end": finding.end, "kind": finding.kind, "rule": finding.rule,
                      "text": finding.text, "suggestion": anonymizer.suggest_replacement(finding, text),
                      "covered": False, "reason": ""})
    return cover(field, items, decisions)


def cover(field: str, items: list[dict], decisions) -> list[dict]:
    """Mark each finding covered (or not) by the decisions, without scanning again."""
    for item in items:
        finding = _finding(item)
        decision = next((d for d in decisions if covers(d, field, finding)), None)
        item["covered"], item["reason"] = decision is not None, decision.reason if decision else ""
    return items


def _finding(item: dict) -> anonymizer.Finding:
    return anonymizer.Finding(item["start"], item["end"], item["kind"], item["text"], item.get("rule", ""))


def pending(report: dict[str, list[dict]]) -> int:
    """How many findings no decision covers."""
    return sum(not item["covered"] for items in report.values() for item in items)


def apply_resolutions(field: str, text: str, findings, resolutions,
                      earlier=()) -> tuple[str, list[Decision], list[Replacement]]:
    """Replace each finding per its resolution; return the resolved text, the not-identifying decisions
    re-anchored at their offsets in the resolved text, and where details were replaced (the `earlier`
    replacements of this field moved along, or dropped where a finding now covers them)."""
    findings = sorted(findings, key=lambda f: f.start)
    if len(resolutions) != len(findings):
        raise ResolutionError("Choose what to do with every highlighted detail.")
    out, kept, replaced, edits, pos, shift = [], [], [], [], 0, 0
    for finding, resolution in zip(findings, resolutions):
        out.append(text[pos:finding.start])
        replacement = _replacement(finding, resolution, text)
        start = finding.start + shift
        if resolution.choice == "keep":
            kept.append(Decision(field, start, start + len(finding.text), finding.text,
                                 resolution.reason.strip(), finding.kind, finding.rule))
        else:
            replaced.append(Replacement(field, start, start + len(replacement), finding.kind, resolution.choice,
                                        replacement))
        out.append(replacement)
        edits.append((finding.start, finding.end, len(replacement)))
        shift += len(replacement) - (finding.end - finding.start)
        pos = finding.end
    out.append(text[pos:])
    moved = [r for r in (_through(r, edits) for r in earlier if r.field == field) if r is not None]
    return "".join(out), kept, sorted(moved + replaced, key=lambda r: r.start)


def _through(replacement: Replacement, edits) -> Replacement | None:
    """An earlier replacement's place after `edits` (start, end, new length) of the text it sits in; None
    when an edit overlaps it (that part of the text was flagged and resolved again)."""
    shift = 0
    for start, end, length in edits:
        if start < replacement.end and replacement.start < end:
            return None
        if end <= replacement.start:
            shift += length - (end - start)
    return replacement.moved(shift)


def suggestions(items: list[dict]) -> list[Resolution]:
    """"Apply all suggestions": every open finding takes its suggested phrase; a finding the author already
    kept as not identifying stays kept, with its reason."""
    return [Resolution("keep", reason=item["reason"]) if item["covered"] else Resolution("suggest")
            for item in items]


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
    except (ValueError, RecursionError):  # RecursionError: JSON nested thousands deep
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


def parse_replacements(raw) -> list[Replacement]:
    """Replacements a page carries between checks (JSON list of {field, start, end, kind, how, text}).

    They only mark places for the reviewer, so a malformed list is dropped rather than refused: losing a
    mark must never cost the author their text. Each one is kept only while it still anchors."""
    try:
        items = json.loads(raw) if isinstance(raw, str) and raw else (raw or [])
    except (ValueError, RecursionError):
        return []
    if not isinstance(items, list):
        return []
    out = []
    for item in items[:MAX_DECISIONS]:
        if not isinstance(item, dict):
            continue
        field, start, end = item.get("field"), item.get("start"), item.get("end")
        kind, how, text = item.get("kind"), item.get("how"), item.get("text")
        if (field in FIELDS and type(start) is int and type(end) is int and 0 <= start < end
                and kind in anonymizer.KINDS and how in REPLACED_BY and isinstance(text, str)
                and len(text) <= MAX_PHRASE):
            out.append(Replacement(field, start, end, kind, how, text))
    return out


def dump_replacements(replacements) -> str:
    return json.dumps([asdict(r) for r in replacements])


def dump_decisions(decisions) -> str:
    """The JSON a form carries between the check and the save."""
    return json.dumps([{"field": d.field, "start": d.start, "end": d.end, "text": d.text, "reason": d.reason}
                       for d in decisions])


def segments(text: str, marks) -> list[dict]:
    """The text cut into plain runs and marked spans (findings, replacements), for autoescaped rendering."""
    out, pos = [], 0
    for index, mark in enumerate(marks):
        out.append({"text": text[pos:mark["start"]], "finding": None})
        out.append({"text": mark["text"], "finding": mark, "index": index})
        pos = mark["end"]
    out.append({"text": text[pos:], "finding": None})
    return out


def marked_sections(texts: dict, replacements, decisions, labels: dict) -> list[dict]:
    """Per field, the stored text with where details were replaced (and kept as not identifying) marked —
    the reviewer's view. Spans that no longer fit the text or overlap an earlier one are left out."""
    sections = []
    for field in FIELDS:
        text = texts.get(field) or ""
        marks = sorted([{"start": r.start, "end": r.end, "text": text[r.start:r.end], "kind": r.kind, "how": r.how}
                        for r in replacements if r.field == field and 0 <= r.start < r.end <= len(text)]
                       + [{"start": d.start, "end": d.end, "text": text[d.start:d.end], "kind": d.kind, "how": "keep",
                           "reason": d.reason} for d in decisions if d.field == field and 0 <= d.start < d.end <= len(text)],
                       key=lambda m: m["start"])
        kept, end = [], 0
        for mark in marks:
            if mark["start"] >= end:
                kept.append(mark)
                end = mark["end"]
        if kept:
            sections.append({"field": field, "label": labels[field], "segments": segments(text, kept)})
    return sections
