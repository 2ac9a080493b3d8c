"""Alembic migrations and the store version kept by triggers, on SQLite and PostgreSQL."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from atlas.db import migrate
from atlas.core.errors import StoreError
from atlas.views.query import load_frame_snapshotted
from atlas.db.schema import include_name, metadata
from atlas.db.store import Store
from atlas.core.synthetic import synthetic_facts

ROOT = Path(__file__).resolve().parents[1]
BEFORE_DUMP = ROOT / "tests" / "fixtures" / "store_before_migrations.sql"


def test_one_head_and_it_is_the_declared_head():
    assert migrate.heads() == [migrate.HEAD]


def test_migrated_schema_matches_metadata(db_url):
    """A schema change in atlas/db/schema.py without a revision fails here."""
    store = Store(db_url)  # a new database: built by running every revision
    assert store.migrated == ["0001", "0002", "0003", "0004", "0005"]
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True, "include_name": include_name}), metadata)
    assert diff == [], f"atlas/db/schema.py metadata differs from the migrations; add a revision: {diff}"


def _store_made_before_migrations(tmp_path) -> Path:
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path)
    conn.executescript(BEFORE_DUMP.read_text(encoding="utf-8"))
    conn.close()
    return path


def test_store_made_before_migrations_is_upgraded_keeping_reviews_and_audit(tmp_path):
    path = _store_made_before_migrations(tmp_path)
    store = Store(path)
    assert store.migrated == ["0002", "0003", "0004", "0005"]
    facts = {f.title: f for f in store.facts(origin="extracted")}
    assert facts["Fixture energy"].review == "accepted" and facts["Fixture security"].review == "pending"
    (entry,) = store.audit_log()
    assert entry["who"] == "fixture reviewer" and entry["after"]["review"] == "accepted"
    assert store.get_meta("sources_fingerprint") == "fixture"
    assert store.version().startswith("2.")  # the counter goes on from where the old code left it
    store.decide([facts["Fixture security"].id], "rejected", who="ana")
    assert store.version().startswith("4.")  # one UPDATE of facts, one INSERT into audit
    assert Store(path).migrated == []  # opened again: nothing left to do


def test_store_that_gained_feed_tables_by_create_all_is_upgraded(tmp_path):
    """Between the feeds landing and migrations, create_all added the feed tables to old stores."""
    path = _store_made_before_migrations(tmp_path)
    engine = sa.create_engine(f"sqlite:///{path}")
    metadata.create_all(engine)
    engine.dispose()
    store = Store(path)
    assert store.migrated == ["0002", "0003", "0004", "0005"]
    assert len(store.audit_log()) == 1


def test_store_at_the_baseline_upgrades_on_postgresql(pg_url):
    engine = sa.create_engine(pg_url)
    with engine.begin() as conn:
        command.upgrade(migrate.config(conn), migrate.BASELINE)
        conn.exec_driver_sql("DROP TABLE alembic_version")  # as made before migrations existed
        conn.exec_driver_sql("INSERT INTO audit (fact_id, action, who, at) VALUES ('f1', 'accepted', 'ana', 'now')")
    engine.dispose()
    store = Store(pg_url)
    assert store.migrated == ["0002", "0003", "0004", "0005"]
    assert [e["who"] for e in store.audit_log()] == ["ana"]


def test_cli_migrate_says_what_it_did(tmp_path):
    path = _store_made_before_migrations(tmp_path)

    def run() -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "atlas", "--db", str(path), "migrate"], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)

    first = run()
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == f"sqlite:///{path}: applied 0002, 0003, 0004, 0005; now at {migrate.HEAD}"
    again = run()
    assert again.returncode == 0 and again.stdout.strip() == f"sqlite:///{path}: already at {migrate.HEAD}"


# -- issue 13 item 6: the version moves with every write, an operator's direct SQL included ---------

@pytest.mark.parametrize("sql", [
    "DELETE FROM facts WHERE id = 'syn-0'",
    "UPDATE facts SET title = 'changed by hand' WHERE id = 'syn-1'",
    "INSERT INTO audit (fact_id, action, who, at) VALUES ('x', 'note', 'operator', 'now')",
    "DELETE FROM articles",  # no row matches: PostgreSQL still counts the statement, harmlessly
])
def test_direct_sql_moves_the_version(any_store, sql):
    any_store.bulk_insert_facts(list(synthetic_facts(3)))
    ids = [f.id for f in any_store.facts()]
    sql = sql.replace("syn-0", ids[0]).replace("syn-1", ids[1])
    before = any_store.version()
    with any_store.engine.begin() as conn:
        conn.exec_driver_sql(sql)
    if sql == "DELETE FROM articles" and any_store.engine.dialect.name == "sqlite":
        return  # SQLite's row triggers see no row: nothing changed, nothing to bump
    assert any_store.version() != before


def test_truncate_moves_the_version_on_postgresql(pg_url):
    store = Store(pg_url)
    store.bulk_insert_facts(list(synthetic_facts(3)))
    before = store.version()
    with store.engine.begin() as conn:
        conn.exec_driver_sql("TRUNCATE audit")
    assert store.version() != before


def test_snapshot_after_direct_delete_and_restart_drops_the_fact(tmp_path):
    """Fails before the triggers: the snapshot of the old version was read back after a restart."""
    path = tmp_path / "atlas.sqlite"
    store = Store(path)
    store.bulk_insert_facts(list(synthetic_facts(5)))
    gone = store.facts()[0].id
    assert gone in set(load_frame_snapshotted(store)["id"])  # writes the snapshot file
    store.dispose()

    conn = sqlite3.connect(path)  # the operator, outside the app
    conn.execute("DELETE FROM facts WHERE id = ?", (gone,))
    conn.commit()
    conn.close()

    restarted = Store(path)
    frame = load_frame_snapshotted(restarted)
    assert gone not in set(frame["id"]) and len(frame) == 4
    assert isinstance(frame, pd.DataFrame)


def test_recreated_database_never_matches_an_old_snapshot(tmp_path):
    path = tmp_path / "atlas.sqlite"
    first = Store(path)
    first.bulk_insert_facts(list(synthetic_facts(2, seed=1)))
    load_frame_snapshotted(first)
    first.dispose()
    for p in tmp_path.glob("atlas.sqlite*"):
        if not p.name.endswith(".arrow"):
            p.unlink()  # the database goes; its snapshot file stays
    second = Store(path)
    second.bulk_insert_facts(list(synthetic_facts(2, seed=2)))
    assert second.version().split(".")[0] == "2"  # the same counter as the first database reached
    assert set(load_frame_snapshotted(second)["id"]) == {f.id for f in second.facts()}


# -- PostgreSQL down or unreachable -----------------------------------------------------------------

def test_unreachable_postgresql_names_the_url_without_password():
    from atlas.db.devdb import free_port

    url = f"postgresql+psycopg://ana:s3cret@127.0.0.1:{free_port()}/atlas"
    with pytest.raises(StoreError) as exc:
        Store(url)
    msg = str(exc.value)
    assert "s3cret" not in msg
    assert msg.startswith(f"cannot open database 'postgresql+psycopg://ana:***@127.0.0.1:")
