"""Build the labelled evaluation set for the lesson anonymizer (deterministic, fixed seed).

Run from the repo root: ``.venv/bin/python tests/lessons/anonymizer_eval/generate.py``.
Writes eval_set.jsonl beside this file: {"text": ..., "spans": [[start, end, kind], ...]} per line.
Narratives are fictional lesson paragraphs (recruitment, control, hospital, police, shelter, outcome)
built from many sentence templates; each slot knows which part of its text is identifying.
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from tests.lessons.anonymizer_eval import pools  # noqa: E402
from tests.lessons.anonymizer_eval.templates import CLOSERS, FILLERS, OPENERS, SCENES  # noqa: E402

SEED = 20240611
COUNT = 320


class Builder:
    """Fills templates slot by slot, recording where each identifying piece lands."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.given = {k: v.split() for k, v in pools.GIVEN.items()}
        self.surnames = {k: v.split() for k, v in pools.SURNAMES.items()}

    def pick(self, seq):
        return self.rng.choice(seq)

    def tradition(self) -> str:
        return self.pick([k for k in self.given if k != "word-names"] + ["word-names"] * 2)

    # Each slot returns [(text, kind or None), ...]
    def slot(self, name: str) -> list[tuple[str, str | None]]:
        r, p = self.rng, self.pick
        if name == "GIVEN":
            return [(p(self.given[self.tradition()]), "PERSON")]
        if name == "SURNAME":
            return [(p(self.surnames[p(list(self.surnames))]), "PERSON")]
        if name == "FULL":
            t = self.tradition()
            fam = self.surnames.get(t) or self.surnames["english"]
            if t == "vietnamese" and r.random() < 0.5:
                return [(f"{p(fam)} Thi {p(self.given[t])}", "PERSON")]
            if t == "spanish" and r.random() < 0.5:
                return [(f"{p(self.given[t])} {p(fam)} {p(fam)}", "PERSON")]
            return [(f"{p(self.given[t])} {p(fam)}", "PERSON")]
        if name == "OFFICER":
            title = p(["Officer", "Det.", "Detective", "Sgt.", "Agent", "Deputy", "Trooper", "Investigator"])
            return [(title + " ", None), (p(pools.OFFICER_SURNAMES.split()), "PERSON")]
        if name == "CLINICIAN":
            title = p(["Dr.", "Nurse", "Dr", "Ms.", "Mr."])
            return [(title + " ", None), (p(self.surnames[p(list(self.surnames))]), "PERSON")]
        if name == "KIN":
            kin = p(["her aunt", "his cousin", "her boyfriend", "an uncle", "her sister", "a friend",
                     "her mother", "a neighbor", "his brother", "a woman named", "a man called",
                     "a recruiter known as", "the madam", "her godmother"])
            return [(kin + " ", None), (p(self.given[self.tradition()]), "PERSON")]
        if name == "PHONE":
            return [(self.phone(), "PHONE")]
        if name == "EMAIL":
            user = p(["lil.mami", "kandi", "jefe", "trabajo.usa", "ama.agency", "visa.help", "bella"])
            return [(f"{user}{r.randint(1, 99)}@{p(['gmail.com', 'yahoo.com', 'hotmail.com', 'outlook.com', 'mail.ru', 'yahoo.com.mx'])}", "EMAIL")]
        if name == "URL":
            if r.random() < 0.5:
                return [(f"https://{p(pools.PLATFORM_SITES)}{r.randint(10000, 999999)}", "URL")]
            return [(f"www.{p(['jobs-abroad', 'nanny-usa', 'modelcasting', 'easyvisa'])}.{p(['com', 'net', 'biz'])}/{p(['apply', 'offer', 'form'])}", "URL")]
        if name == "IP":
            if r.random() < 0.15:
                return [(f"2001:db8:{r.randint(1, 9999):x}::{r.randint(1, 255):x}", "IP")]
            return [(".".join(str(r.randint(1, 254)) for _ in range(4)), "IP")]
        if name == "HANDLE":
            handle = f"{p(['kandi', 'lil_mami', 'bossman', 'sweet.thang', 'jefe_mx', 'queen', 'dreamjobs'])}{p(['', '_', '.'])}{r.randint(1, 999)}"
            form = p(["@{h}", "IG: {h}", "Snapchat: {h}", "TikTok @{h}", "Telegram: @{h}", "username {h}"])
            before, _, after = form.partition("{h}")
            if before.endswith("@"):
                return [(before[:-1], None), ("@" + handle, "HANDLE"), (after, None)]
            return [(before, None), (handle, "HANDLE"), (after, None)]
        if name == "ID":
            return self.ident()
        if name == "PLATE":
            plate = p([f"{self.letters(3)}-{r.randint(1000, 9999)}", f"{r.randint(1, 9)}{self.letters(3)}{r.randint(100, 999)}",
                       f"{self.letters(3)} {r.randint(100, 9999)}", f"{self.letters(2)}{r.randint(10, 99)}{self.letters(3)}"])
            label = p(["plate ", "Texas plate ", "license plate ", "plates reading ", "tag "])
            return [(label, None), (plate, "PLATE")]
        if name == "DATE":
            return [(self.date(), "DATE")]
        if name == "ADDR":
            return [(self.address(), "ADDRESS")]
        if name == "VENUE":
            return [(p(pools.VENUES), "LOCATION")]
        if name == "TOWN":
            return [(p(pools.SMALL_TOWNS), "LOCATION")]
        if name == "CITY":
            return [(p(pools.CITIES), None)]
        if name == "COUNTRY":
            return [(p(pools.COUNTRIES), None)]
        if name == "AGE":
            return [(str(r.randint(14, 34)), None)]
        if name == "YEAR":
            return [(str(r.randint(2015, 2024)), None)]
        raise KeyError(name)

    def letters(self, n: int) -> str:
        return "".join(self.pick("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(n))

    def phone(self) -> str:
        r = self.rng
        d = lambda n: "".join(str(r.randint(0, 9)) for _ in range(n))  # noqa: E731
        return self.pick([
            f"({self.pick(['713', '832', '281', '404', '305', '214', '602'])}) 555-01{d(2)}",
            f"{self.pick(['713', '832', '470', '786'])}-{r.randint(200, 899)}-{d(4)}",
            f"+52 55 {d(4)} {d(4)}", f"+52 1 33 {d(4)} {d(4)}", f"+234 803 {d(3)} {d(4)}",
            f"0806 {d(3)} {d(4)}", f"+233 24 {d(3)} {d(4)}", f"024 {d(3)} {d(4)}", f"+91 98{d(3)} {d(5)}",
            f"+40 721 {d(3)} {d(3)}", f"0744 {d(3)} {d(3)}", f"+48 512 {d(3)} {d(3)}", f"+55 11 9{d(4)}-{d(4)}",
            f"+84 912 {d(3)} {d(3)}", f"+86 138 {d(4)} {d(4)}", f"0917 {d(3)} {d(4)}", f"+502 5{d(3)} {d(4)}",
            f"+504 9{d(3)}-{d(4)}", f"+62 812 {d(4)} {d(4)}", f"+63 917 {d(3)} {d(4)}", f"+1 404 555 01{d(2)}",
        ])

    def ident(self) -> list[tuple[str, str | None]]:
        r, p = self.rng, self.pick
        d = lambda n: "".join(str(r.randint(0, 9)) for _ in range(n))  # noqa: E731
        label, value = p([
            ("case #", d(5)), ("case number ", f"{r.randint(2016, 2024)}-CR-{d(5)}"), ("", f"{r.randint(2016, 2024)}-CR-{d(5)}"),
            ("docket ", f"4:{r.randint(18, 24)}-cr-{d(5)}"), ("SSN ", f"{r.randint(101, 899)}-{r.randint(10, 99)}-{d(4)}"),
            ("A-number ", f"A{d(9)}"), ("alien registration number ", f"A{d(3)}-{d(3)}-{d(3)}"),
            ("passport number ", f"{self.letters(1)}{d(8)}"), ("Mexican passport ", f"G{d(8)}"),
            ("Nigerian passport ", f"A{d(8)}"), ("driver's license ", d(8)), ("Texas DL ", d(8)),
            ("MRN ", d(8)), ("medical record number ", d(7)), ("incident report #", d(6)),
            ("CURP ", f"{self.letters(4)}{d(6)}{p('HM')}{self.letters(5)}{p('0123456789')}{d(1)}"),
            ("CPF ", f"{d(3)}.{d(3)}.{d(3)}-{d(2)}"), ("NIN ", d(11)), ("Ghana Card ID ", f"GHA-{d(9)}-{d(1)}"),
        ])
        return [(label, None), (value, "ID")]

    def date(self) -> str:
        r, p = self.rng, self.pick
        months = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                  "October", "November", "December"]
        m, day, y = r.randint(1, 12), r.randint(1, 28), r.randint(2015, 2024)
        return p([
            f"{m:02d}/{day:02d}/{y}", f"{m}/{day}/{str(y)[2:]}", f"{months[m - 1]} {day}, {y}", f"{months[m - 1]} {day}",
            f"{day} {months[m - 1]} {y}", f"{day} {months[m - 1]}", f"{months[m - 1]} {y}", f"{y}-{m:02d}-{day:02d}",
            f"{months[m - 1][:3]}. {day}, {y}", f"the {day}th of {months[m - 1]}", f"{day}.{m:02d}.{y}",
            f"{day} de {p(['marzo', 'abril', 'mayo', 'junio', 'agosto'])} de {y}",
        ])

    def address(self) -> str:
        r, p = self.rng, self.pick
        if r.random() < 0.35:
            return p(pools.LATAM).format(n=r.randint(10, 2999), a=r.randint(1, 99), b=r.randint(1, 99))
        if r.random() < 0.1:
            return f"{p(['PO Box', 'P.O. Box'])} {r.randint(10, 9999)}"
        base = f"{r.randint(10, 19999)} {p(['', 'N ', 'S. ', 'W. ', 'East '])}{p(pools.STREETS)}"
        return base + p(["", "", f" Apt {r.randint(1, 40)}{p('ABCD')}", f", Unit {r.randint(100, 999)}", f" #{r.randint(1, 40)}"])


def fill(builder: Builder, template: str, text: list[str], spans: list[list]) -> None:
    for i, part in enumerate(re.split(r"\{([A-Z]+)\}", template)):
        if i % 2 == 0:
            text.append(part)
            continue
        for piece, kind in builder.slot(part):
            pos = sum(map(len, text))
            text.append(piece)
            if kind:
                spans.append([pos, pos + len(piece), kind])


def narrative(builder: Builder) -> dict:
    rng = builder.rng
    sentences = [rng.choice(OPENERS)] + rng.sample(SCENES, rng.randint(2, 4))
    if rng.random() < 0.6:
        sentences.insert(rng.randint(1, len(sentences)), rng.choice(FILLERS))
    sentences.append(rng.choice(CLOSERS))
    text: list[str] = []
    spans: list[list] = []
    for i, sentence in enumerate(sentences):
        fill(builder, sentence + (" " if i < len(sentences) - 1 else ""), text, spans)
    return {"text": "".join(text), "spans": spans}


def build(count: int = COUNT, seed: int = SEED) -> list[dict]:
    builder = Builder(random.Random(seed))
    return [narrative(builder) for _ in range(count)]


def held_out_share(records: list[dict]) -> float:
    """Share of gold PERSON spans with no word in the detector's name lists (what lists alone cannot find)."""
    from taskforce.lessons.anonymizer.pii_lexicon import fold, lexicon

    names = lexicon().names
    people = [r["text"][s:e] for r in records for s, e, k in r["spans"] if k == "PERSON"]
    unseen = [p for p in people if not any(fold(w) in names for w in p.split())]
    return len(unseen) / max(1, len(people))


if __name__ == "__main__":
    records = build()
    out = HERE / "eval_set.jsonl"
    with out.open("w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"wrote {len(records)} narratives to {out}; held-out PERSON share {held_out_share(records):.1%}")
