"""The PostgreSQL side of :func:`atlas.search.search`: ``tsvector`` matching and ``ts_rank``.

Same shape as the SQLite FTS5 side (queries from :func:`atlas.search_syntax.to_tsquery`):
the phrase first, then the query; a fact's title weighs more than its summary, more than its evidence quotes; the
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
_SNIPPET = ("left(coalesce(nullif(f.summary, ''), f.title), 160), f.date_start, f.countries, f.actors, f.origin")
# Equal ranks (to 4 decimals): curated facts first, then extracted, then dataset rows.
_ORIGIN_RANK = "CASE f.origin WHEN 'curated' THEN 0 WHEN 'extracted' THEN 1 ELSE 2 END"
_FACTS = sa.text(
    f"SELECT f.id, f.title, f.type, {_SNIPPET} FROM facts AS f, to_tsquery('simple', :q) AS q "
    f"WHERE {_FACT_VEC} @@ q AND coalesce(f.review, '') != 'rejected' "
    f"ORDER BY round(ts_rank('{{0.1, 0.2, 0.4, 1.0}}', {_FACT_VEC}, q)::numeric, 4) DESC, {_ORIGIN_RANK}, f.id "
    "LIMIT :limit")
_ARTICLE_VEC = "to_tsvector('simple', coalesce(a.title, '') || ' ' || a.text)"
_ARTICLES = sa.text(
    f"SELECT f.id, f.title, f.type, {_SNIPPET} FROM articles AS a JOIN facts AS f ON f.article_id = a.id, "
    f"to_tsquery('simple', :q) AS q WHERE {_ARTICLE_VEC} @@ q AND coalesce(f.review, '') != 'rejected' "
    f"ORDER BY round(ts_rank({_ARTICLE_VEC}, q)::numeric, 4) DESC, {_ORIGIN_RANK}, f.id LIMIT :limit")


def facts_matching(c: sa.Connection, q: str, limit: int) -> Iterable[Any]:
    return c.execute(_FACTS, {"q": q, "limit": limit})


def articles_matching(c: sa.Connection, q: str, limit: int) -> Iterable[Any]:
    return c.execute(_ARTICLES, {"q": q, "limit": limit})
