"""Ranking search results in SQL: which services contain every query word, and in what order they come.

The weights and the word rules live in the pure `search` module; this module turns them into queries over
the search index (`ServiceTerm`) that read few rows even for a common word at 50,000 services: name matches
are ranked alone first (through the partial name index), and the long tail of description matches is read
only when a page reaches past them.
"""
from sqlalchemy import and_, func, literal_column, select, union_all

from taskforce.directory import search
from taskforce.directory.models import Service, ServiceTerm
from taskforce.extensions import db


def word_match(column, word: str):
    """The index range of one query word (search.term_range): a prefix range, or the exact short word."""
    low, high = search.term_range(word)
    return column == low if high is None else and_(column >= low, column < high)


def containing_words(terms: list[str]) -> list:
    """Conditions keeping the services that contain every query word (for the count and plain filtering)."""
    return [Service.id.in_(select(ServiceTerm.service_id).where(word_match(ServiceTerm.term, term)))
            for term in terms]


def _scores(terms: list[str], among=None):
    """Per service: the summed weight of the query words it contains, only where it contains all of them.
    `among` (a select of service ids) limits the index rows read to those services' own."""
    parts = []
    for term in terms:
        part = select(ServiceTerm.service_id.label("service_id"), func.max(ServiceTerm.weight).label("weight")).where(
            word_match(ServiceTerm.term, term))
        if among is not None:
            part = part.where(ServiceTerm.service_id.in_(among))
        parts.append(part.group_by(ServiceTerm.service_id))
    matches = union_all(*parts).subquery()
    return (select(matches.c.service_id, func.sum(matches.c.weight).label("score"))
            .group_by(matches.c.service_id).having(func.count() == len(terms)).subquery())


def _named(terms: list[str]):
    """Services with a query word in their name (the partial name index): the ones that rank first. One range
    per word, united: an OR of ranges would make PostgreSQL read the table instead of the index alone."""
    return union_all(*(select(ServiceTerm.service_id).where(
        ServiceTerm.weight >= literal_column(str(search.NAME_WEIGHT)),  # a literal, so the partial index applies
        word_match(ServiceTerm.term, term)) for term in terms))


def _named_page(terms: list[str], conditions: list, limit: int) -> list[int]:
    """The best `limit` services among those named after a query word: their scores are summed from the
    index rows of these few services only, then joined to the services by key (no pass over every service,
    which the planner chose for two common words). For one word the partial name index holds the score
    itself: a name row weighs at least NAME_WEIGHT, any other word of the same prefix range far less."""
    if len(terms) == 1:  # the name row outweighs any other word of the range: the partial index alone scores
        scores = (select(ServiceTerm.service_id, func.max(ServiceTerm.weight).label("score"))
                  .where(ServiceTerm.weight >= literal_column(str(search.NAME_WEIGHT)), word_match(ServiceTerm.term, terms[0]))
                  .group_by(ServiceTerm.service_id).subquery())
    else:
        named = _named(terms).cte("named")  # read once, used by every word's part
        scores = _scores(terms, among=select(named.c.service_id))
    query = (select(Service.id).join(scores, scores.c.service_id == Service.id).where(*conditions)
             .order_by(scores.c.score.desc(), Service.name, Service.id).limit(limit))
    return list(db.session.scalars(query))


def ranked_page(terms: list[str], conditions: list, offset: int, limit: int) -> list[int]:
    """Ids of one page of search results, by score then name, computed in SQL.

    When name matches always outrank the rest (one or two words), they are ranked alone first; the services
    that mention the words only in descriptions or organization names are read only when the page reaches
    past the name matches. Same order as ranking everything at once, far fewer rows for common words."""
    def ranked():  # built only when needed: most pages are filled by name matches alone
        scores = _scores(terms)
        return (select(Service.id).join(scores, scores.c.service_id == Service.id).where(*conditions)
                .order_by(scores.c.score.desc(), Service.name, Service.id))
    if not search.name_matches_rank_first(len(terms)):
        return list(db.session.scalars(ranked().offset(offset).limit(limit)))
    named = _named_page(terms, conditions, offset + limit)
    if len(named) == offset + limit:
        return named[offset:]
    rest_offset = max(0, offset - len(named))
    rest = db.session.scalars(ranked().where(Service.id.not_in(_named(terms)))
                              .offset(rest_offset).limit(offset + limit - len(named) - rest_offset))
    return named[offset:] + list(rest)
