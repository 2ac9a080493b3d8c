"""The full-text search index and its queries (what a query means: :mod:`atlas.views.search_syntax`).

SQLite: two FTS5 tables, ``fact_search`` and ``article_search``, made by revision 0005.
They are derived data, refilled from ``facts`` and ``articles`` whenever the store's
version has changed since the last fill (:func:`ensure_index`), so every write path
(curated reload, ingest, review, bulk insert) is covered without touching it. A store
this process may not write (read-only) whose index is behind is searched through the
same tables built in the connection's TEMP schema, which shadows the stored ones.

PostgreSQL: ``tsvector``/``ts_rank`` with GIN expression indexes (revision 0005) over
``atlas_fact_vector(title, summary, evidence)`` and the articles' title and text;
configuration ``simple`` (no stemming, no stop words: the text is German, English and
Russian alike), no accent folding.

Ranking: BM25 (ts_rank) with the title above the summary above the evidence quotes; on
equal scores (to 4 decimals) curated facts first, then extracted, then dataset rows.
Rejected facts never match. Other databases: a case-insensitive substring match.
"""
from __future__ import annotations

from typing import Sequence

import sqlalchemy as sa

from .schema import facts_t, meta_t

FACT_FTS, ARTICLE_FTS = "fact_search", "article_search"
INDEXED_VERSION = "search_index_version"  # meta key: the store version the FTS tables were filled at
FTS_DDL = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {{schema}}{FACT_FTS} USING fts5("
    "fact_id UNINDEXED, title, summary, evidence, tokenize = 'unicode61 remove_diacritics 2')",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {{schema}}{ARTICLE_FTS} USING fts5("
    "article_id UNINDEXED, title, text, tokenize = 'unicode61 remove_diacritics 2')",
]
# Evidence is JSON; only the quotes are text a reader would search.
_QUOTES = "(SELECT coalesce(group_concat(json_extract(value, '$.quote'), ' '), '') FROM json_each(f.evidence))"
FTS_FILL = [
    f"DELETE FROM {{schema}}{FACT_FTS}",
    f"INSERT INTO {{schema}}{FACT_FTS}(fact_id, title, summary, evidence) "
    f"SELECT f.id, f.title, f.summary, {_QUOTES} FROM main.facts AS f",
    f"DELETE FROM {{schema}}{ARTICLE_FTS}",
    f"INSERT INTO {{schema}}{ARTICLE_FTS}(article_id, title, text) SELECT id, title, text FROM main.articles",
]

PG_QUOTES = "(SELECT coalesce(string_agg(e->>'quote', ' '), '') FROM jsonb_array_elements(evidence::jsonb) AS e)"
PG_FACT_FUNCTION = f"""
CREATE OR REPLACE FUNCTION atlas_fact_vector(title text, summary text, evidence text) RETURNS tsvector
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  RETURN setweight(to_tsvector('simple', coalesce(title, '')), 'A') ||
         setweight(to_tsvector('simple', coalesce(summary, '')), 'B') ||
         setweight(to_tsvector('simple', {PG_QUOTES}), 'C');
END $$"""
PG_ARTICLE_VEC = "to_tsvector('simple', coalesce(title, '') || ' ' || text)"
PG_INDEXES = [
    "CREATE INDEX IF NOT EXISTS ix_facts_search ON facts USING gin (atlas_fact_vector(title, summary, evidence))",
    f"CREATE INDEX IF NOT EXISTS ix_articles_search ON articles USING gin (({PG_ARTICLE_VEC}))",
]

# One ranked query per engine; ``join`` ties an index row to its facts.
ORIGIN_RANK = "CASE f.origin WHEN 'curated' THEN 0 WHEN 'extracted' THEN 1 ELSE 2 END"
HIT_COLUMNS = "f.date_start, f.countries, f.actors, f.origin"
_FTS_SQL = ("SELECT f.id, f.title, f.type, snippet({table}, {col}, '', '', '…', 12), " + HIT_COLUMNS + " "
            "FROM {table} AS s JOIN facts AS f ON {join} "
            "WHERE {table} MATCH ? AND coalesce(f.review, '') != 'rejected' "
            "ORDER BY round(bm25({table}, {weights}), 4), " + ORIGIN_RANK + ", f.id LIMIT ?")
_FTS_FACTS = _FTS_SQL.format(table=FACT_FTS, col=-1, join="f.id = s.fact_id", weights="0, 10.0, 4.0, 2.0")
_FTS_ARTICLES = _FTS_SQL.format(table=ARTICLE_FTS, col=2, join="f.article_id = s.article_id", weights="0, 4.0, 1.0")
_PG_SNIPPET = "left(coalesce(nullif(f.summary, ''), f.title), 160), " + HIT_COLUMNS
_PG_FACT_VEC = "atlas_fact_vector(f.title, f.summary, f.evidence)"
_PG_FACTS = sa.text(
    f"SELECT f.id, f.title, f.type, {_PG_SNIPPET} FROM facts AS f, to_tsquery('simple', :q) AS q "
    f"WHERE {_PG_FACT_VEC} @@ q AND coalesce(f.review, '') != 'rejected' "
    f"ORDER BY round(ts_rank('{{0.1, 0.2, 0.4, 1.0}}', {_PG_FACT_VEC}, q)::numeric, 4) DESC, {ORIGIN_RANK}, f.id "
    "LIMIT :limit")
_PG_ARTICLE_VEC = "to_tsvector('simple', coalesce(a.title, '') || ' ' || a.text)"
_PG_ARTICLES = sa.text(
    f"SELECT f.id, f.title, f.type, {_PG_SNIPPET} FROM articles AS a JOIN facts AS f ON f.article_id = a.id, "
    f"to_tsquery('simple', :q) AS q WHERE {_PG_ARTICLE_VEC} @@ q AND coalesce(f.review, '') != 'rejected' "
    f"ORDER BY round(ts_rank({_PG_ARTICLE_VEC}, q)::numeric, 4) DESC, {ORIGIN_RANK}, f.id LIMIT :limit")


def create_index(conn: sa.Connection) -> None:
    """The search tables or indexes (revision 0005); on SQLite filled and marked current, so a
    store opened read-only later searches its stored index."""
    if conn.dialect.name == "sqlite":
        _fill(conn, _version(conn)[0])
    elif conn.dialect.name == "postgresql":
        conn.exec_driver_sql(PG_FACT_FUNCTION)
        for sql in PG_INDEXES:
            conn.exec_driver_sql(sql)


def drop_index(conn: sa.Connection) -> None:
    if conn.dialect.name == "sqlite":
        for t in (FACT_FTS, ARTICLE_FTS):
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {t}")
        conn.execute(sa.delete(meta_t).where(meta_t.c.key == INDEXED_VERSION))
    elif conn.dialect.name == "postgresql":
        conn.exec_driver_sql("DROP INDEX IF EXISTS ix_facts_search")
        conn.exec_driver_sql("DROP INDEX IF EXISTS ix_articles_search")
        conn.exec_driver_sql("DROP FUNCTION IF EXISTS atlas_fact_vector(text, text, text)")


def _version(c: sa.Connection) -> tuple[str, str | None]:
    """The store's version (as :meth:`Store.version`) and the one the index was filled at."""
    rows = dict(c.execute(sa.select(meta_t.c.key, meta_t.c.value).where(
        meta_t.c.key.in_(("version", "store_id", INDEXED_VERSION)))).all())
    return f"{rows.get('version', '0')}.{rows.get('store_id', '')[:8]}", rows.get(INDEXED_VERSION)


def ensure_index(store) -> None:
    """Make the stored FTS tables hold exactly the current facts and articles (SQLite, writable).

    Refilled when the store's version (bumped by every write) differs from the one
    recorded at the last fill: a refill is one INSERT…SELECT (about a quarter of a
    second at 100,000 facts, see benchmarks/search_bench.py), far cheaper than
    per-row triggers on bulk writes. The version is read before the refill, so the
    index is never older than the version it records.
    """
    if store.dialect != "sqlite" or store.read_only:
        return
    with store.engine.connect() as c:
        version, indexed = _version(c)
    if indexed == version:
        return
    with store.engine.begin() as c:
        _fill(c, version)


def _fill(c: sa.Connection, version: str) -> None:
    for sql in FTS_DDL + FTS_FILL:  # the DDL is a no-op after 0005; it takes the write lock first
        c.exec_driver_sql(sql.format(schema=""))
    c.execute(sa.delete(meta_t).where(meta_t.c.key == INDEXED_VERSION))
    c.execute(sa.insert(meta_t).values(key=INDEXED_VERSION, value=version))


def rebuild_index(store) -> None:
    """Refill the FTS tables now, whatever version they were filled at (repair)."""
    if store.dialect != "sqlite" or store.read_only:
        return
    with store.engine.begin() as c:
        c.execute(sa.delete(meta_t).where(meta_t.c.key == INDEXED_VERSION))
    ensure_index(store)


def _current_here(c: sa.Connection, store) -> None:
    """On a read-only store whose index is behind: fill it in this connection's TEMP schema."""
    version, indexed = _version(c)
    if indexed == version:
        c.exec_driver_sql(f"DROP TABLE IF EXISTS temp.{FACT_FTS}")
        c.exec_driver_sql(f"DROP TABLE IF EXISTS temp.{ARTICLE_FTS}")
        return
    for sql in FTS_DDL + FTS_FILL:
        c.exec_driver_sql(sql.format(schema="temp."))
    c.commit()


def ranked_rows(store, queries: Sequence[str], actor_codes: Sequence[str], limit: int) -> list[tuple[str, list]]:
    """``(via, rows)`` for each pass: the engine queries ``queries`` (already in its syntax) on the
    facts, facts of the outside powers ``actor_codes``, then the cited articles' text (the last
    query) while fewer than ``limit`` facts were found. Rows: id, title, type, snippet, date,
    countries, actors, origin."""
    if store.dialect == "sqlite":
        ensure_index(store)
    out: list[tuple[str, list]] = []
    found: set[str] = set()
    with store.engine.connect() as c:
        if store.dialect == "sqlite" and store.read_only:
            _current_here(c, store)
        for q in queries:
            rows = (c.exec_driver_sql(_FTS_FACTS, (q, limit)) if store.dialect == "sqlite"
                    else c.execute(_PG_FACTS, {"q": q, "limit": limit})).all()
            out.append(("fact", rows))
            found.update(r[0] for r in rows)
        for code in actor_codes:  # "Turkey": the facts Türkiye is part of
            rows = c.execute(
                sa.select(facts_t.c.id, facts_t.c.title, facts_t.c.type, sa.func.substr(facts_t.c.summary, 1, 160),
                          facts_t.c.date_start, facts_t.c.countries, facts_t.c.actors, facts_t.c.origin)
                .where(facts_t.c.actors.like(f'%"{code}"%'), sa.func.coalesce(facts_t.c.review, "") != "rejected")
                .order_by(facts_t.c.date_start.desc(), facts_t.c.id).limit(limit)).all()
            out.append(("actor", rows))
            found.update(r[0] for r in rows)
        if len(found) < limit and queries:
            rows = (c.exec_driver_sql(_FTS_ARTICLES, (queries[-1], limit)) if store.dialect == "sqlite"
                    else c.execute(_PG_ARTICLES, {"q": queries[-1], "limit": limit})).all()
            out.append(("article", rows))
    return out


def substring_rows(store, words: Sequence[str], text: str, limit: int) -> list:
    """Fallback for databases without FTS: every word as a case-insensitive substring of
    title, summary or evidence. Rows: id, title, type, summary, date, countries, actors, origin."""
    esc = [w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") for w in words]
    cond = sa.and_(*[sa.or_(facts_t.c.title.ilike(f"%{w}%", escape="\\"),
                            facts_t.c.summary.ilike(f"%{w}%", escape="\\"),
                            facts_t.c.evidence.ilike(f"%{w}%", escape="\\")) for w in esc])
    q = (sa.select(facts_t.c.id, facts_t.c.title, facts_t.c.type, facts_t.c.summary, facts_t.c.date_start,
                   facts_t.c.countries, facts_t.c.actors, facts_t.c.origin)
         .where(cond, sa.func.coalesce(facts_t.c.review, "") != "rejected")
         .order_by(facts_t.c.title.ilike(f"%{text.strip()}%").desc(), facts_t.c.id).limit(limit))
    with store.engine.connect() as c:
        return c.execute(q).all()
