"""Triggers that bump ``meta.version`` on every insert, update and delete, whoever writes.

The app's caches, the Arrow snapshot and other replicas key on that version, so it
must move with *any* write, including an operator's direct SQL. SQLite has only
row-level triggers (one cheap UPDATE of one row per written row); PostgreSQL gets
one statement-level trigger per table (TRUNCATE included). A revision that adds a
table the app reads calls ``install_version_triggers(op.get_bind(), ("new_table",))``.
"""
from __future__ import annotations

from typing import Iterable

import sqlalchemy as sa

BUMP = "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'version'"
PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION atlas_bump_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {BUMP.replace("INTEGER", "BIGINT")};
  RETURN NULL;
END $$"""
SQLITE_EVENTS = ("insert", "update", "delete")


def install_version_triggers(conn: sa.Connection, tables: Iterable[str]) -> None:
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(PG_FUNCTION)
        for t in tables:
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS atlas_version_{t} ON {t}")
            conn.exec_driver_sql(f"CREATE TRIGGER atlas_version_{t} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                                 f"ON {t} FOR EACH STATEMENT EXECUTE FUNCTION atlas_bump_version()")
        return
    for t in tables:
        for ev in SQLITE_EVENTS:
            conn.exec_driver_sql(f"CREATE TRIGGER IF NOT EXISTS atlas_version_{t}_{ev} AFTER {ev.upper()} ON {t} "
                                 f"BEGIN {BUMP}; END")


def drop_version_triggers(conn: sa.Connection, tables: Iterable[str]) -> None:
    for t in tables:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS atlas_version_{t} ON {t}")
        else:
            for ev in SQLITE_EVENTS:
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS atlas_version_{t}_{ev}")
