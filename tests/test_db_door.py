"""atlas.db is the one door to the database: read-only stores search, audit entries have one
shape, and no module outside atlas/db/ speaks SQL."""
from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest

from atlas.views import events
from atlas.db import searchindex, storeguard
from atlas.db.store import Store
from atlas.core.errors import UnknownFact
from atlas.core.models import Fact
from atlas.views.search import search

from .dash_data import fill_store

ROOT = Path(__file__).resolve().parents[1]


def _written(path: Path, index_current: bool) -> None:
    store = Store(path)
    fill_store(store)
    store.bulk_insert_facts([Fact(id="ro-1", type="trade", title="Quagga freight corridor", date_start=date(2024, 1, 2),
                                  date_precision="day", origin="curated", countries=("KAZ",), actors=("CHN",))])
    if index_current:
        searchindex.ensure_index(store)
    store.dispose()


def _open_read_only(path: Path, monkeypatch) -> Store:
    # Root may write any file, so "this process may not write it" is told the way the app asks it.
    real_access = os.access
    monkeypatch.setattr(storeguard.os, "access",
                        lambda p, mode, **kw: False if mode == os.W_OK else real_access(p, mode, **kw))
    store = Store(path)
    assert store.read_only
    return store


@pytest.mark.parametrize("index_current", [True, False], ids=["index-current", "index-behind"])
def test_a_read_only_store_searches(tmp_path, monkeypatch, index_current):
    """Before revision 0005 the first search created the FTS tables: "attempt to write a readonly database"."""
    path = tmp_path / "atlas.sqlite"
    _written(path, index_current)
    indexed = Store(path).get_meta(searchindex.INDEXED_VERSION)
    store = _open_read_only(path, monkeypatch)
    version = store.version()
    assert [h.fact_id for h in search(store, "Line D")][0] == "gas-line-d"
    assert [h.fact_id for h in search(store, "quagga")] == ["ro-1"]  # written after the index was last filled
    assert [h.fact_id for h in search(store, "quagga")] == ["ro-1"]  # again, on a pooled connection
    assert store.version() == version
    assert (indexed == version) is index_current
    store.dispose()
    monkeypatch.undo()
    assert Store(path).get_meta(searchindex.INDEXED_VERSION) == indexed  # nothing was written


def test_a_new_store_has_its_search_tables_before_any_search(tmp_path):
    store = Store(tmp_path / "new.sqlite")
    assert store.get_meta(searchindex.INDEXED_VERSION) == store.version()  # filled by the migration


def test_every_audit_entry_has_one_shape():
    store = Store("sqlite://")
    fill_store(store)
    pending = [f for f in store.facts(origin="extracted") if f.review == "pending"][0]
    other = next(f for f in store.facts() if f.id != pending.id)
    store.decide([pending.id], "accepted", who="ana")
    events.split(store, other.id, who="bo", reason="two different visits")
    with pytest.raises(UnknownFact):
        events.split(store, "no-such-fact", who="bo")
    decided, split = sorted(store.audit_log(), key=lambda e: e["action"])
    for entry in (decided, split):
        assert set(entry) == {"id", "fact_id", "action", "who", "at", "before", "after", "note"}
        assert entry["before"]["id"] == entry["after"]["id"] == entry["fact_id"]
    assert (decided["action"], decided["after"]["review"], decided["note"]) == ("accepted", "accepted", "")
    assert (split["action"], split["who"], split["note"]) == ("split", "bo", "two different visits")
    assert other.id in events.split_ids(store)


def test_a_failed_write_leaves_no_audit_and_no_row():
    store = Store("sqlite://")
    fill_store(store)
    fact = store.facts(origin="extracted")[0]
    version = store.version()
    with pytest.raises(RuntimeError):
        with store.write("ana") as w:
            w.set(fact.id, review="accepted")
            w.audit(fact.id, "accepted", fact, fact.with_(review="accepted"))
            raise RuntimeError("stop")
    assert store.fact(fact.id) == fact and store.audit_log() == [] and store.version() == version


# What speaks SQL: SQLAlchemy Core or text, a raw execute, or SQL keywords in a string.
SQL = re.compile(r"import sqlalchemy|from sqlalchemy|\bsa\.(text|select|insert|update|delete)\(|\.execute\(|"
                 r"exec_driver_sql|\.engine\.(connect|begin)\(|\b(SELECT|INSERT INTO|DELETE FROM) |\bUPDATE \w+ SET\b")
# cli.py catches SQLAlchemy's exception classes to print one line: no SQL is spoken there.
ALLOWED = {("atlas/cli.py", "import sqlalchemy as sa")}


def test_no_sql_outside_atlas_db():
    found = []
    paths = sorted(p for top in ("atlas", "ui", "pages") for p in (ROOT / top).rglob("*.py"))
    assert len(paths) > 100  # the engine, the glue and the pages were all read
    for path in paths:
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith("atlas/db/"):
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if SQL.search(line) and (rel, line.strip()) not in ALLOWED:
                found.append(f"{rel}:{n}: {line.strip()}")
    assert found == [], "SQL outside atlas/db/ (add a method there):\n" + "\n".join(found)


def test_the_check_finds_sql():
    assert SQL.search('    with store.engine.begin() as c:')
    assert SQL.search('rows = c.execute(q)') and SQL.search('"SELECT id FROM facts"')
    assert not SQL.search("text = article_text(data, name)") and not SQL.search("Select a country")


def test_postgresql_search_uses_the_indexes_revision_0005_made(pg_url):
    store = Store(pg_url)
    fill_store(store)
    with store.engine.connect() as c:
        names = {r[0] for r in c.exec_driver_sql("SELECT indexname FROM pg_indexes WHERE tablename IN "
                                                 "('facts', 'articles')")}
        assert {"ix_facts_search", "ix_articles_search"} <= names
        c.exec_driver_sql("SET enable_seqscan = off")  # a few rows: make the planner show it can use them
        plan = " ".join(r[0] for r in c.exec_driver_sql(
            "EXPLAIN SELECT id FROM facts AS f WHERE atlas_fact_vector(f.title, f.summary, f.evidence) "
            "@@ to_tsquery('simple', 'line')"))
    assert "ix_facts_search" in plan
    assert [h.fact_id for h in search(store, "Line D")][0] == "gas-line-d"
    store.dispose()
