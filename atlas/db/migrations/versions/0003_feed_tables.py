"""News feeds (atlas.sources.fetch): feed_sources, fetched_pages, article_signatures, event_splits.

These tables reached some stores through ``create_all`` before migrations existed,
so each is created only where it is missing.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""
from alembic import op
import sqlalchemy as sa

from atlas.db.version_triggers import drop_version_triggers, install_version_triggers

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TRIGGERED = ("event_splits",)  # a reviewer's split changes what the events view shows


def upgrade() -> None:
    have = set(sa.inspect(op.get_bind()).get_table_names())
    if "event_splits" not in have:
        op.create_table(
            "event_splits",
            sa.Column("fact_id", sa.String(length=120), nullable=False),
            sa.Column("who", sa.Text(), nullable=False),
            sa.Column("at", sa.String(length=32), nullable=False),
            sa.PrimaryKeyConstraint("fact_id"),
        )
    if "feed_sources" not in have:
        op.create_table(
            "feed_sources",
            sa.Column("name", sa.String(length=200), nullable=False),
            sa.Column("url", sa.Text(), nullable=False),
            sa.Column("language", sa.String(length=8), nullable=True),
            sa.Column("countries", sa.Text(), nullable=False),
            sa.Column("interval_s", sa.Integer(), nullable=False),
            sa.Column("paused", sa.Boolean(), nullable=False),
            sa.Column("subscribed", sa.Boolean(), nullable=False),
            sa.Column("added_by", sa.Text(), nullable=False),
            sa.Column("etag", sa.Text(), nullable=True),
            sa.Column("last_modified", sa.Text(), nullable=True),
            sa.Column("last_fetch_at", sa.String(length=32), nullable=True),
            sa.Column("last_ok_at", sa.String(length=32), nullable=True),
            sa.Column("last_error", sa.Text(), nullable=True),
            sa.Column("failures", sa.Integer(), nullable=False),
            sa.Column("next_fetch_at", sa.String(length=32), nullable=True),
            sa.Column("n_new", sa.Integer(), nullable=False),
            sa.Column("n_unchanged", sa.Integer(), nullable=False),
            sa.Column("n_failed", sa.Integer(), nullable=False),
            sa.PrimaryKeyConstraint("name"),
        )
    if "article_signatures" not in have:
        op.create_table(
            "article_signatures",
            sa.Column("article_id", sa.String(length=32), nullable=False),
            sa.Column("minhash", sa.Text(), nullable=False),
            sa.Column("duplicate_of", sa.String(length=32), nullable=True),
            sa.Column("similarity", sa.Float(), nullable=True),
            sa.ForeignKeyConstraint(["article_id"], ["articles.id"]),
            sa.ForeignKeyConstraint(["duplicate_of"], ["articles.id"]),
            sa.PrimaryKeyConstraint("article_id"),
        )
        op.create_index(op.f("ix_article_signatures_duplicate_of"), "article_signatures", ["duplicate_of"],
                        unique=False)
    if "fetched_pages" not in have:
        op.create_table(
            "fetched_pages",
            sa.Column("canonical_url", sa.String(length=2048), nullable=False),
            sa.Column("url", sa.Text(), nullable=False),
            sa.Column("source", sa.String(length=200), nullable=False),
            sa.Column("article_id", sa.String(length=32), nullable=True),
            sa.Column("status", sa.String(length=20), nullable=False),
            sa.Column("fetched_at", sa.String(length=32), nullable=False),
            sa.ForeignKeyConstraint(["article_id"], ["articles.id"]),
            sa.PrimaryKeyConstraint("canonical_url"),
        )
        op.create_index(op.f("ix_fetched_pages_article_id"), "fetched_pages", ["article_id"], unique=False)
    install_version_triggers(op.get_bind(), TRIGGERED)


def downgrade() -> None:
    drop_version_triggers(op.get_bind(), TRIGGERED)
    op.drop_index(op.f("ix_fetched_pages_article_id"), table_name="fetched_pages")
    op.drop_table("fetched_pages")
    op.drop_index(op.f("ix_article_signatures_duplicate_of"), table_name="article_signatures")
    op.drop_table("article_signatures")
    op.drop_table("feed_sources")
    op.drop_table("event_splits")
