"""The PostgreSQL side of :func:`atlas.search.search`: ``tsvector`` matching and ``ts_rank``.

Same shape as the SQLite FTS5 side: the phrase first, then all words (the last one as a
prefix); a fact's title weighs more than its summary, more than its evidence quotes; the
cited articles' text is searched last. Configuration ``simple`` (no stemming, no stop
words): the text is German, English and Russian alike. Vectors are computed per query,
not indexed: fine for the stored thousands of facts; an expression index is the next step
when a store grows to 10^5 facts.
"""
from __future__ import annotations

from typing import Any, Iterable

import sqlalchemy as sa

_QUOTES = "(SELECT coalesce(string_agg(e->>'quote', ' '), '') FROM jsonb_array_elements(f.evidence::jsonb) AS e)"
_FACT_VEC = ("setweight(to_tsvector('simple', coalesce(f.title, '')), 'A') || "
             "setweight(to_tsvector('simple', coalesce(f.summary, '')), 'B') || "
             f"setweight(to_tsvector('simple', {_QUOTES}), 'C')")
_SNIPPET = "left(coalesce(nullif(f.summary, ''), f.title), 160)"
_FACTS = sa.text(
    f"SELECT f.id, f.title, f.type, {_SNIPPET} FROM facts AS f, to_tsquery('simple', :q) AS q "
    f"WHERE {_FACT_VEC} @@ q AND coalesce(f.review, '') != 'rejected' "
    f"ORDER BY ts_rank('{{0.1, 0.2, 0.4, 1.0}}', {_FACT_VEC}, q) DESC, f.id LIMIT :limit")
_ARTICLE_VEC = "to_tsvector('simple', coalesce(a.title, '') || ' ' || a.text)"
_ARTICLES = sa.text(
    f"SELECT f.id, f.title, f.type, {_SNIPPET} FROM articles AS a JOIN facts AS f ON f.article_id = a.id, "
    f"to_tsquery('simple', :q) AS q WHERE {_ARTICLE_VEC} @@ q AND coalesce(f.review, '') != 'rejected' "
    f"ORDER BY ts_rank({_ARTICLE_VEC}, q) DESC, f.id LIMIT :limit")


def tsqueries(words: list[str]) -> list[str]:
    """``to_tsquery`` texts, most exact first. Words are ``\\w+`` only and each is quoted,
    so no user text is read as query syntax.

    >>> tsqueries(["line", "d"])
    ["'line' <-> 'd'", "'line' & 'd'"]
    >>> tsqueries(["pipeline"])
    ["'pipeline':*"]
    """
    if not words:
        return []
    quoted = [f"'{w}'" for w in words]
    last = quoted[-1] + (":*" if len(words[-1]) >= 3 else "")
    if len(words) == 1:
        return [last]
    return [" <-> ".join(quoted), " & ".join(quoted[:-1] + [last])]


def facts_matching(c: sa.Connection, q: str, limit: int) -> Iterable[Any]:
    return c.execute(_FACTS, {"q": q, "limit": limit})


def articles_matching(c: sa.Connection, q: str, limit: int) -> Iterable[Any]:
    return c.execute(_ARTICLES, {"q": q, "limit": limit})
