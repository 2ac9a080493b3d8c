"""Shipped datasets load like curated data: on a new store's first start, again only when their files change."""
from __future__ import annotations

import shutil

from hypothesis import given, settings, strategies as st

from atlas.sources.datasets import AIDDATA, DATASETS_DIR
from atlas.core.errors import ValidationError
from atlas.sources.ingest import ensure_seeded
from atlas.db.store import Store

from .conftest import SEEDS


def test_first_start_loads_the_dataset_and_a_changed_file_reloads_it(tmp_path, curated_copy):
    datasets = tmp_path / "datasets"
    shutil.copytree(DATASETS_DIR / AIDDATA.folder, datasets / AIDDATA.folder)
    store = Store(tmp_path / "atlas.sqlite")
    assert ensure_seeded(store, SEEDS, curated_copy, datasets)
    assert store.count(origin="dataset") == 337
    assert not ensure_seeded(store, SEEDS, curated_copy, datasets)  # nothing changed: no work

    table = datasets / AIDDATA.folder / AIDDATA.table
    text = table.read_text(encoding="utf-8")
    old = "China Grants 31 Buses Worth 10 Million Yuan to Tajikistan"
    assert old in text
    table.write_text(text.replace(old, old + " (test edit)"), encoding="utf-8")
    assert ensure_seeded(store, SEEDS, curated_copy, datasets)
    assert store.fact("aiddata-40158").title.endswith("(test edit)")
    assert [a["action"] for a in store.audit_log("aiddata-40158")] == ["dataset-update"]


def test_a_broken_shipped_table_keeps_what_the_store_has(tmp_path, curated_copy):
    datasets = tmp_path / "datasets"
    shutil.copytree(DATASETS_DIR / AIDDATA.folder, datasets / AIDDATA.folder)
    store = Store(tmp_path / "atlas.sqlite")
    ensure_seeded(store, SEEDS, curated_copy, datasets)
    table = datasets / AIDDATA.folder / AIDDATA.table
    table.write_text(table.read_text(encoding="utf-8").replace("Completion,", "Done?,", 1), encoding="utf-8")
    try:
        ensure_seeded(store, SEEDS, curated_copy, datasets)
        raise AssertionError("a bad row must be refused")
    except ValidationError as exc:
        assert any(": Status: not one of" in p for p in exc.problems)
    assert store.count(origin="dataset") == 337 and not store.fact("aiddata-39539").withdrawn


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=600))
def test_any_bytes_as_a_table_give_rows_or_a_located_message(tmp_path_factory, data):
    from atlas.sources.datasets.tables import read_table

    path = tmp_path_factory.mktemp("t") / "table.csv"
    path.write_bytes(data)
    try:
        rows = list(read_table(path, AIDDATA))
    except ValidationError as exc:
        assert all(p.startswith(str(path)) for p in exc.problems)
    else:
        assert all(r.file == str(path) and r.line >= 2 for r in rows)
