"""The model's reading is remembered per chunk (pii_ner): a lesson checked again after an edit sends the
model only the sentences that changed, the findings are those of a check with nothing remembered, and
the bounded cache gives every thread the single-threaded answer while entries are dropped under it."""
import pytest

from taskforce.lessons import redaction
from taskforce.lessons.anonymizer import pii_ner
from taskforce.lessons.anonymizer import scan
from tests.lessons.conftest import NEUTRAL, lesson_form
from tests.lessons.threads import against_one_thread
from tests.conftest import CsrfClient

EDITED = "Later Ixchel Tzul told her cousin Dayo Adeyemi that the boss kept the passports."


@pytest.fixture
def model_reads(monkeypatch):
    """Every chunk the model is given, in order (the real model still reads it)."""
    nlp = pii_ner.model()
    if nlp is None:
        pytest.skip("the spaCy model is not installed")
    pii_ner.forget_what_was_read()
    seen = []

    class Recording:
        def __getattr__(self, name):
            return getattr(nlp, name)

        def pipe(self, texts, **kwargs):
            texts = list(texts)
            seen.extend(texts)
            return nlp.pipe(texts, **kwargs)
    monkeypatch.setitem(pii_ner._state, "nlp", Recording())
    yield seen
    pii_ner.forget_what_was_read()


def test_a_second_check_after_an_edit_reads_only_the_changed_sentence(client, login, member, model_reads):
    login(member)
    named = dict(NEUTRAL, summary="Officer Mensah met Zorblat Maria at the clinic.",
                 what_worked="Tamara Okonkwo, 17, spoke to the interpreter alone.")
    first = client.post("/lessons/new", data=lesson_form(**named))
    assert first.status_code == 400 and "Zorblat Maria" in first.get_data(as_text=True)
    read_first = list(model_reads)
    assert any("Zorblat Maria" in chunk for chunk in read_first)

    edited = dict(named, what_happened=EDITED)
    model_reads.clear()
    second = client.post("/lessons/new", data=lesson_form(**edited))
    assert second.status_code == 400 and "Ixchel Tzul" in second.get_data(as_text=True)
    assert model_reads and all(chunk in EDITED for chunk in model_reads)  # nothing read twice


def test_what_is_remembered_gives_the_findings_of_a_fresh_check(model_reads):
    fields = dict(NEUTRAL, summary="Officer Mensah met Zorblat Maria at the clinic.", what_happened=EDITED)
    remembered_once = redaction.check(fields)
    again = redaction.check(fields)
    assert len(model_reads) > 0 and all(c in EDITED or "Zorblat" in c for c in model_reads)
    pii_ner.forget_what_was_read()
    fresh = redaction.check(fields)
    assert again == fresh == remembered_once
    assert any(item["text"] == "Ixchel Tzul" for item in fresh["what_happened"])


def test_each_remembered_chunk_gives_back_the_models_own_reading_of_it(model_reads):
    nlp = pii_ner._state["nlp"]
    chunks = [f"Case {i}: {'the nurse ' * (i % 4)}Maureen Thibault met Zorblat Maria{i % 3} in Lumpkin."
              for i in range(24)]
    direct = [[(e.start_char, e.end_char, e.label_) for e in doc.ents] for doc in nlp.pipe(chunks)]
    assert len({tuple(d) for d in direct}) > 4  # the chunks differ in what the model finds where
    pii_ner.entities(chunks[::3])  # some remembered, some not
    mixed = chunks[::-1] + chunks[:5]
    assert pii_ner.entities(mixed) == [direct[chunks.index(c)] for c in mixed]


def test_many_threads_through_a_small_cache_get_the_results_of_one_thread(monkeypatch, model_reads):
    texts = [f"Case {i}: Maureen Thibault met Zorblat Maria{i % 7} near Lumpkin. Then Ixchel{i % 5} Tzul "
             f"told her aunt Lan about Paul van der Voet. Call 1-908-427-8492x{i:03d}." for i in range(30)]
    expected = [scan(t) for t in texts]  # through the full cache, before it shrinks
    monkeypatch.setattr(pii_ner, "CACHE_SIZE", 6)  # far fewer chunks than the texts hold: entries drop
    pii_ner.forget_what_was_read()
    assert against_one_thread(scan, texts, expected=expected) == {"errors": [], "calls": 8 * 3 * 15, "differing": []}
    assert len(pii_ner._read) <= 6


def test_what_is_remembered_holds_no_text_and_no_digest_another_process_could_match(model_reads):
    """Only keyed digests and (start, end, label) triples stay in memory after a check: no chunk, no word of
    it, and no plain hash of it that a guessed sentence could be hashed against."""
    import hashlib

    redaction.check(dict(NEUTRAL, summary="Officer Mensah met Zorblat Maria at the clinic.", what_happened=EDITED))
    assert model_reads and len(pii_ner._read) >= len(set(model_reads))
    for key, entities in pii_ner._read.items():
        assert isinstance(key, bytes) and len(key) == 16
        assert all(isinstance(s, int) and isinstance(e, int) and label.isupper() for s, e, label in entities)
    plain = {hashlib.blake2b(chunk.encode(), digest_size=16).digest() for chunk in model_reads}
    assert not plain & set(pii_ner._read)
    assert {pii_ner._digest(chunk) for chunk in model_reads} <= set(pii_ner._read)


def test_one_organizations_reading_is_never_found_by_another(app, client, login, make_user, model_reads):
    """A check by another organization of the same sentence is read by the model again (no cache hit whose
    timing would tell that someone elsewhere just wrote it); the same organization's re-check is not."""
    named = dict(NEUTRAL, what_happened=EDITED)
    first, outsider = make_user(), make_user()
    colleague = make_user(organization=first.organization)
    for user, read_again in ((first, True), (colleague, False), (outsider, True), (first, False)):
        other = CsrfClient(app.test_client())
        login(user, the_client=other)
        model_reads.clear()
        answer = other.post("/lessons/new", data=lesson_form(**named))
        assert answer.status_code == 400 and "Ixchel Tzul" in answer.get_data(as_text=True)
        assert any(EDITED in chunk or chunk in EDITED for chunk in model_reads) == read_again, user.email
