"""The `python -m atlas` CLI: exit codes, messages, idempotent ingest, export contents."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from atlas.cli import main
from atlas.db.store import Store

from .conftest import CURATED, ROOT, SEED, SEEDS, copy_sqlite


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "atlas", *args], cwd=ROOT, capture_output=True, text=True)


def test_validate_passes_on_the_repository():
    proc = run("validate")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("ok: ") and "curated facts" in proc.stdout


def test_validate_reports_each_problem_and_exits_1(curated_copy, capsys):
    first = sorted(curated_copy.glob("*.yaml"))[0]
    text = first.read_text(encoding="utf-8")
    first.write_text(text.replace("type: ", "type: not-a-type-", 1), encoding="utf-8")
    (curated_copy / "broken.yaml").write_text("facts:\n  - id: [unclosed\n", encoding="utf-8")
    assert main(["validate", "--curated", str(curated_copy)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert any("broken.yaml:" in line and "malformed YAML" in line for line in err)
    assert any(f"{first.name}:" in line and ": type: " in line and "unknown fact type 'not-a-type-" in line
               for line in err)


def test_ingest_seeds_twice_then_export(db_path):
    first = run("--db", str(db_path), "ingest", "seeds")
    assert first.returncode == 0, first.stderr
    assert "1 article(s) added" in first.stdout
    second = run("--db", str(db_path), "ingest", "seeds")
    assert second.returncode == 0, second.stderr
    assert "0 article(s) added, 1 already stored" in second.stdout

    store = Store(str(db_path))
    assert store.count_articles() == 1
    n_curated = store.count(origin="curated")
    assert n_curated >= 25

    exp = run("--db", str(db_path), "export", "--format", "geojson", "--review", "accepted", "--review", "pending")
    assert exp.returncode == 0, exp.stderr
    gj = json.loads(exp.stdout)
    ids = [f["properties"]["id"] for f in gj["features"]]
    assert len(ids) == len(set(ids))
    props = {f["properties"]["id"]: f["properties"] for f in gj["features"]}
    needed = {"id", "type", "title", "origin", "review", "countries", "actors", "date_start", "date_end",
              "date_precision", "geo_precision", "status", "evidence"}
    assert all(needed <= p.keys() for p in props.values())
    seed_text = SEED.read_text(encoding="utf-8")
    quotes = [e for p in props.values() for e in p["evidence"]]
    assert quotes and all(seed_text[e["start"]:e["end"]] == e["quote"] for e in quotes)
    assert any(p["origin"] == "extracted" for p in props.values())
    # The facts the foundation must carry.
    titles = " ".join(p["title"].lower() for p in props.values() if p["origin"] == "curated")
    assert "xi'an" in titles or "xian" in titles
    assert "line d" in titles
    kinds = {p["type"] for p in props.values() if p["origin"] == "curated"}
    assert kinds == {"diplomacy", "security", "finance", "energy", "infrastructure", "trade", "sanctions"}


@pytest.fixture(scope="module")
def seeded_template(tmp_path_factory) -> Path:
    """A store with the seeds and curated data ingested once for the export tests (ingesting is
    what :func:`test_ingest_seeds_twice_then_export` tests, through a subprocess)."""
    path = tmp_path_factory.mktemp("seeded") / "atlas.sqlite"
    assert main(["--db", str(path), "ingest", "seeds"]) == 0
    return path


@pytest.fixture
def seeded_db(seeded_template, tmp_path) -> Path:
    return copy_sqlite(seeded_template, tmp_path / "atlas.sqlite")


def test_export_filters_by_country_and_type(seeded_db):
    db_path = seeded_db
    proc = run("--db", str(db_path), "export", "--format", "geojson", "--country", "KAZ", "--type", "sanctions")
    feats = json.loads(proc.stdout)["features"]
    assert feats, "curated data has sanctions facts concerning Kazakhstan"
    assert all("KAZ" in f["properties"]["countries"] and f["properties"]["type"] == "sanctions" for f in feats)
    assert all(f["properties"]["origin"] == "curated" or f["properties"]["review"] == "accepted" for f in feats)


def test_export_csv_has_header_and_rows(seeded_db, capsys):
    db_path = seeded_db
    capsys.readouterr()
    assert main(["--db", str(db_path), "export", "--format", "csv", "--origin", "curated"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("id,type,title,")
    assert len(lines) - 1 == Store(str(db_path)).count(origin="curated")


@pytest.mark.parametrize("content,message", [
    (b"", "the article is empty"),
    (b"   \n\n", "the article is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "a binary file, not text"),
    ("Kasachstan und Usbekistan".encode("latin-1") + b"\xe4\xfc", "not UTF-8 text"),
])
def test_bad_article_exits_1_and_writes_nothing(tmp_path, db_path, capsys, content, message):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    good = tmp_path / "good.txt"
    shutil.copy(SEED, good)
    assert main(["--db", str(db_path), "ingest", str(good), str(bad)]) == 1
    err = capsys.readouterr().err
    assert str(bad) in err and message in err
    store = Store(str(db_path))
    assert store.count_articles() == 0 and store.count() == 0


def test_bad_curated_data_blocks_ingest(tmp_path, db_path, capsys, monkeypatch, curated_copy):
    import atlas.sources.files

    (curated_copy / "zz.yaml").write_text("facts:\n  - id: x-bad\n    type: culture\n", encoding="utf-8")
    monkeypatch.setattr(atlas.sources.files, "CURATED_DIR", curated_copy)
    assert main(["--db", str(db_path), "ingest", str(SEEDS)]) == 1
    err = capsys.readouterr().err
    assert "zz.yaml:3: type: fact 'x-bad': unknown fact type 'culture'" in err
    store = Store(str(db_path))
    assert store.count_articles() == 0 and store.count() == 0


def test_extract_prints_contract_json():
    proc = run("extract", str(SEED.relative_to(ROOT)))
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert {"language", "countries", "places", "dates", "amounts", "facts"} <= out.keys()
    text = SEED.read_text(encoding="utf-8")
    for kind in ("places", "dates", "amounts"):
        assert all(text[m["start"]:m["end"]] == m["text"] for m in out[kind])


def test_extract_unsupported_language_exits_1(tmp_path):
    fr = tmp_path / "fr.txt"
    fr.write_text("Le président chinois a rencontré les dirigeants d'Asie centrale à Xi'an pour un sommet "
                  "consacré à la coopération économique et à la sécurité de la région.", encoding="utf-8")
    proc = run("extract", str(fr))
    assert proc.returncode == 1 and proc.stderr.startswith("error: ")


def test_missing_path_is_named(db_path, capsys):
    assert main(["--db", str(db_path), "ingest", "no/such/file.txt"]) == 1
    assert "no/such/file.txt: no such file or folder" in capsys.readouterr().err


def test_export_rejects_unknown_country(db_path, capsys):
    assert main(["--db", str(db_path), "export", "--country", "FRA"]) == 1
    assert "country: 'FRA' is not one of KAZ, KGZ, TJK, TKM, UZB" in capsys.readouterr().err


def test_ci_script_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    blocks = readme.split("```")
    commands = [b.strip() for b in blocks[1::2] if b.strip().startswith("python3 -m venv")]
    assert len(commands) == 2, "the README gives exactly two set-up commands"
    assert commands[1] in ci and "pytest" in commands[1]
    assert "streamlit run dashboard.py" in commands[0]


def test_curated_files_exist():
    assert list(CURATED.glob("*.yaml"))


def test_first_start_loads_seeds_and_curated_then_only_when_files_change(tmp_path, curated_copy):
    from atlas.sources.ingest import ensure_seeded

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(SEED, seeds / SEED.name)
    store = Store("sqlite://")
    assert ensure_seeded(store, seeds, curated_copy)
    n = store.count(origin="curated")
    assert n >= 25 and store.count_articles() == 1
    assert not ensure_seeded(store, seeds, curated_copy)  # nothing changed: no work
    (seeds / "new.txt").write_text("Usbekistan und China bauen eine Eisenbahn nach Kirgisistan, "
                                   "sagte der Minister am 6. Juni 2024 in Peking.\n", encoding="utf-8")
    assert ensure_seeded(store, seeds, curated_copy)
    assert store.count_articles() == 2 and store.count(origin="curated") == n


def test_app_start_with_broken_curated_keeps_the_store(tmp_path, curated_copy):
    from atlas.core.errors import ValidationError
    from atlas.sources.ingest import ensure_seeded

    store = Store("sqlite://")
    ensure_seeded(store, SEEDS, curated_copy)
    before = (store.count(), store.count_articles())
    (curated_copy / "zz.yaml").write_text("facts: [oops\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="zz.yaml:.*malformed YAML"):
        ensure_seeded(store, SEEDS, curated_copy)
    assert (store.count(), store.count_articles()) == before
