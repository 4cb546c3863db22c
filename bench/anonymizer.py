"""Benchmark the lesson anonymizer: recall per kind, text kept, speed, and what each name layer adds.

Run from the repo root: ``.venv/bin/python bench/anonymizer.py``. Throughput is also printed as a ratio
to a baseline measured in the same run (one plain ``re`` email + phone pass over the same paragraphs),
so numbers from different machines compare.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from taskforce.lessons import pii_names  # noqa: E402
from taskforce.lessons.anonymizer import KINDS, scan, scan_layers  # noqa: E402
from tests.lessons.anonymizer_eval import generate, scoring  # noqa: E402

_BASELINE = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+|\+?\d[\d\s().-]{6,}\d")
LAYER_STEPS = (
    ("lists only", ("lists",)),
    ("+ context cues", ("lists", "context")),
    ("+ capitalization", ("lists", "context", "caps")),
    ("+ NER (spaCy)", ("lists", "context", "caps", "ner")),
)


def throughput(fn, texts: list[str], rounds: int = 3) -> float:
    """Best of a few rounds, paragraphs per second on one core."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for text in texts:
            fn(text)
        best = min(best, time.perf_counter() - start)
    return len(texts) / best


def main() -> None:
    generated = scoring.load(scoring.EVAL_SET)
    handwritten = scoring.load(scoring.HANDWRITTEN)
    print(f"evaluation: {len(generated)} generated + {len(handwritten)} handwritten narratives; "
          f"held-out PERSON share (no word in the name lists): {generate.held_out_share(generated):.1%}")
    for label, records in (("generated", generated), ("handwritten", handwritten)):
        result = scoring.score(records, scan)
        print(f"\n== {label} ==\n{scoring.report(result, KINDS)}")
        print("below threshold:", ", ".join(result.failures()) or "none")

    print("\n== name layers (PERSON recall, generated / handwritten; text kept on generated) ==")
    ner = pii_names.ner_available()
    for label, layers in LAYER_STEPS:
        if "ner" in layers and not ner:
            print(f"{label:<20} skipped: spaCy or en_core_web_sm not installed")
            continue
        fn = lambda text, layers=layers: scan_layers(text, layers)  # noqa: E731
        gen, hand = scoring.score(generated, fn), scoring.score(handwritten, fn)
        print(f"{label:<20} {gen.recall('PERSON'):.3f} / {hand.recall('PERSON'):.3f}   kept {gen.kept:.4f}")

    texts = [r["text"] for r in generated + handwritten]
    scan(texts[0])  # load the lists once before timing
    speed = throughput(scan, texts)
    base = throughput(lambda t: _BASELINE.findall(t), texts)
    print(f"\nspeed: {speed:,.0f} paragraphs/s (target >= 100); baseline email+phone regex {base:,.0f}/s; "
          f"ratio anonymizer/baseline = {speed / base:.4f}")


if __name__ == "__main__":
    main()
