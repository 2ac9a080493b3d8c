"""Published-dataset records (atlas.sources.datasets): dataset, record id, amount, licence, sector, link group, withdrawal.

Additive: nullable columns, and ``withdrawn`` with a server default, added in place
(no table copy, so the version triggers on ``facts`` stay).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""
from alembic import op
import sqlalchemy as sa

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

COLUMNS = (
    ("dataset", sa.String(length=40)),
    ("dataset_record", sa.String(length=60)),
    ("amount", sa.Float()),
    ("currency", sa.String(length=40)),
    ("license", sa.Text()),
    ("sector", sa.String(length=80)),
    ("finance_group", sa.String(length=80)),
    ("record", sa.Text()),
)


def upgrade() -> None:
    have = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("facts")}
    for name, type_ in COLUMNS:
        if name not in have:  # a store made by create_all on the branch before this revision
            op.add_column("facts", sa.Column(name, type_, nullable=True))
    if "withdrawn" not in have:
        op.add_column("facts", sa.Column("withdrawn", sa.Boolean(), server_default=sa.false(), nullable=False))
    indexes = {i["name"] for i in sa.inspect(op.get_bind()).get_indexes("facts")}
    if "ix_facts_dataset" not in indexes:
        op.create_index("ix_facts_dataset", "facts", ["dataset"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_facts_dataset", table_name="facts")
    with op.batch_alter_table("facts", schema=None) as batch_op:
        for name in ("withdrawn",) + tuple(n for n, _ in reversed(COLUMNS)):
            batch_op.drop_column(name)
