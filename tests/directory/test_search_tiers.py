"""A search page is answered by its strong candidates alone when they fill it (ranking._named_page), and the
count starts from the rarest word: both must give what ranking and counting every match would give."""
import itertools
import random

import pytest

from taskforce.directory import finder, search
from tests.directory.conftest import names

API = "/api/directory/services"
FIELD_WEIGHTS = (search.NAME_WEIGHT, search.ORGANIZATION_WEIGHT, search.DESCRIPTION_WEIGHT)
# What one word can weigh for one service: the sum over the fields it appears in (0: absent).
WORD_WEIGHTS = sorted({sum(chosen) for size in range(4) for chosen in itertools.combinations(FIELD_WEIGHTS, size)})


def _strong(weights: tuple[int, ...]) -> bool:
    """The strong candidates as ranking builds them: every word in the name, or one heavy name word (and for
    one word, only the heavy name rows)."""
    heavy = any(w >= search.strong_name_weight(len(weights)) for w in weights if w >= search.NAME_WEIGHT)
    every_word_named = all(w >= search.NAME_WEIGHT for w in weights)
    return heavy or (len(weights) > 1 and every_word_named)


@pytest.mark.parametrize("term_count", [1, 2])
def test_no_service_outside_the_strong_candidates_reaches_the_sure_score(term_count):
    matched = [w for w in itertools.product(WORD_WEIGHTS, repeat=term_count) if all(w)]
    assert any(_strong(w) for w in matched) and any(not _strong(w) for w in matched)
    for weights in matched:
        if not _strong(weights):
            assert sum(weights) < search.sure_score(term_count), weights
    assert all(sum(w) >= search.sure_score(term_count) for w in matched if _strong(w) and
               all(x >= search.NAME_WEIGHT for x in w))


VOCABULARY = ("legal", "aid", "shelter", "harbor", "clinic", "night")


def _reference(services, query: str, language: str = "") -> list[str]:
    """Every match ranked in Python from the index rules alone: summed best weight per word, then name."""
    terms = search.query_terms(query)
    scored = []
    for name, organization, description, languages in services:
        if language and language not in languages:
            continue
        index = search.index_terms(name, organization, description)
        weights = []
        for term in terms:
            low, high = search.term_range(term)
            found = [w for t, w in index.items() if (t == low if high is None else low <= t < high)]
            weights.append(max(found, default=0))
        if all(weights):
            scored.append((-sum(weights), name))
    return [name for _, name in sorted(scored)]


@pytest.fixture
def directory(client, login, member, make_service, make_organization):
    """70 services named from six words, so that pairs of words share names often: the strong candidates
    fill small pages, and later pages need every name match."""
    login(member)
    rng = random.Random(7)
    organizations = [make_organization(name) for name in ("Harbor Legal Network", "Aid Alliance", "Night Clinic Co")]
    services = []
    for number in range(70):
        organization = rng.choice(organizations)
        name = f"{' '.join(rng.sample(VOCABULARY, 2)).title()} {number:02d}"
        description = " ".join(rng.choice(VOCABULARY + ("open", "door", "help")) for _ in range(4))
        languages = ("en", "es") if number % 3 else ("en",)
        make_service(organization, name=name, description=description, languages=languages)
        services.append((name, organization.name, description, languages))
    return client, services


@pytest.mark.parametrize("query", ["legal aid", "aid shelter", "harbor", "night clinic", "cli"])
@pytest.mark.parametrize("per_page", [2, 5, 100])
def test_pages_equal_the_ranking_of_every_match(directory, query, per_page):
    client, services = directory
    expected = _reference(services, query)
    assert len(expected) > per_page or per_page == 100
    paged, page = [], 1
    while len(paged) < len(expected):
        found = names(client.get(API, query_string={"q": query, "per_page": per_page, "page": page}))
        assert found, f"page {page} is empty"
        paged += found
        page += 1
    assert paged == expected


def test_the_strong_candidates_alone_answer_a_first_page_and_every_page_agrees(directory):
    """'legal aid' has services named after both words (score ≥ the sure score) — enough to fill a page of
    two by themselves — and matches beyond them; filtered by language, fewer of both."""
    client, services = directory
    strong = [name for name in _reference(services, "legal aid") if "Legal" in name and "Aid" in name]
    assert len(strong) >= 2
    for language in ("", "es"):
        expected = _reference(services, "legal aid", language)
        assert len(expected) > len([n for n in strong if n in expected]) >= 1
        query = {"q": "legal aid", "per_page": 2} | ({"language": language} if language else {})
        paged = []
        for page in range(1, len(expected) // 2 + 2):
            paged += names(client.get(API, query_string=query | {"page": page}))
        assert paged == expected


@pytest.mark.parametrize("query", ["legal", "legal aid", "aid shelter night", "help"])
def test_capped_counts_equal_the_matches(directory, monkeypatch, query):
    monkeypatch.setattr(finder, "COUNT_STEP", 10)
    client, services = directory
    matches = len(_reference(services, query))
    body = client.get(API, query_string={"q": query, "per_page": 5}).get_json()
    assert (body["total"], body["total_is_capped"]) == ((10, True) if matches > 10 else (matches, False))
    far = client.get(API, query_string={"q": query, "per_page": 5, "page": 3}).get_json()  # counted to 20
    if matches > 15:
        assert (far["total"], far["total_is_capped"]) == ((20, True) if matches > 20 else (matches, False))


def test_a_first_page_of_strong_candidates_needs_no_other_name_match(directory, monkeypatch):
    """With the branch that scores every name match made empty, a first page of "legal aid" is still whole:
    the strong candidates answered it alone."""
    from sqlalchemy import false

    from taskforce.directory import ranking
    client, services = directory
    real_named_scores = ranking._named_scores
    monkeypatch.setattr(ranking, "_named_scores", lambda words, guard: real_named_scores(words, false()))
    ranking.statement.cache_clear()
    try:
        first = names(client.get(API, query_string={"q": "legal aid", "per_page": 2}))
        assert first == _reference(services, "legal aid")[:2]
        broad = names(client.get(API, query_string={"q": "legal aid", "per_page": 100}))
        assert broad != _reference(services, "legal aid")  # the page past the strong ones did need the branch
    finally:
        ranking.statement.cache_clear()


def test_counts_and_pages_with_prefixes_matching_two_words_and_short_words(client, login, member, make_service):
    """A prefix matching two words of one service counts it once; a short word matches whole words only."""
    login(member)
    services = []
    for number in range(14):
        name = (f"Shelter Shelters Ox {number:02d}" if number % 2 else f"Sheltered Aid {number:02d}")
        description = "ox cart" if number % 3 else "oxen"
        make_service(name=name, description=description)
        services.append((name, "Partner Org", description, ("en",)))
    for query in ("shel", "shel ox", "ox shel", "shelters"):
        expected = _reference(services, query)
        assert expected, query
        body = client.get(API, query_string={"q": query, "per_page": 3}).get_json()
        assert (body["total"], body["total_is_capped"]) == (len(expected), False), query
        paged = []
        for page in range(1, 6):
            paged += names(client.get(API, query_string={"q": query, "per_page": 3, "page": page}))
        assert paged == expected, query
