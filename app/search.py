"""Full-text search with German stemming, the same on SQLite and PostgreSQL.

Words are stemmed in Python with the Snowball German stemmer (PyStemmer), so
"Radwege" and "Radweg" both become "radweg", "Schulen" and "Schule" "schul".
Each idea keeps its stemmed words in `ideas.search_document`; SQLite indexes
that column with an FTS5 table kept in step by triggers, PostgreSQL with a GIN
index on to_tsvector('simple', ...). Both match every query word as a prefix
(so "Radweg" also finds "Radwegenetz"). See migrations for the index DDL.
"""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer
from sqlalchemy import ColumnElement, func, literal_column, select, text

from app.models import Idea

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
    return build_document(idea.title, idea.summary, idea.benefit, idea.challenges, idea.partners)


def query_terms(query: str) -> list[str]:
    seen: list[str] = []
    for term in stems(query):
        if term not in seen:
            seen.append(term)
    return seen[:MAX_QUERY_WORDS]


def matching_idea_ids(terms: list[str], dialect: str):
    """A subquery of the ids of ideas matching every term."""
    if dialect == "postgresql":
        tsquery = " & ".join(f"{t}:*" for t in terms)
        return select(Idea.id).where(
            func.to_tsvector(literal_column("'simple'"), Idea.search_document).op("@@")(
                func.to_tsquery(literal_column("'simple'"), tsquery)
            )
        )
    match = " AND ".join(f'"{t}"*' for t in terms)
    return (
        select(literal_column("rowid"))
        .select_from(text("idea_search"))
        .where(text("idea_search MATCH :fts_query").bindparams(fts_query=match))
    )


def search_filter(query: str, dialect: str) -> ColumnElement[bool] | None:
    terms = query_terms(query)
    if not terms:
        return None
    return Idea.id.in_(matching_idea_ids(terms, dialect))
