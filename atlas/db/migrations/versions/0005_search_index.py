"""Full-text search index, and a note on audit entries.

SQLite: the FTS5 tables ``fact_search`` and ``article_search``, filled now, so a store
opened read-only later searches without writing. PostgreSQL: ``atlas_fact_vector`` and
GIN expression indexes on facts and articles. Before this revision the FTS5 tables were
made by the first search (a write), which failed on a read-only store; they are kept
(``IF NOT EXISTS``) where an earlier search made them.

``audit.note``: why, when the fact itself did not change (an event split), so every audit
entry has one shape (before and after are whole facts).

Numbered 0005 on the branch ``house``; if another 0005 lands first, renumber this one
(``revision``, ``down_revision``, the file name and ``HEAD`` in ``atlas/db/migrate.py``).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""
from alembic import op
import sqlalchemy as sa

from atlas.db.searchindex import create_index, drop_index

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    if "note" not in {c["name"] for c in sa.inspect(conn).get_columns("audit")}:
        op.add_column("audit", sa.Column("note", sa.Text(), nullable=True))
    create_index(conn)  # SQLite: filled and marked current, so a read-only open finds it so


def downgrade() -> None:
    drop_index(op.get_bind())
    op.drop_column("audit", "note")  # in place (SQLite 3.35+): the audit's version triggers stay
