"""The atlas schema: one ``metadata`` with every table the app reads and writes.

Additive only: a change here gets an Alembic revision (see :mod:`atlas.db.migrate`);
``tests/test_migrations.py`` fails when the two disagree. The full-text search tables
(SQLite FTS5) and the PostgreSQL search indexes are made by revision 0005 and are not
in ``metadata``: :func:`include_name` keeps Alembic's comparison off them.
"""
from __future__ import annotations

import sqlalchemy as sa

# Made by revision 0005, outside ``metadata``: FTS5 virtual tables (and their shadow tables)
# on SQLite, expression indexes on PostgreSQL.
SEARCH_TABLES = ("fact_search", "article_search")
SEARCH_INDEXES = ("ix_facts_search", "ix_articles_search")

metadata = sa.MetaData()
articles_t = sa.Table(
    "articles", metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("title", sa.Text, nullable=False, default=""),
    sa.Column("language", sa.String(8)),
    sa.Column("published", sa.String(10)),
    sa.Column("url", sa.Text, nullable=False, default=""),
    sa.Column("publisher", sa.Text, nullable=False, default=""),
    sa.Column("path", sa.Text, nullable=False, default=""),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("extraction", sa.Text),  # JSON of the extractor's output, for the reader's highlights
    sa.Column("added_at", sa.String(32), nullable=False),
)
facts_t = sa.Table(
    "facts", metadata,
    sa.Column("id", sa.String(120), primary_key=True),
    sa.Column("type", sa.String(20), nullable=False, index=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("summary", sa.Text, nullable=False, default=""),
    sa.Column("date_start", sa.String(10), index=True),
    sa.Column("date_end", sa.String(10)),
    sa.Column("date_precision", sa.String(8)),
    sa.Column("countries", sa.Text, nullable=False, default="[]"),
    sa.Column("actors", sa.Text, nullable=False, default="[]"),
    sa.Column("geometry", sa.Text),
    sa.Column("geom_type", sa.String(20)),
    sa.Column("lon", sa.Float),
    sa.Column("lat", sa.Float),
    sa.Column("geo_precision", sa.String(20)),
    sa.Column("status", sa.String(20)),
    sa.Column("status_as_of", sa.String(10)),
    sa.Column("origin", sa.String(10), nullable=False, index=True),
    sa.Column("review", sa.String(10), index=True),
    sa.Column("confidence", sa.Float),
    sa.Column("rule", sa.Text, nullable=False, default=""),
    sa.Column("article_id", sa.String(32), sa.ForeignKey("articles.id"), index=True),
    sa.Column("evidence", sa.Text, nullable=False, default="[]"),
    sa.Column("sources", sa.Text, nullable=False, default="[]"),
    sa.Column("places", sa.Text, nullable=False, default="[]"),
    sa.Column("amounts", sa.Text, nullable=False, default="[]"),
    sa.Column("edited", sa.Boolean, nullable=False, default=False),
    sa.Column("updated_at", sa.String(32), nullable=False),
    # origin "dataset" (atlas.sources.datasets): record, licence, amount, sector, link group, withdrawal
    sa.Column("dataset", sa.String(40), index=True),
    sa.Column("dataset_record", sa.String(60)),
    sa.Column("amount", sa.Float),
    sa.Column("currency", sa.String(40)),
    sa.Column("license", sa.Text),
    sa.Column("sector", sa.String(80)),
    sa.Column("finance_group", sa.String(80)),
    sa.Column("withdrawn", sa.Boolean, nullable=False, default=False, server_default=sa.false()),
    sa.Column("record", sa.Text),  # JSON: the record's raw fields, OSM links, how it was placed
)
audit_t = sa.Table(
    "audit", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("fact_id", sa.String(120), nullable=False, index=True),
    sa.Column("action", sa.String(20), nullable=False),
    sa.Column("who", sa.Text, nullable=False),
    sa.Column("at", sa.String(32), nullable=False),
    sa.Column("before", sa.Text),
    sa.Column("after", sa.Text),
    sa.Column("note", sa.Text),  # why, when the fact itself did not change (e.g. an event split)
)
meta_t = sa.Table(
    "meta", metadata,
    sa.Column("key", sa.String(40), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)
# -- news feeds (atlas.sources.fetch): new tables only (migration 0003)
sources_t = sa.Table(
    "feed_sources", metadata,
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("language", sa.String(8)),
    sa.Column("countries", sa.Text, nullable=False, default="[]"),
    sa.Column("interval_s", sa.Integer, nullable=False, default=3600),
    sa.Column("paused", sa.Boolean, nullable=False, default=False),
    sa.Column("subscribed", sa.Boolean, nullable=False, default=True),  # False: a URL fetched once by hand
    sa.Column("added_by", sa.Text, nullable=False, default=""),
    sa.Column("etag", sa.Text),
    sa.Column("last_modified", sa.Text),
    sa.Column("last_fetch_at", sa.String(32)),
    sa.Column("last_ok_at", sa.String(32)),
    sa.Column("last_error", sa.Text),
    sa.Column("failures", sa.Integer, nullable=False, default=0),  # consecutive, for backoff
    sa.Column("next_fetch_at", sa.String(32)),
    sa.Column("n_new", sa.Integer, nullable=False, default=0),
    sa.Column("n_unchanged", sa.Integer, nullable=False, default=0),
    sa.Column("n_failed", sa.Integer, nullable=False, default=0),
)
pages_t = sa.Table(
    "fetched_pages", metadata,
    sa.Column("canonical_url", sa.String(2048), primary_key=True),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("source", sa.String(200), nullable=False, default=""),
    sa.Column("article_id", sa.String(32), sa.ForeignKey("articles.id"), index=True),
    sa.Column("status", sa.String(20), nullable=False),  # stored | duplicate | near-duplicate
    sa.Column("fetched_at", sa.String(32), nullable=False),
)
signatures_t = sa.Table(
    "article_signatures", metadata,
    sa.Column("article_id", sa.String(32), sa.ForeignKey("articles.id"), primary_key=True),
    sa.Column("minhash", sa.Text, nullable=False),  # base64 of the MinHash hash values
    sa.Column("duplicate_of", sa.String(32), sa.ForeignKey("articles.id"), index=True),
    sa.Column("similarity", sa.Float),
)
event_splits_t = sa.Table(
    "event_splits", metadata,
    sa.Column("fact_id", sa.String(120), primary_key=True),
    sa.Column("who", sa.Text, nullable=False),
    sa.Column("at", sa.String(32), nullable=False),
)


def include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    """For Alembic's comparison: leave out the search tables and indexes (revision 0005 owns them)."""
    if type_ == "table":
        return not any(name == t or name.startswith(t + "_") for t in SEARCH_TABLES)
    if type_ == "index":
        return name not in SEARCH_INDEXES
    return True
