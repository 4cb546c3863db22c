"""A name no list holds, written in lowercase, as the subject of a verb ("tomaszek had the keys").

The lowercase rules took only listed names (the model often misses a lowercase name); a word that no list,
dictionary, place or everyday-English list knows is a name too when it opens a clause before a verb.
"""

import pytest

from tests.lessons.found import people


@pytest.mark.parametrize("text, name", [
    ("after the raid, ixchelu was gone by morning.", "ixchelu"),
    ("tomaszek had the keys to the van.", "tomaszek"),
])
def test_an_unlisted_lowercase_subject_of_a_verb_is_a_name(text, name):
    assert name in people(text)


@pytest.mark.parametrize("text", [
    "the zorblat was broken.",              # after a determiner: a thing
    "she posted it on zorblat was what she said.",  # after a preposition
    "her phone was taken and the qwerty is gone",
    "the manager was told to wait.",         # an English word
    "zorblat broken again",                  # no verb after it
])
def test_other_lowercase_unknown_words_stay_words(text):
    assert people(text) == set()
