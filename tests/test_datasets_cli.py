"""The issue's "done when", through the real command line on a new store."""
from __future__ import annotations

import csv
import json
import subprocess
import sys

from atlas.sources.datasets import DATASETS_DIR
from atlas.db.store import Store

from .conftest import ROOT

TABLE = DATASETS_DIR / "aiddata-gcdf3" / "projects_central_asia.csv"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "atlas", *args], cwd=ROOT, capture_output=True, text=True)


def test_ingest_then_export_dataset_then_reimport_changes_nothing(db_path, tmp_path):
    proc = run("--db", str(db_path), "ingest", "seeds/")
    assert proc.returncode == 0, proc.stderr
    assert "aiddata: 337 added" in proc.stdout
    out = tmp_path / "d.geojson"
    proc = run("--db", str(db_path), "export", "--format", "geojson", "--origin", "dataset", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    fc = json.loads(out.read_text(encoding="utf-8"))
    with TABLE.open(encoding="utf-8", newline="") as fh:
        source = {r["AidData.Record.ID"]: r for r in csv.DictReader(fh)}
    feats = {f["properties"]["dataset_record"]: f for f in fc["features"]}
    assert set(feats) == set(source) and len(feats) == 337
    for rid, f in feats.items():
        p = f["properties"]
        raw = source[rid]["Amount.(Constant.USD.2021)"]
        assert p["amount"] == (float(raw) if raw else None)
        assert (p["origin"], p["dataset"], p["currency"] or "USD (constant 2021)") == ("dataset", "aiddata", "USD (constant 2021)")
        assert p["license"].startswith("ODC-By 1.0") and f["geometry"]["type"] == "Point"
    licences = {lic["name"] for lic in fc["metadata"]["datasets"][0]["licences"]}
    assert licences == {"ODC-By 1.0", "ODbL 1.0"}

    store = Store(db_path)
    version = store.version()
    proc = run("--db", str(db_path), "import", "aiddata", str(TABLE))
    assert proc.returncode == 0, proc.stderr
    assert "0 added, 0 updated, 337 unchanged, 0 withdrawn" in proc.stdout
    assert store.version() == version

    csv_out = run("--db", str(db_path), "export", "--format", "csv", "--origin", "dataset")
    header = next(csv.reader([csv_out.stdout.splitlines()[0]]))
    assert {"origin", "dataset", "dataset_record", "amount", "currency", "license"} <= set(header)


def test_validate_checks_the_dataset_and_notes_relocated_records():
    proc = run("validate")
    assert proc.returncode == 0, proc.stderr
    assert "337 dataset record(s)" in proc.stdout
    assert "note: aiddata record 61056: " in proc.stdout and "points: outside KAZ" in proc.stdout


def test_import_help_has_an_example():
    proc = run("import", "--help")
    assert proc.returncode == 0 and "python -m atlas import aiddata" in proc.stdout
