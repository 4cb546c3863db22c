"""What one found name tells about the rest of a text, names written in lowercase, and a lesson's fields
read in one model call (issue 13: PERSON recall on outside text; issue 12 item 6: a check at the limits).

The sentences are written here, in the forms the outside set showed as missed, not taken from it.
"""


import pytest

from taskforce.lessons import redaction
from taskforce.lessons.anonymizer import scan, scan_all
from tests.lessons.threads import run_on_threads


def people(text: str) -> list[str]:
    return [f.text for f in scan(text) if f.kind == "PERSON"]


@pytest.mark.parametrize("text, name", [
    # another mention of a found name
    ("The interpreter was Oskar Brandvold. Two weeks later Brandvold stopped answering.", "Brandvold"),
    # the rest of a name the model found only in part
    ("Ubaldo Kwiatkowska listed every job he had been promised.", "Ubaldo Kwiatkowska"),
    # a list of surnames beside a person
    ("The farm had three crew leaders: Okonkwo, Reed and Graves.", "Graves"),
    # a dictionary word that is also a name, said to someone
    ("Don't go back there, Derrick!", "Derrick"),
    # names in lowercase
    ("we met with olga wieczorkowa at the clinic.", "olga wieczorkowa"),
    ("please call benjamin a kowalczyk before friday.", "benjamin a kowalczyk"),
    ("maria okafor\ncase notes\nthe client asked for a female interpreter.", "maria okafor"),
])
def test_names_the_rules_alone_missed_are_found(text, name):
    assert name in people(text), scan(text)


@pytest.mark.parametrize("text", [
    "She had lived in Spain, Italy and Greece before the job offer.",
    "ok gonna call u later, no signal at the farm lol",
    "the rent was due every week and nobody could read the contract.",
    "They walked past Mount Olive church every Sunday.",
])
def test_no_person_is_made_from_places_lists_or_lowercase_chat(text):
    assert people(text) == [], scan(text)


LESSON = {
    "title": "Recruited through a cousin",
    "summary": "Nnenna Okafor was recruited by her cousin Adaeze. Okafor later testified.",
    "what_happened": "we met with olga brandvold at the clinic. Nnenna Okafor was recruited by her cousin "
                     "Adaeze. She called 832-555-0199 from 539 White Canyon Apt. 010, Edwardhaven, ME 91979.",
    "what_worked": "Detective Lindqvist and the crew leaders Okonkwo, Reed and Graves cooperated.",
}


def test_one_call_for_a_lesson_finds_what_a_scan_per_field_finds():
    texts = list(LESSON.values())
    assert scan_all(texts) == [scan(t) for t in texts]
    report = redaction.check(LESSON)
    assert [i["text"] for i in report["summary"]] == [f.text for f in scan(LESSON["summary"])]
    assert report["what_did_not"] == []


def test_many_threads_checking_lessons_get_the_results_of_one_thread():
    lessons = [{k: v.replace("Okafor", f"Okafor{'x' * (i % 3)}") + f" Case {i}." for k, v in LESSON.items()}
               for i in range(12)]
    expected = [redaction.check(lesson) for lesson in lessons]
    results = {}

    def work(worker: int) -> None:
        for i, lesson in enumerate(lessons):
            if (i + worker) % 2 == 0:
                results[(worker, i)] = redaction.check(lesson)
            else:
                results[(worker, i, "scan")] = [scan(t) for t in lesson.values()]

    assert run_on_threads(work) == []
    assert len(results) == 8 * 12
    for key, found in results.items():
        if len(key) == 2:
            assert found == expected[key[1]]
        else:
            assert found == scan_all(list(lessons[key[1]].values()))
