"""The entry points: import files, load the shipped datasets, validate them."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from ...core.errors import ValidationError
from ...db.store import Store, resolve_url
from . import DATASETS, DATASETS_DIR, mapping
from .importer import ImportResult, import_files
from .ofac import import_files as ofac
from .wbimport import import_files as wb


def _importer(key: str):
    """The reader of a dataset's release files: AidData's table + geometries, or its own."""
    if key == "worldbank":
        return wb
    if key == "ofac":
        return ofac
    return import_files
from .sync import SyncReport, sync_dataset


@dataclass
class DatasetImport:
    result: ImportResult
    sync: SyncReport

    def lines(self) -> list[str]:
        r = self.result
        out = [self.sync.summary()]
        if r.out_of_region:
            out.append(f"{r.out_of_region} row(s) with a recipient outside the five states skipped")
        if r.bad:
            out.append(f"{len(r.bad)} bad row problem(s) skipped (--skip-bad):")
            out += [f"  {b}" for b in r.bad]
        out += [f"note: {f}" for f in r.flags]  # located by a fallback, or a site left out: worth a look
        return out


def import_dataset(store: Store, key: str, paths: Sequence[Path], *, skip_bad: bool = False,
                   who: str = "import", allow_withdraw: bool = False) -> DatasetImport:
    """``python -m atlas import KEY PATH...``: read, check, locate, then sync in one transaction."""
    m = mapping(key)
    result = _importer(key)(m, [Path(p) for p in paths], skip_bad=skip_bad)
    keep = {m.fact_id(r) for r in result.bad_records}
    return DatasetImport(result, sync_dataset(store, key, result.facts, who=who, keep=keep,
                                              allow_withdraw=allow_withdraw))


def shipped_keys() -> list[str]:
    """Datasets the project ships a table of (the others come from their publishers)."""
    return [k for k, m in DATASETS.items() if m.table]


def shipped_table(key: str, datasets_dir: Path = DATASETS_DIR) -> Path:
    m = DATASETS[key]
    return Path(datasets_dir) / m.folder / m.table


def read_shipped(datasets_dir: Path = DATASETS_DIR) -> tuple[list[tuple[str, ImportResult]], list[str]]:
    """Every dataset shipped under ``data/datasets/`` read and checked, nothing written:
    ([(key, result)], problems). A dataset whose table is absent is skipped."""
    out, problems = [], []
    for key in shipped_keys():
        table = shipped_table(key, datasets_dir)
        if not table.exists():
            continue
        try:
            out.append((key, import_files(DATASETS[key], [table])))
        except ValidationError as exc:
            problems.extend(exc.problems)
    return out, problems


def dataset_problems(datasets_dir: Path = DATASETS_DIR) -> tuple[list[str], list[str], int]:
    """For ``validate``: (problems, notes, records). Problems are bad files or rows; notes are
    records whose own location failed a check (e.g. outside the recipient country) and were
    placed by a fallback."""
    results, problems = read_shipped(datasets_dir)
    notes, n = [], 0
    for key in shipped_keys():
        table = shipped_table(key, datasets_dir)
        if table.parent.exists() and not table.exists():
            problems.append(f"{table}: missing (the dataset folder exists but its table does not)")
        elif table.exists() and not (table.parent / "LICENSE.md").exists():
            problems.append(f"{table.parent}: no LICENSE.md beside the data")
    for _, r in results:
        notes += r.flags
        n += len(r.facts)
    return problems, notes, n


def stored_notes(store: Store) -> list[str]:
    """For ``validate``: sites of imported (not shipped) datasets that lay outside their stated
    country and were left out, read from the facts in the store."""
    keys = [k for k in DATASETS if k not in shipped_keys()]
    out = []
    for f in store.facts(origin="dataset", datasets=keys):
        for why in (f.record or {}).get("location", {}).get("rejected", []):
            out.append(f"{f.dataset} record {f.dataset_record}: {why}; left out")
    return sorted(out)


def imported_notes(db: str | None) -> list[str]:
    """:func:`stored_notes` of the store ``--db``/``ATLAS_DB`` names, when it exists (validate never creates one)."""
    url = resolve_url(db)
    if url.startswith("sqlite:///") and not os.path.exists(url[len("sqlite:///"):]):
        return []
    store = Store(url)
    try:
        return stored_notes(store)
    finally:
        store.dispose()
