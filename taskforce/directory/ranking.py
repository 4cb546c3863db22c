"""Search in SQL: which services contain every query word, in what order they come, and how many there are
— reading few index rows even for a common word at 50,000 services.

The weights and the word rules live in the pure `search` module; this module turns them into queries over
the search index (`ServiceTerm`):
- a page of one or two words is first answered by its strong candidates (search.sure_score), found in the
  partial name index without a probe per name match; every name match is scored only when they fall short;
- services that have the words only in descriptions or organization names are read only when a page
  reaches past the name matches;
- the capped count starts from the index rows of the rarest word and stops at its cap; when the ranking
  had to score every match anyway (three or more words, or the tail past the name matches), its window
  count is the total and no count runs.

The query words are bound parameters (`low0`, `high0`, … from `word_params`), and so is the clock of "open
now" (`finder`), so a statement depends only on values: the filters (`Conditions.key`), the shape of the query
(how many words, which are short) and its limits. `statement` builds each one once per such key and keeps it.
"""
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Callable

from sqlalchemy import String, and_, bindparam, func, intersect, literal_column, select, union, union_all
from sqlalchemy.orm import aliased

from taskforce.directory import search
from taskforce.directory.models import Service, ServiceTerm
from taskforce.extensions import db


@dataclass(frozen=True)
class Conditions:
    """The filters' SQL conditions, compared and hashed by value: `key` is everything they depend on (the
    filters without words and page; for "open now" also the time zones in use), `params` the bound values of
    the clock, which are no part of the key (one statement serves every minute of the night). The SQL
    expressions themselves are built by `build` only when a statement that is not kept yet needs them
    (`==` on SQL expressions builds SQL, so they could never be a key)."""

    key: tuple
    build: Callable[[], list] = field(compare=False, repr=False)
    params: dict = field(compare=False, default_factory=dict)

    @cached_property
    def clauses(self) -> tuple:
        return tuple(self.build())

    def __iter__(self):
        return iter(self.clauses)


# The search's one process-wide cache: every statement it runs, built once per value key (the builder and
# its arguments: Conditions, the query's shape, limits, the database's dialect — few distinct values). Kept,
# a statement is neither rebuilt nor has SQLAlchemy compute its structural cache key again on every search.
# Thread-safe: the cache stays coherent under concurrent calls (functools documents
# it); two threads may build the same statement once each, and either copy is right.
@lru_cache(maxsize=2048)
def statement(build: Callable, *key):
    """The statement `build(*key)`, kept per value of `key`."""
    return build(*key)


def literal_limit(value: int):
    """A LIMIT or OFFSET written into the SQL, not bound: PostgreSQL plans a prepared statement's LIMIT
    blind, which made a capped count and a page of name matches a third slower at 50,000 services. The
    statements are kept per value (a page size, a cap: few), so their text is rendered once — a value
    rendered in at execution (`literal_execute`) re-rendered the whole statement on every search."""
    return literal_column(str(int(value)))


def shape(terms: list[str]) -> tuple[bool, ...]:
    """Per query word, whether it matches a whole word only (too short for a prefix): the statement's shape."""
    return tuple(search.term_range(term)[1] is None for term in terms)


def word_params(terms: list[str]) -> dict:
    """The bound values of the query words (search.term_range) for statements built from their `shape`."""
    params = {}
    for index, term in enumerate(terms):
        low, high = search.term_range(term)
        params[f"low{index}"] = low
        if high is not None:
            params[f"high{index}"] = high
    return params


def word_match(column, index: int, exact: bool):
    """The index range of query word `index`: a prefix range, or the exact short word (search.term_range)."""
    low = bindparam(f"low{index}", type_=String)
    return column == low if exact else and_(column >= low, column < bindparam(f"high{index}", type_=String))


def _scores(words: tuple[bool, ...], among=None):
    """Per service: the summed weight of the query words it contains, only where it contains all of them.
    `among` (a select of service ids) limits the index rows read to those services' own."""
    parts = []
    for index, exact in enumerate(words):
        part = select(ServiceTerm.service_id.label("service_id"), func.max(ServiceTerm.weight).label("weight")).where(
            word_match(ServiceTerm.term, index, exact))
        if among is not None:
            part = part.where(ServiceTerm.service_id.in_(among))
        parts.append(part.group_by(ServiceTerm.service_id))
    matches = union_all(*parts).subquery()
    return (select(matches.c.service_id, func.sum(matches.c.weight).label("score"))
            .group_by(matches.c.service_id).having(func.count() == len(words)).subquery())


def _name_rows(index: int, exact: bool, at_least: int = search.NAME_WEIGHT):
    """Services with query word `index` in their name (the partial name index), in a row weighing at least
    `at_least`."""
    floor = [ServiceTerm.weight >= literal_column(str(at_least))] if at_least > search.NAME_WEIGHT else []
    return select(ServiceTerm.service_id).where(
        ServiceTerm.weight >= literal_column(str(search.NAME_WEIGHT)),  # a literal, so the partial index applies
        *floor, word_match(ServiceTerm.term, index, exact))


def _named(words: tuple[bool, ...], *where):
    """Services with a query word in their name: the ones that rank first. One range per word, united: an
    OR of ranges would make PostgreSQL read the table instead of the index alone."""
    return union_all(*(_name_rows(index, exact).where(*where) for index, exact in enumerate(words)))


def _one_word_scores(name_rows):
    """For one word the name rows hold the score itself: a name row weighs at least NAME_WEIGHT, any other
    word of the same prefix range far less; a service with two words of the range keeps its heavier."""
    return (select(ServiceTerm.service_id, func.max(ServiceTerm.weight).label("score"))
            .where(name_rows.whereclause).group_by(ServiceTerm.service_id).subquery())


def _strong_scores(words: tuple[bool, ...]):
    """Scores of the strong candidates (search.strong_name_weight): for one word, its heavy name rows; for
    two, the services named after both words or heavily after one, scored from their own index rows. Few
    services, found by reading the name index alone, not one probe per name match."""
    heavy = search.strong_name_weight(len(words))
    if len(words) == 1:
        return _one_word_scores(_name_rows(0, words[0], heavy))
    named_after_all = intersect(*(_name_rows(i, exact) for i, exact in enumerate(words))).subquery()
    candidates = union(select(named_after_all.c.service_id),  # a subquery: SQLite nests no bracketed compounds
                       *(_name_rows(i, exact, heavy) for i, exact in enumerate(words))).subquery("strong_ids")
    # Each word's weight probed per candidate (NULL when missing, which no sure score passes): joined to
    # the few candidates, PostgreSQL would hash them and read every index row of both words.
    first, second = (select(func.max(ServiceTerm.weight)).where(
        ServiceTerm.service_id == candidates.c.service_id, word_match(ServiceTerm.term, i, exact)).scalar_subquery()
        for i, exact in enumerate(words))
    return select(candidates.c.service_id, (first + second).label("score")).subquery()


def _named_scores(words: tuple[bool, ...], guard):
    """Scores of every service named after a query word, read only while `guard` holds: it sits in the reads
    of the name index, where both databases test a constant once, before reading."""
    if len(words) == 1:
        return _one_word_scores(_name_rows(0, words[0]).where(guard))
    named = _named(words, guard).cte("named")  # read once, used by every word's part
    return _scores(words, among=select(named.c.service_id))


def _best(scores, conditions: Conditions, limit: int, *where):
    """Services of `scores` passing the filters, best first, up to `limit`."""
    return (select(Service.id, scores.c.score, Service.name).join(scores, scores.c.service_id == Service.id)
            .where(*conditions, *where).order_by(scores.c.score.desc(), Service.name, Service.id)
            .limit(literal_limit(limit)))


def _best_of_few(scores, conditions: Conditions, limit: int, *where):
    """`_best` for a few candidates: each one's service is looked up by key (its name, NULL when it fails the
    filters). Joined instead, PostgreSQL misjudged how few they are and read every service. The candidates
    are a materialized CTE, so each one's name and score are computed once: the filter and the order each
    ran the lookups again (~550 candidates of one common word at 50,000 services: 1.3 → 0.95 ms)."""
    name = select(Service.name).where(Service.id == scores.c.service_id, *conditions).scalar_subquery()
    candidates = (select(scores.c.service_id.label("id"), scores.c.score, name.label("name")).where(*where)
                  .cte("candidates").prefix_with("MATERIALIZED"))
    return (select(candidates.c.id, candidates.c.score, candidates.c.name).where(candidates.c.name.is_not(None))
            .order_by(candidates.c.score.desc(), candidates.c.name, candidates.c.id).limit(literal_limit(limit)))


def _named_page(words: tuple[bool, ...], conditions: Conditions, limit: int):
    """The best `limit` services among those named after a query word, in one statement of two branches. The
    strong candidates come first: when `limit` of them reach search.sure_score, nothing else can outrank them
    and the page is final. Only otherwise (a small directory, rare words, a page far down) does the second
    branch score every name match; its guard is a constant the databases test once, before reading."""
    scores = _strong_scores(words)
    sure = scores.c.score >= literal_column(str(search.sure_score(len(words))))
    strong = _best_of_few(scores, conditions, limit, sure).cte("strong_page")
    found = select(func.count()).select_from(strong).scalar_subquery()
    named = _best(_named_scores(words, found < literal_limit(limit)), conditions, limit).subquery()
    either = union_all(select(strong.c.id, strong.c.score, strong.c.name).where(found == literal_limit(limit)),
                       select(named.c.id, named.c.score, named.c.name)).subquery()
    return select(either.c.id).order_by(either.c.score.desc(), either.c.name, either.c.id)


def _ranked(words: tuple[bool, ...], conditions: Conditions, unnamed: bool, offset: int, limit: int):
    """Every match by score then name (`unnamed`: only those without a query word in their name), with how
    many there are in all as the column `total`: this query scores every match anyway, so the count is free."""
    scores = _scores(words)
    query = (select(Service.id, func.count().over().label("total"))
             .join(scores, scores.c.service_id == Service.id).where(*conditions))
    if unnamed:
        query = query.where(Service.id.not_in(_named(words)))
    return (query.order_by(scores.c.score.desc(), Service.name, Service.id)
            .offset(literal_limit(offset)).limit(literal_limit(limit)))


def ranked_page(words: tuple[bool, ...], params: dict, conditions: Conditions, offset: int, limit: int
                ) -> tuple[list[int], int | None]:
    """Ids of one page of search results, by score then name, computed in SQL, and the number of all matches
    when the ranking had to read them all anyway (else None: the caller counts, up to its cap).

    When name matches always outrank the rest (one or two words), they are ranked alone first; the services
    that mention the words only in descriptions or organization names are read only when the page reaches
    past the name matches. Same order as ranking everything at once, far fewer rows for common words.
    `words` is the query's `shape`, `params` the bound values of its words and of the conditions."""
    if not search.name_matches_rank_first(len(words)):
        rows = _rows(statement(_ranked, words, conditions, False, offset, limit), params)
        return [row[0] for row in rows], (rows[0][1] if rows else None)
    named = first_column(statement(_named_page, words, conditions, offset + limit), params)
    if len(named) == offset + limit:
        return named[offset:], None
    rest_offset = max(0, offset - len(named))  # every name match is in `named`: the rest follow them
    rest = _rows(statement(_ranked, words, conditions, True, rest_offset, offset + limit - len(named) - rest_offset),
                 params)
    if rest:
        total = len(named) + rest[0][1]
    else:  # no match past the names: all of them are named, unless the page lies beyond every match
        total = len(named) if rest_offset == 0 else None
    return named[offset:] + [row[0] for row in rest], total


def _rows(statement, params: dict) -> list:
    return db.session.connection().execute(statement, params).all()


def first_column(statement, params: dict) -> list[int]:
    """The first column of every row, fetched at once. Statements here are built once and kept, so
    SQLAlchemy computes each one's cache key once, not per search."""
    return [row[0] for row in _rows(statement, params)]


DRIVER_PEEK = 2000  # index rows read per query word to find the rarest one (the count's driver)


def _peeked_rows(index: int, exact: bool):
    """How many index rows query word `index` has, read no further than DRIVER_PEEK (the index alone)."""
    rows = select(ServiceTerm.service_id).where(word_match(ServiceTerm.term, index, exact)).limit(
        literal_column(str(DRIVER_PEEK)))
    return select(func.count()).select_from(rows.subquery()).scalar_subquery()


def _first(query):
    """Whether `query`, correlated to one index row, finds anything: a scalar subquery with a LIMIT, one probe
    per row. PostgreSQL would plan EXISTS or a join as a hash of every service with the word (or of every
    service) before the count's LIMIT could stop it."""
    return query.limit(literal_column("1")).scalar_subquery().is_not(None)


def _has_word(service_id, index: int, exact: bool):
    """Whether the service has query word `index` (one probe of the by-service index)."""
    return _first(select(ServiceTerm.id).where(ServiceTerm.service_id == service_id,
                                               word_match(ServiceTerm.term, index, exact)))


def _matches_driven_by(index: int, words: tuple[bool, ...], conditions: Conditions, peek):
    """Services matching everything, found from the index rows of word `index`: each such row is checked
    against the filters and the other words (one probe each) until the count's limit is reached. With several
    words only the branch of the rarest word reads (its guard is a constant, tested before reading): a
    common word then never drives the count of a rare one."""
    driver = aliased(ServiceTerm)
    others = [_has_word(driver.service_id, other, exact) for other, exact in enumerate(words) if other != index]
    rows = [select(peek.c[f"rows{i}"]).scalar_subquery() for i in range(len(words))] if peek is not None else []
    rarest = [rows[index] < rows[other] if other < index else rows[index] <= rows[other]
              for other in range(len(rows)) if other != index]
    if not words[index]:  # a prefix can match two words of one service: count it at its first word only
        others.append(~_first(select(ServiceTerm.id).where(
            ServiceTerm.service_id == driver.service_id, ServiceTerm.term >= bindparam(f"low{index}", type_=String),
            ServiceTerm.term < driver.term)))
    passes = _first(select(Service.id).where(Service.id == driver.service_id, *conditions))
    return select(driver.service_id.label("service_id")).where(
        word_match(driver.term, index, words[index]), *rarest, *others, passes)


def count_statement(conditions: Conditions, words: tuple[bool, ...], limit: int):
    """How many services match the filters and every query word, read no further than `limit` (the
    caller's cap + 1): an exact count of every match of a common word would read them all. With query words
    the count starts from the index rows of the rarest word and stops at the limit."""
    if not words:
        return select(func.count()).select_from(
            select(Service.id).where(*conditions).limit(literal_limit(limit)).subquery())
    peek = None if len(words) == 1 else select(  # one row: read once, whichever branch asks
        *(_peeked_rows(i, exact).label(f"rows{i}") for i, exact in enumerate(words))).cte("peek")
    branches = [_matches_driven_by(index, words, conditions, peek) for index in range(len(words))]
    found = (union_all(*branches) if len(branches) > 1 else branches[0]).subquery()
    return select(func.count()).select_from(select(found.c.service_id).limit(literal_limit(limit)).subquery())


@dataclass(frozen=True)
class MatchCount:
    """What to count and how far: the filters' conditions, the query's shape (`shape`), the bound values of
    the words and conditions, and the limit, the cap + 1. Compared by value (the params aside), so a page
    statement carrying the count (`listings`) is kept per kind of count."""

    conditions: Conditions
    words: tuple
    params: dict = field(compare=False)
    limit: int

    @property
    def statement(self):
        """The count's statement, kept per kind of count (`statement`)."""
        return statement(count_statement, self.conditions, self.words, self.limit)


def count_matches(count: MatchCount) -> int:
    return first_column(count.statement, count.params)[0]
