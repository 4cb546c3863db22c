"""Scoring on text nobody on this project wrote: presidio-research's synth_dataset_v2 (../shared/pii-eval).

The rule is the one in ../shared/pii-eval/README.md, so figures compare with its anchor table:
- recall@0.9: a gold span is found when at least 90 % of its non-space characters are covered by
  findings of any kind (the author still sees it highlighted);
- strict precision: the share of predicted spans whose every non-space character lies inside a labelled
  gold span (of any type, as in the README's anchor figures); every other highlight costs an author a
  decision for nothing;
- only identifying kinds are scored. Cities, countries, organizations, titles, nationalities and ages are
  context a lesson may keep (not misses); DATE_TIME counts only where it is a calendar date (a day of a
  month), not a year alone or a weekday.

The file's records are split in two halves by template (``half``): rules were developed looking at the
"dev" half only and checked on the "check" half, so a figure on "check" is one on unseen sentences.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
_RELATIVE = Path("shared", "pii-eval", "presidio-research", "synth_dataset_v2.json")
# ../shared beside the main checkout; ../../shared from a worktree under /work/wt (else the test skipped there)
DATASET = next((base / _RELATIVE for base in (ROOT.parent, ROOT.parent.parent) if (base / _RELATIVE).exists()),
               ROOT.parent / _RELATIVE)
COVERAGE = 0.90

GROUPS = {
    "PERSON": ("PERSON",),
    "STREET_ADDRESS": ("STREET_ADDRESS", "ZIP_CODE"),
    "PHONE": ("PHONE_NUMBER",),
    "EMAIL": ("EMAIL_ADDRESS",),
    "IDs": ("CREDIT_CARD", "IBAN_CODE", "US_SSN", "US_DRIVER_LICENSE"),
    "IP": ("IP_ADDRESS",),
    "URL": ("DOMAIN_NAME",),
    "DATE": ("DATE_TIME",),
}
GROUP_OF = {gold: group for group, golds in GROUPS.items() for gold in golds}
_CALENDAR = re.compile(
    r"\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4}"
    r"|(?i:\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b)"
    r"|(?i:\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*)")

Span = tuple[int, int, str]


def group_of(gold_type: str, value: str) -> str | None:
    """The scored group of a gold span, or None when it is context a lesson may keep."""
    if gold_type == "DATE_TIME" and not _CALENDAR.search(value):
        return None
    return GROUP_OF.get(gold_type)


def load(path: Path = DATASET) -> list[dict]:
    records = json.loads(path.read_text(encoding="utf-8"))
    return [{"text": r["full_text"], "template": r.get("template_id", i),
             "spans": [(s["start_position"], s["end_position"], s["entity_type"]) for s in r["spans"]]}
            for i, r in enumerate(records)]


def half(records: Iterable[dict], which: str) -> list[dict]:
    """The "dev" half (even template ids) or the "check" half (odd ones)."""
    parity = 0 if which == "dev" else 1
    return [r for r in records if int(r["template"]) % 2 == parity]


def _solid(text: str, start: int, end: int) -> list[int]:
    return [i for i in range(start, end) if not text[i].isspace()]


@dataclass
class OutsideScore:
    gold: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    found: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    predicted: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    inside: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    missed: list[tuple[str, str, str]] = field(default_factory=list)
    spurious: list[tuple[str, str, str]] = field(default_factory=list)

    def recall(self, group: str) -> float:
        if group == "all":
            return sum(self.found.values()) / max(1, sum(self.gold.values()))
        return self.found[group] / self.gold[group] if self.gold[group] else 1.0

    def precision(self, kind: str = "all") -> float:
        if kind == "all":
            return sum(self.inside.values()) / max(1, sum(self.predicted.values()))
        return self.inside[kind] / self.predicted[kind] if self.predicted[kind] else 1.0


def score(records: Iterable[dict], detect: Callable[[str], Iterable[Span]]) -> OutsideScore:
    """Run ``detect`` (text -> (start, end, kind) spans; kind PERSON for people) over the records."""
    result = OutsideScore()
    for record in records:
        text = record["text"]
        predicted = [(s, e, k) for s, e, k in detect(text) if e > s]
        covered = [False] * len(text)
        for start, end, _ in predicted:
            for i in range(start, end):
                covered[i] = True
        labelled = [False] * len(text)
        for start, end, gold_type in record["spans"]:
            for i in range(start, end):
                labelled[i] = True
            group = group_of(gold_type, text[start:end])
            if group is None:
                continue
            solid = _solid(text, start, end)
            result.gold[group] += 1
            if solid and sum(covered[i] for i in solid) / len(solid) >= COVERAGE:
                result.found[group] += 1
            else:
                result.missed.append((group, text[start:end], text))
        for start, end, kind in predicted:
            kind = "PERSON" if kind == "PERSON" else "other"
            result.predicted[kind] += 1
            solid = _solid(text, start, end)
            if solid and all(labelled[i] for i in solid):
                result.inside[kind] += 1
            else:
                result.spurious.append((kind, text[start:end], text))
    return result


COLUMNS = ("PERSON", "STREET_ADDRESS", "PHONE", "EMAIL", "IDs", "IP", "URL", "DATE")


def header() -> str:
    return (f"{'detector':<34}" + "".join(f"{c[:8]:>9}" for c in COLUMNS)
            + f"{'all PII':>9}{'P(PER)':>8}{'P(all)':>8}")


def row(label: str, result: OutsideScore) -> str:
    return (f"{label:<34}" + "".join(f"{result.recall(c):>9.3f}" for c in COLUMNS)
            + f"{result.recall('all'):>9.3f}{result.precision('PERSON'):>8.3f}{result.precision():>8.3f}")
