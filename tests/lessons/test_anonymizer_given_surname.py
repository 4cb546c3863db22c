"""A listed given name followed by a listed surname is a person even where the model reads a building, a
work or a people (FAC, WORK_OF_ART, NORP): two name words in a row are rarely anything else."""

import pytest

from taskforce.lessons.anonymizer import scan
from taskforce.lessons.anonymizer.pii_name_segments import TOKEN, decide, segments

LAYERS = frozenset(("lists", "context", "caps", "ner"))


def decided(text: str, labels: set[str]):
    tokens = list(TOKEN.finditer(text))
    seg = next(s for s in segments(text, tokens) if len(s) >= 2)
    return decide(text, seg, False, LAYERS, frozenset(labels))


@pytest.mark.parametrize("label", ["FAC", "WORK_OF_ART", "NORP", "PRODUCT"])
def test_given_name_and_surname_under_a_non_person_label_is_a_person(label):
    text = "the verses from Thelma Benfield were sung"
    hit = decided(text, {label})
    assert hit and hit[2] == "PERSON" and text[hit[0]:hit[1]] == "Thelma Benfield"


def test_a_given_name_and_an_unknown_word_under_a_product_label_is_a_person():
    hit = decided("the verses from Thelma Zvorkinsk were sung", {"PRODUCT"})
    assert hit and hit[2] == "PERSON"


def test_a_single_listed_name_under_a_work_label_still_needs_a_cue():
    text = "they played Thelma Tales twice"  # a given name and an English word: the model's reading stands
    assert decided(text, {"WORK_OF_ART"}) is None


def test_an_organization_word_after_the_pair_is_still_a_venue():
    assert not any(f.kind == "PERSON" for f in scan("The Thelma Benfield Foundation paid for the flights."))


def test_the_model_reading_a_people_over_a_full_name():
    found = {f.text for f in scan("The FBI and ICE interviewed Obiageli Udeh with an interpreter present.")}
    assert "Obiageli Udeh" in found
