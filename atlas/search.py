"""Full-text search over facts: titles, summaries, evidence quotes and the text of cited articles.

SQLite: two FTS5 tables (``fact_search``, ``article_search``), derived data refilled
from ``facts`` and ``articles`` whenever the store's version has changed since the
last fill (:func:`ensure_index`), so every write path (curated reload, ingest, review,
bulk insert) is covered without touching it. They are created on the first search and
are not part of ``atlas.db.store.metadata``. Ranking is BM25 with the title weighted above the
summary above the evidence; facts whose words appear as one phrase come first; on equal
scores curated facts come before extracted ones, before dataset rows; a fact whose
*article* matches ranks after the facts that match themselves. What a query means (OR,
phrases, prefixes, spelling variants) is :mod:`atlas.search_syntax`, for both engines.

PostgreSQL: ``tsvector``/``ts_rank`` in the same order (:mod:`atlas.search_pg`), without
accent folding. Other databases: a plain case-insensitive substring match over title,
summary and evidence (:func:`_search_like`), labelled as the fallback it is.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

import sqlalchemy as sa

from . import search_pg
from . import search_syntax as syntax
from .actors import find_actors
from .db.store import Store, facts_t, meta_t

FACT_FTS = "fact_search"
ARTICLE_FTS = "article_search"
MAX_TERMS, MAX_QUERY_CHARS = syntax.MAX_TERMS, syntax.MAX_QUERY_CHARS
_WORD = re.compile(r"\w+")

# Evidence is JSON; only the quotes are text a reader would search.
_QUOTES = "(SELECT coalesce(group_concat(json_extract(value, '$.quote'), ' '), '') FROM json_each(f.evidence))"
_DDL = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FACT_FTS} USING fts5("
    "fact_id UNINDEXED, title, summary, evidence, tokenize = 'unicode61 remove_diacritics 2')",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {ARTICLE_FTS} USING fts5("
    "article_id UNINDEXED, title, text, tokenize = 'unicode61 remove_diacritics 2')",
]
_FILL = [
    f"DELETE FROM {FACT_FTS}",
    f"INSERT INTO {FACT_FTS}(fact_id, title, summary, evidence) SELECT f.id, f.title, f.summary, {_QUOTES} "
    "FROM facts AS f",
    f"DELETE FROM {ARTICLE_FTS}",
    f"INSERT INTO {ARTICLE_FTS}(article_id, title, text) SELECT id, title, text FROM articles",
]
INDEXED_VERSION = "search_index_version"  # meta key: the store version the FTS tables were filled at


@dataclass(frozen=True)
class SearchHit:
    """One ranked result. ``via`` says where the words were found: ``fact``, ``actor`` (the
    query names an outside power the fact involves) or ``article`` (the cited article's text)."""

    fact_id: str
    title: str
    type: str
    snippet: str
    via: str = "fact"
    date: str = ""  # the fact's start date, as stored (YYYY-MM-DD)
    countries: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()  # outside powers
    origin: str = ""  # curated, dataset or extracted


def _codes(raw) -> tuple[str, ...]:
    try:
        value = json.loads(raw or "[]")
    except (TypeError, ValueError):
        return ()
    return tuple(str(c) for c in value) if isinstance(value, list) else ()


def terms(text: str) -> list[str]:  # the LIKE fallback's words
    """The words of a query, lower-cased, at most :data:`MAX_TERMS`.

    >>> terms("  Line D! ")
    ['line', 'd']
    >>> terms('"; DROP TABLE facts --')
    ['drop', 'table', 'facts']
    """
    return [w.casefold() for w in _WORD.findall(text[:MAX_QUERY_CHARS])][:MAX_TERMS]


def is_sqlite(store: Store) -> bool:
    return store.engine.dialect.name == "sqlite"


def ensure_index(store: Store) -> None:
    """Make the FTS tables hold exactly the current facts and articles.

    Refilled when the store's version (bumped by every write) differs from the one
    recorded at the last fill: a refill is one INSERT…SELECT (about a quarter of a
    second at 100,000 facts, see benchmarks/search_bench.py), far cheaper than
    per-row triggers on bulk writes. The version is read before the refill, so the
    index is never older than the version it records.
    """
    if not is_sqlite(store):
        return
    version = store.version()
    if store.get_meta(INDEXED_VERSION) == version:
        return
    with store.engine.begin() as c:
        for ddl in _DDL:  # the first CREATE takes the write lock: one refill at a time
            c.exec_driver_sql(ddl)
        for sql in _FILL:
            c.exec_driver_sql(sql)
        c.execute(sa.delete(meta_t).where(meta_t.c.key == INDEXED_VERSION))
        c.execute(sa.insert(meta_t).values(key=INDEXED_VERSION, value=version))


def rebuild_index(store: Store) -> None:
    """Refill the FTS tables now, whatever version they were filled at (repair)."""
    if not is_sqlite(store):
        return
    with store.engine.begin() as c:
        c.execute(sa.delete(meta_t).where(meta_t.c.key == INDEXED_VERSION))
    ensure_index(store)


# One ranked FTS5 query; ``join`` ties an FTS row to its facts. Weights: BM25 per column.
# Equal scores (to 4 decimals): curated facts first, then extracted, then dataset rows.
ORIGIN_RANK = "CASE f.origin WHEN 'curated' THEN 0 WHEN 'extracted' THEN 1 ELSE 2 END"
HIT_COLUMNS = "f.date_start, f.countries, f.actors, f.origin"
_FTS_SQL = ("SELECT f.id, f.title, f.type, snippet({table}, {col}, '', '', '…', 12), " + HIT_COLUMNS + " "
            "FROM {table} AS s JOIN facts AS f ON {join} "
            "WHERE {table} MATCH ? AND coalesce(f.review, '') != 'rejected' "
            "ORDER BY round(bm25({table}, {weights}), 4), " + ORIGIN_RANK + ", f.id LIMIT ?")


def _add(hits: dict[str, SearchHit], via: str, rows) -> None:
    for fid, title, typ, snip, day, countries, actors, origin in rows:
        hits.setdefault(fid, SearchHit(fid, title, typ, snip or "", via, day or "", _codes(countries),
                                       _codes(actors), origin or ""))


def search(store: Store, text: str, limit: int = 20) -> list[SearchHit]:
    """Facts matching ``text`` (syntax: :mod:`atlas.search_syntax`), best first; rejected facts never appear."""
    query = syntax.plain_query(text)
    if not query:
        return []
    exact = syntax.phrase_query(text)
    parsed = ([exact] if exact else []) + [query]  # the whole phrase first, then the query
    if is_sqlite(store):
        ensure_index(store)
        queries = [syntax.to_fts5(q) for q in parsed]

        def facts_matching(c, q):
            return c.exec_driver_sql(_FTS_SQL.format(
                table=FACT_FTS, col=-1, join="f.id = s.fact_id", weights="0, 10.0, 4.0, 2.0"), (q, limit))

        def articles_matching(c, q):
            return c.exec_driver_sql(_FTS_SQL.format(
                table=ARTICLE_FTS, col=2, join="f.article_id = s.article_id", weights="0, 4.0, 1.0"), (q, limit))
    elif store.engine.dialect.name == "postgresql":
        queries = [syntax.to_tsquery(q) for q in parsed]

        def facts_matching(c, q):
            return search_pg.facts_matching(c, q, limit)

        def articles_matching(c, q):
            return search_pg.articles_matching(c, q, limit)
    else:
        return _search_like(store, text, limit)
    hits: dict[str, SearchHit] = {}
    with store.engine.connect() as c:
        for q in queries:
            _add(hits, "fact", facts_matching(c, q))
        for code in find_actors(text) if syntax.is_plain(text) else ():  # "Turkey": the facts Türkiye is part of
            _add(hits, "actor", c.execute(
                sa.select(facts_t.c.id, facts_t.c.title, facts_t.c.type, sa.func.substr(facts_t.c.summary, 1, 160),
                          facts_t.c.date_start, facts_t.c.countries, facts_t.c.actors, facts_t.c.origin)
                .where(facts_t.c.actors.like(f'%"{code}"%'), sa.func.coalesce(facts_t.c.review, "") != "rejected")
                .order_by(facts_t.c.date_start.desc(), facts_t.c.id).limit(limit)))
        if len(hits) < limit:
            _add(hits, "article", articles_matching(c, queries[-1]))
    return list(hits.values())[:limit]


def _search_like(store: Store, text: str, limit: int) -> list[SearchHit]:
    """Fallback for databases without FTS5 here: every word as a case-insensitive substring."""
    cond = sa.and_(*[
        sa.or_(facts_t.c.title.ilike(f"%{w}%", escape="\\"), facts_t.c.summary.ilike(f"%{w}%", escape="\\"),
               facts_t.c.evidence.ilike(f"%{w}%", escape="\\"))
        for w in (t.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") for t in terms(text))
    ])
    q = (sa.select(facts_t.c.id, facts_t.c.title, facts_t.c.type, facts_t.c.summary, facts_t.c.date_start,
                   facts_t.c.countries, facts_t.c.actors, facts_t.c.origin)
         .where(cond, sa.func.coalesce(facts_t.c.review, "") != "rejected")
         .order_by(facts_t.c.title.ilike(f"%{text.strip()}%").desc(), facts_t.c.id).limit(limit))
    with store.engine.connect() as c:
        return [SearchHit(r.id, r.title, r.type, (r.summary or "")[:160], "fact", r.date_start or "",
                          _codes(r.countries), _codes(r.actors), r.origin or "") for r in c.execute(q)]
