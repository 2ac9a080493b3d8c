"""Dataset import at the global dataset's size: a synthetic 20,000-row GCDF-shaped table,
or (``--dataset worldbank``) a synthetic World Bank export of 22,000 projects and 80,000 sites.

    .venv/bin/python benchmarks/import_bench.py [N_ROWS]
    .venv/bin/python benchmarks/import_bench.py --dataset worldbank [N_PROJECTS]

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
    from atlas.sources.datasets import AIDDATA, DATASETS_DIR

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
    from atlas.sources.datasets import AIDDATA
    from atlas.sources.datasets.importer import import_files
    from atlas.sources.datasets.sync import sync_dataset
    from atlas.db.store import Store

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


def make_worldbank(folder: Path, n: int, sites: int, seed: int = 7) -> list[Path]:
    """The export's three tables with synthetic rows (invented ids, names and amounts; real
    column names), every project in one of the five states: the worst case for the mapping,
    since the real global export has ~22,000 projects of which a few hundred are in the region."""
    import random

    from atlas.sources.datasets.worldbank import FINANCIER_IDS
    from atlas.core.geometry import country_points

    rng = random.Random(seed)
    names = {"KAZ": ("Kazakhstan", "KZ"), "KGZ": ("Kyrgyz Republic", "KG"), "TJK": ("Tajikistan", "TJ"),
             "TKM": ("Turkmenistan", "TM"), "UZB": ("Uzbekistan", "UZ")}
    centres = country_points()
    ids = [f"P{1_000_000 + i}" for i in range(n)]
    country = [rng.choice(list(names)) for _ in ids]
    financiers = list(FINANCIER_IDS) + ["BORR", "ZBIL", "TF"]
    paths = [folder / "projects.csv", folder / "locations.csv", folder / "financiers.csv"]
    with paths[0].open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["id", "regionname", "countryshortname", "status", "project_name", "boardapprovaldate",
                    "closingdate", "curr_total_commitment", "borrower"])
        for pid, iso in zip(ids, country):
            y = rng.randint(1992, 2025)
            w.writerow([pid, "Europe and Central Asia", names[iso][0],
                        rng.choice(["Active", "Closed", "Closed", "Dropped", "Pipeline"]),
                        f"Synthetic {rng.choice(['Water Supply', 'Rural Roads', 'Power', 'Health', 'Education'])} "
                        f"Project {pid}", f"{y}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}T00:00:00Z",
                        f"{y + 6}-06-30", f"{rng.randint(1, 500) * 1e6:.1f}", "Synthetic borrower"])
    with paths[1].open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["project_id", "geo_loc_id", "place_id", "wbg_country_key", "geo_loc_name",
                    "geo_latitude_number", "geo_longitude_number", "admin_unit1_name", "admin_unit2_name"])
        for k in range(sites):
            i = rng.randrange(n)
            lon, lat = centres[country[i]]
            w.writerow([ids[i], str(k), f"S{k}", names[country[i]][1], f"Synthetic place {k}",
                        f"{lat + rng.uniform(-1.5, 1.5):.5f}", f"{lon + rng.uniform(-2.5, 2.5):.5f}", "", ""])
    with paths[2].open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["project_id", "name", "current_amount", "amount_usd", "financer_id", "currency",
                    "project_financial_type"])
        for pid in ids:
            for _ in range(rng.choice([1, 1, 1, 2, 3])):
                fid = rng.choice(financiers)
                w.writerow([pid, f"Synthetic financier {fid}", "0", f"{rng.randint(1, 200) * 1e6:.0f}", fid, "USD",
                            "Bilateral Agency"])
    return paths


def main_worldbank(n: int = 22_000, sites: int = 80_000) -> dict:
    from atlas.sources.datasets import WORLDBANK
    from atlas.sources.datasets.sync import sync_dataset
    from atlas.sources.datasets.wbimport import import_files
    from atlas.db.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = make_worldbank(folder, n, sites)
        t0 = time.perf_counter()
        result = import_files(WORLDBANK, paths)
        t1 = time.perf_counter()
        store = Store(folder / "bench.sqlite")
        first = sync_dataset(store, WORLDBANK.key, result.facts)
        t2 = time.perf_counter()
        kept = len(result.facts)
        multipoints = sum(1 for f in result.facts if f.geometry and f.geometry["type"] == "MultiPoint")
        left_out = len(result.flags)
        del result
        again = sync_dataset(store, WORLDBANK.key, import_files(WORLDBANK, paths).facts)
        t3 = time.perf_counter()
        store.dispose()
    assert len(first.added) == kept == n and again.unchanged == n and not again.changed
    return {"dataset": "worldbank", "projects": n, "sites": sites, "multipoint_facts": multipoints,
            "sites_left_out": left_out, "read_locate_s": round(t1 - t0, 2), "store_s": round(t2 - t1, 2),
            "total_first_import_s": round(t2 - t0, 2), "reimport_unchanged_s": round(t3 - t2, 2),
            "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:2] == ["--dataset", "worldbank"]:
        print(json.dumps(main_worldbank(int(args[2]) if len(args) > 2 else 22_000)))
    else:
        print(json.dumps(main(int(args[0]) if args else 20_000)))
