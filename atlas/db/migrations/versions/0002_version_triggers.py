"""The store version lives in the database: triggers bump it on every write, direct SQL included.

Before this, only the app's own writes bumped ``meta.version``, so an operator's
``DELETE FROM facts`` left the Arrow snapshot and the replicas' caches stale.
``meta.store_id`` (random, once per database) goes into the version too, so a
recreated database never matches an old snapshot file whose counter it reaches.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""
import uuid

from alembic import op

from atlas.db.version_triggers import drop_version_triggers, install_version_triggers

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TABLES = ("articles", "facts", "audit")


def upgrade() -> None:
    op.execute("INSERT INTO meta (key, value) SELECT 'version', '0' "
               "WHERE NOT EXISTS (SELECT 1 FROM meta WHERE key = 'version')")
    op.execute(f"INSERT INTO meta (key, value) VALUES ('store_id', '{uuid.uuid4().hex}')")
    install_version_triggers(op.get_bind(), TABLES)


def downgrade() -> None:
    drop_version_triggers(op.get_bind(), TABLES)
    op.execute("DELETE FROM meta WHERE key = 'store_id'")
