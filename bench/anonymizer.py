"""Benchmark the lesson anonymizer on outside text and on the project's own set, beside Presidio.

Run from the repo root: ``.venv/bin/python bench/anonymizer.py``. Prints:
1. the outside set (presidio-research synth_dataset_v2, ../shared/pii-eval) scored with its README's rule,
   on the "dev" half (templates the rules were developed on), the "check" half (unseen templates) and all,
   for the anonymizer with and without its spaCy layer and for Presidio when it is installed
   (``pip install -r requirements-bench.txt``; same spaCy model), otherwise the README's anchor figures;
2. throughput in CPU time, anonymizer vs Presidio in the same run (ratio, target >= 3x);
3. the project's own labelled set (generated + hand-written);
4. a lesson at its field limits (realistic prose and name-dense prose), and cost per character at two
   sizes (linear means the same figure).
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from taskforce.lessons import demo_stories, demo_stories_more  # noqa: E402
from taskforce.lessons.anonymizer import pii_ner  # noqa: E402
from taskforce.lessons.anonymizer import KINDS, scan, scan_all, scan_layers  # noqa: E402
from taskforce.lessons.services import LIMITS  # noqa: E402
from tests.lessons.anonymizer_eval import outside, scoring  # noqa: E402

RULES_ONLY = ("lists", "context", "caps")
ANCHORS = (  # ../shared/pii-eval/README.md, measured 2026-12-01 (recall: PERSON, STREET, PHONE, IDs, DATE, all)
    ("Presidio 2.2 + en_core_web_sm (README)", "0.80 0.27 0.65 1.00 0.87 0.67 P(PER) 0.89  45 docs/s"),
    ("Taskforce at 5e89256 (README)", "0.72 0.20 0.78 0.12 0.24 0.44 P(PER) 0.71  1,112 docs/s"),
)
TARGETS = {"PERSON": 0.92, "STREET_ADDRESS": 0.60, "PHONE": 0.95, "IDs": 0.98, "DATE": 0.90}


def ours(text: str):
    return [(f.start, f.end, f.kind) for f in scan(text)]


def ours_rules_only(text: str):
    return [(f.start, f.end, f.kind) for f in scan_layers(text, RULES_ONLY)]


def presidio_detector():
    """Presidio's analyzer with the same spaCy model, or None when the bench extra is not installed."""
    try:
        from presidio_analyzer import AnalyzerEngine  # noqa: PLC0415 - optional bench extra
        from presidio_analyzer.nlp_engine import NlpEngineProvider  # noqa: PLC0415
    except ImportError:
        return None
    logging.getLogger("tldextract").setLevel(logging.CRITICAL)  # no network: its bundled suffix list is used
    provider = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": pii_ner.MODEL}]})
    engine = AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])

    def detect(text: str):
        return [(r.start, r.end, r.entity_type) for r in engine.analyze(text, language="en")]

    detect("warm up John Smith")
    return detect


def cpu_rate(detect, texts: list[str]) -> float:
    """Texts per CPU second, each read for the first time (the model's memory of what it read is emptied:
    the outside set's sentences were scored just before, and a cached reading would flatter the figure)."""
    pii_ner.forget_what_was_read()
    start = time.process_time()
    for text in texts:
        detect(text)
    return len(texts) / max(1e-9, time.process_time() - start)


def outside_table(records: list[dict], presidio) -> dict[str, float]:
    print("== outside set: presidio-research synth_dataset_v2 (recall@0.9 per kind; strict precision) ==")
    print(outside.header())
    rates: dict[str, float] = {}
    detectors = [("anonymizer", ours), ("anonymizer, rules only (no model)", ours_rules_only)]
    if presidio:
        detectors.append(("Presidio + en_core_web_sm", presidio))
    for label, detect in detectors:
        for which in ("dev", "check", "all"):
            part = records if which == "all" else outside.half(records, which)
            pii_ner.forget_what_was_read()  # "all" re-reads the halves: time first readings only
            start = time.process_time()
            result = outside.score(part, detect)
            if which == "all":
                rates[label] = len(part) / max(1e-9, time.process_time() - start)
            print(outside.row(f"{label} [{which}]", result))
        if label == "anonymizer":
            full = result
    if not presidio:
        print("Presidio not installed (pip install -r requirements-bench.txt); the README's anchor figures:")
    for label, figures in ANCHORS:
        print(f"  {label:<40} {figures}")
    print("targets:", ", ".join(f"{k} {full.recall(k):.3f} {'ok' if full.recall(k) >= t else 'BELOW'} (>= {t})"
                                for k, t in TARGETS.items()),
          f"; PERSON precision {full.precision('PERSON'):.3f} (>= 0.88)")
    return rates


def own_set() -> None:
    for label, path in (("generated", scoring.EVAL_SET), ("hand-written", scoring.HANDWRITTEN)):
        result = scoring.score(scoring.load(path), scan)
        print(f"\n== own set, {label} ({path.name}) ==\n{scoring.report(result, KINDS)}")


def _prose() -> str:
    strings: list[str] = []

    def walk(value) -> None:
        if isinstance(value, str) and len(value) > 40:
            strings.append(value)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)

    for module in (demo_stories, demo_stories_more):
        for value in vars(module).values():
            walk(value)
    return " ".join(strings)


def _fill(source: str, size: int) -> str:
    return (source * (size // max(1, len(source)) + 1))[:size]


def _fields(source: str, distinct: bool) -> list[str]:
    """A lesson at its field limits. Not ``distinct``: each field the start of ``source`` (as measured
    before; the fields then repeat one another). ``distinct``: each field from where the one before
    ended, as a real lesson is (no field repeats another while ``source`` lasts)."""
    texts, offset = [], 0
    for size in LIMITS.values():
        texts.append(_fill(source[offset:] + source[:offset], size))
        offset = (offset + size) % len(source) if distinct else 0
    return texts


def _cpu(run) -> float:
    start = time.process_time()
    run()
    return time.process_time() - start


def limits() -> None:
    dense = "\n\n".join(r["text"] for r in scoring.load(scoring.EVAL_SET))
    print("\n== a lesson at its field limits (" + ", ".join(f"{k} {v:,}" for k, v in LIMITS.items()) + ") ==")
    print("CPU seconds for one check (target < 0.5 s): a scan per field | the lesson's check (scan_all: one "
          "model call, a sentence repeated across fields read once)")
    print("(the model's memory of what it read is emptied before each: a first check; 'again' = the same "
          "lesson checked again with one field edited, as an author does)")
    scan_all(["Warm up: Officer Mensah met Zorblat Maria."])  # the model loads before anything is measured
    sources = [("demo lesson prose", _prose()), ("name-dense prose (own eval set)", dense)]
    try:  # text nobody here wrote: presidio-research's sentences, one after another, as a lesson's fields
        sources.append(("outside prose (synth_dataset_v2)", "\n\n".join(r["text"] for r in outside.load())))
    except OSError:
        print("(../shared/pii-eval is not here: no outside-prose rows)")
    for label, source in sources:
        for distinct in (False, True):
            texts = _fields(source, distinct)
            pii_ner.forget_what_was_read()
            per_field = _cpu(lambda: [scan(t) for t in texts])
            pii_ner.forget_what_was_read()
            together = _cpu(lambda: scan_all(texts))
            edited = texts[:2] + [texts[2][:-60] + " Later Ixchel Tzul told her aunt Lan everything."] + texts[3:]
            again = _cpu(lambda: scan_all(edited))
            shape = "fields distinct" if distinct else "fields repeat"
            print(f"{label:<34} {shape:<16} {per_field:6.3f} s | {together:6.3f} s  (ratio {per_field / together:4.2f}x)"
                  f" | again {again:6.3f} s")
    for size in (50_000, 400_000):
        text = _fill(dense, size)
        pii_ner.forget_what_was_read()
        start = time.process_time()
        scan(text)
        spent = time.process_time() - start
        print(f"name-dense {size:>7,} chars: {spent:6.2f} s CPU = {spent / size * 1e6:5.1f} µs a character")


def main() -> None:
    if not pii_ner.available():
        print("WARNING:", pii_ner.MISSING_WARNING)
    records = outside.load()
    presidio = presidio_detector()
    rates = outside_table(records, presidio)
    texts = [r["text"] for r in records]
    ours_rate = cpu_rate(ours, texts)
    line = f"\nthroughput (CPU): anonymizer {ours_rate:,.0f} docs/s"
    if presidio:
        theirs = cpu_rate(presidio, texts)
        line += f", Presidio {theirs:,.0f} docs/s: ratio {ours_rate / theirs:.2f}x (target >= 3x)"
    print(line, "| while scoring:", ", ".join(f"{k} {v:,.0f}/s" for k, v in rates.items()))
    own_set()
    limits()


if __name__ == "__main__":
    main()
