"""Full-text search with German stemming, the same on SQLite and PostgreSQL.

Words are stemmed in Python with the Snowball German stemmer (PyStemmer), so
"Radwege" and "Radweg" both become "radweg", "Schulen" and "Schule" "schul".
Each idea keeps its stemmed words in `ideas.search_document`; SQLite indexes
that column with an FTS5 table kept in step by triggers; PostgreSQL stores
to_tsvector('simple', ...) of it in the generated column `ideas.search_vector` (not
in the model: PostgreSQL only) with a GIN index. Both match every query word as a prefix
(so "Radweg" also finds "Radwegenetz"). See migrations for the index DDL.
"""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer
from sqlalchemy import ColumnElement, func, literal_column, select, text

from app.models import Idea
from app.reference import DISTRICT, TOWNS

_WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_WORDS = 12


@lru_cache(maxsize=1)
def _stemmer():
    return Stemmer.Stemmer("german")


def stems(text_: str) -> list[str]:
    words = [w for w in _WORD.findall(text_.lower()) if not w.isdigit() or len(w) > 1]
    stemmed = _stemmer().stemWords(words)
    # The stemmer folds umlauts; keep only word characters so nothing reaches the query syntax.
    return [s for s in (re.sub(r"[^\w]", "", w) for w in stemmed) if s]


def build_document(*texts: str | None) -> str:
    return " ".join(stems(" ".join(t for t in texts if t)))


def idea_document(idea: Idea) -> str:
    """What a search finds an idea by: its card, and the names of its action fields and its town
    ("Mobilität" and "Dülmen" find the ideas tagged with them)."""
    tags = [field.name for field in idea.action_fields] + ([idea.municipality.name] if idea.municipality is not None else [])
    return build_document(idea.title, idea.summary, idea.benefit, idea.challenges, idea.partners, *tags)


def query_terms(query: str) -> list[str]:
    seen: list[str] = []
    for term in stems(query):
        if term not in seen:
            seen.append(term)
    return seen[:MAX_QUERY_WORDS]


def _vector_matches(terms: list[str], *, any_term: bool = False) -> ColumnElement[bool]:
    """PostgreSQL: the idea's stored vector matches every term (or, with any_term, one) as a prefix."""
    tsquery = (" | " if any_term else " & ").join(f"{t}:*" for t in terms)
    return literal_column("ideas.search_vector").op("@@")(func.to_tsquery(literal_column("'simple'"), tsquery))


def matching_idea_ids(terms: list[str], dialect: str, *, any_term: bool = False):
    """A subquery of the ids of ideas matching every term (or, with any_term, at least one) as a prefix."""
    if dialect == "postgresql":
        return select(Idea.id).where(_vector_matches(terms, any_term=any_term))
    match = (" OR " if any_term else " AND ").join(f'"{t}"*' for t in terms)
    return (
        select(literal_column("rowid"))
        .select_from(text("idea_search"))
        .where(text("idea_search MATCH :fts_query").bindparams(fts_query=match))
    )


# Frequent German words that say nothing about an idea's subject (stemmed like the documents).
_STOPWORDS_TEXT = (
    "aber alle als am an auch auf aus bei bis da damit dann das dass dem den der des die dies diese durch "
    "ein eine einem einen einer eines es für gibt hat im in ist ja kann können man mehr mit nach neue nicht "
    "noch nur oder ohne sich sie sind so soll sollen sollte über um und uns unser unsere vom von vor war "
    "was weil wenn werden wie wir wird zu zum zur idee ideen"
)
# Words nearly every idea of this strategy uses: sharing them does not make two ideas similar
# ("Digitale Mitfahrbank" is not like "Digitales Bürgeramt"). Only for similar ideas, not search.
_GENERIC_TEXT = (
    "digital digitale digitaler digitales digitalisierung digitalisieren app apps online internet web "
    "plattform portal angebot angebote system lösung projekt nutzen bürger bürgerinnen menschen "
    "kreis kreises kreisweit stadt städte gemeinde gemeinden region kommune kommunen"
)


def _towns() -> str:
    return " ".join(name for _, name in [DISTRICT, *TOWNS])


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    return frozenset(stems(_STOPWORDS_TEXT))


# The action fields' names (every idea carries at least one in its document): no sign of likeness.
_ACTION_FIELD_WORDS = "verwaltung bildung wirtschaft mobilität innenstadt dorfmitte"


@lru_cache(maxsize=1)
def _not_similar_words() -> frozenset[str]:
    """Stopwords, the strategy's generic words, the district's town names and the action fields."""
    return _stopwords() | frozenset(stems(_GENERIC_TEXT + " " + _towns() + " " + _ACTION_FIELD_WORDS))


def similarity_terms(text_: str) -> list[str]:
    """Word roots of a text that carry meaning, for finding similar ideas.

    A root is a stem without its last three letters (at least four remain):
    the stemmer leaves some endings, so "Buchung" (buchung) and "buchen"
    (buch), or "Bürgerbusses" (burgerbuss) and "Bürgerbus" (burgerbus), only
    meet on their roots. Matching a root as a prefix then finds both.
    """
    seen: list[str] = []
    for term in stems(text_):
        if len(term) < 3 or term in _not_similar_words():
            continue
        root = term[: max(4, len(term) - 3)]
        if root not in seen:
            seen.append(root)
    return seen[:MAX_QUERY_WORDS]


def overlap(terms: list[str], document: str) -> int:
    """How many of the terms occur (as a prefix of a word) in a stemmed document."""
    words = document.split()
    return sum(1 for t in terms if any(w.startswith(t) for w in words))


def search_filter(query: str, dialect: str) -> ColumnElement[bool] | None:
    """The condition on `ideas` that it matches the query; None for a query without words.

    On PostgreSQL it is a condition on the row itself, not `id IN (matches)`: the planner can then
    walk a list's sort-order index and test each idea as it goes (stopping after the page), or
    count from the GIN index's bitmap and stop at the count's cap, instead of collecting every
    match first and joining it back (7,500 matches of "Radwege" at 100,000 ideas)."""
    terms = query_terms(query)
    if not terms:
        return None
    if dialect == "postgresql":
        return _vector_matches(terms)
    return Idea.id.in_(matching_idea_ids(terms, dialect))
