"""A word-name coordinated after a name ("Okafor and White", "Yaa and Comfort") is a name too, as one
before a listed name already was ("Patience and Blessing"); after a known word or a place it stays a word."""

import pytest

from tests.lessons.found import people


@pytest.mark.parametrize("text, name", [
    ("Ask Hollomon and Bowman today.", "Bowman"),
    ("Yaa and Comfort shared a mattress in the back room.", "Comfort"),
])
def test_a_word_name_after_a_name_and_and_is_a_name(text, name):
    assert name in people(text)


@pytest.mark.parametrize("text, word", [
    ("The bench runs on SQLite and PostgreSQL alike.", "PostgreSQL"),  # the word before is no plain name
    ("They bought Apples and Grace notes.", "Grace"),                # a known word before
])
def test_after_a_word_that_is_no_name_it_stays_a_word(text, word):
    assert word not in people(text)
