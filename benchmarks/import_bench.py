"""Dataset import at the global dataset's size: a synthetic 20,000-row GCDF-shaped table.

    .venv/bin/python benchmarks/import_bench.py [N_ROWS]

Builds the table at run time in a temporary folder (never committed) by repeating
the shipped 337 Central Asian rows under new record ids, with a points file for
every row, so each row takes the whole path (parse, locate with geopandas, sjoin,
title gazetteer, store). Prints one JSON line: seconds to read and locate, to
store into a new SQLite file, to re-import unchanged, and the peak memory (MB).
"""
from __future__ import annotations

import csv
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def make_table(folder: Path, n: int) -> Path:
    from atlas.datasets import AIDDATA, DATASETS_DIR

    src = DATASETS_DIR / AIDDATA.folder
    with (src / AIDDATA.table).open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header, rows = list(reader.fieldnames), list(reader)
    with (src / AIDDATA.points_file).open(encoding="utf-8", newline="") as fh:
        points = {r["id"]: r for r in csv.DictReader(fh)}
    table = folder / AIDDATA.table
    with table.open("w", encoding="utf-8", newline="") as ft, \
            (folder / AIDDATA.points_file).open("w", encoding="utf-8", newline="") as fp:
        wt = csv.DictWriter(ft, fieldnames=header, lineterminator="\n")
        wp = csv.DictWriter(fp, fieldnames=["id", "first_lon", "first_lat"], lineterminator="\n", extrasaction="ignore")
        wt.writeheader()
        wp.writeheader()
        for i in range(n):
            row = dict(rows[i % len(rows)])
            old = row["AidData.Record.ID"]
            new = str(1_000_000 + i)
            row["AidData.Record.ID"] = new
            wt.writerow(row)
            wp.writerow({**points[old], "id": new})
    return table


def main(n: int = 20_000) -> dict:
    from atlas.datasets import AIDDATA
    from atlas.datasets.importer import import_files
    from atlas.datasets.sync import sync_dataset
    from atlas.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        table = make_table(folder, n)
        t0 = time.perf_counter()
        result = import_files(AIDDATA, [table])
        t1 = time.perf_counter()
        store = Store(folder / "bench.sqlite")
        first = sync_dataset(store, AIDDATA.key, result.facts)
        t2 = time.perf_counter()
        del result  # the re-import below holds its own facts
        again = sync_dataset(store, AIDDATA.key, import_files(AIDDATA, [table]).facts)
        t3 = time.perf_counter()
        store.dispose()
    assert len(first.added) == n and again.unchanged == n and not again.changed
    return {"rows": n, "read_locate_s": round(t1 - t0, 2), "store_s": round(t2 - t1, 2),
            "total_first_import_s": round(t2 - t0, 2), "reimport_unchanged_s": round(t3 - t2, 2),
            "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)))
