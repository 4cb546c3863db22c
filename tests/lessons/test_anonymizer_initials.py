"""Middle initials that are also English words: "A" (the article) and "I" (the pronoun).

An initial is a particle inside a name ("Ken N. Fukuda"), but "A" and "I" are first read as ordinary
words, which used to cut "Ravi I Sharma" into two segments, each too weak alone.
"""

import pytest

from tests.lessons.found import people


@pytest.mark.parametrize("text, name", [
    ("The email came from Ixchel A Quispe yesterday.", "Ixchel A Quispe"),
    ("I met Ravi I. Sharma at the shelter.", "Ravi I. Sharma"),
    ("Call Maria A Lopez tomorrow.", "Maria A Lopez"),
])
def test_a_or_i_between_two_name_words_is_a_middle_initial(text, name):
    assert name in people(text)


@pytest.mark.parametrize("text", [
    "Section A Room 4 was locked.",      # no name word on either side
    "Then John I think left early.",     # the pronoun: a lowercase word follows
])
def test_the_article_and_the_pronoun_stay_words(text):
    assert not any(" A " in p or " I " in p for p in people(text))
