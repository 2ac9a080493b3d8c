"""A quick first start (issue 25): the curated files are read once, the extraction worker
is started before the store is filled, and the worker no longer imports the dataset
importers or pandas. The article text here is written for these tests.
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from atlas.sources import ingest
from atlas.sources.extract.gazetteer import _is_cyrillic
from atlas.sources.worker import ExtractorProcess
from atlas.db.store import Store

from .conftest import ROOT, SEEDS


def test_seeding_reads_the_curated_files_once_and_stores_what_it_checked(monkeypatch, curated_copy):
    reads = []
    real = ingest.load_curated
    monkeypatch.setattr(ingest, "load_curated", lambda *a, **k: reads.append(a) or real(*a, **k))
    store = Store("sqlite://")
    assert ingest.ensure_seeded(store, SEEDS, curated_copy, datasets_dir=curated_copy / "none")
    assert len(reads) == 1
    assert store.count(origin="curated") == len(real(curated_copy).facts) >= 25


def test_before_loading_runs_only_when_the_store_is_filled(curated_copy, tmp_path):
    calls = []
    store = Store("sqlite://")
    none = tmp_path / "no-datasets"
    assert ingest.ensure_seeded(store, SEEDS, curated_copy, none, before_loading=lambda: calls.append(store.count()))
    assert calls == [0]  # called before anything was written
    assert not ingest.ensure_seeded(store, SEEDS, curated_copy, none, before_loading=lambda: calls.append("again"))
    assert calls == [0]


def test_the_extraction_worker_does_not_import_the_dataset_importers_or_pandas():
    code = ("import sys, json, atlas.sources.worker; print(json.dumps([m for m in "
            "('geopandas', 'shapely', 'pandas', 'atlas.sources.datasets', 'atlas.core.labels') if m in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == []


def test_seeding_still_loads_the_shipped_datasets_without_an_import_at_the_top():
    store = Store("sqlite://")
    report = ingest.ingest_paths(store, [SEEDS])
    assert report.datasets and store.count(origin="dataset") > 0


@pytest.fixture
def extractor():
    proc = ExtractorProcess()
    yield proc
    proc.close()


def test_warm_up_starts_the_worker_that_the_seeds_then_use(monkeypatch, extractor):
    import ui.cache

    monkeypatch.setattr(ui.cache, "worker", lambda: extractor)
    assert extractor.pid is None
    ui.cache.warm_extractor().join(timeout=120)
    pid = extractor.pid
    assert pid is not None
    from atlas.sources.files import read_seed_articles

    seed = next(iter(read_seed_articles(SEEDS).values()))
    assert extractor(seed)["facts"]  # the same process extracts the seed article
    assert extractor.pid == pid


def test_a_failed_warm_up_is_logged_not_raised(monkeypatch, caplog):
    import ui.cache

    def broken(article):
        raise RuntimeError("no worker here")

    monkeypatch.setattr(ui.cache, "worker", lambda: broken)
    ui.cache.warm_extractor().join(timeout=10)
    assert "warm-up failed" in caplog.text


@pytest.mark.parametrize("name,expected", [("Astana", False), ("Zürich", False), ("Астана", True),
                                           ("Kyzyl-Кия", True), ("", False)])
def test_cyrillic_check_with_its_ascii_shortcut(name, expected):
    assert _is_cyrillic(name) is expected


def test_first_visit_copies_the_working_tree_as_a_fresh_clone_would_have_it(tmp_path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from first_visit import copy_tracked

    repo, dest = tmp_path / "repo", tmp_path / "copy"
    for name, text in {"app.py": "committed\n", "gone.py": "x\n", "data/atlas.sqlite": "db\n",
                       "static/vendor/leaflet.js": "js\n", "data/curated/a.yaml": "facts: []\n"}.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text, encoding="utf-8")
    (repo / "untracked.txt").write_text("not in git\n", encoding="utf-8")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run(git + ["init", "-q"], cwd=repo, check=True)
    subprocess.run(git + ["add", "app.py", "gone.py", "data", "static"], cwd=repo, check=True)
    subprocess.run(git + ["commit", "-qm", "t"], cwd=repo, check=True)
    (repo / "app.py").write_text("edited, not committed\n", encoding="utf-8")
    (repo / "gone.py").unlink()
    assert copy_tracked(dest, repo) == 2
    assert (dest / "app.py").read_text(encoding="utf-8") == "edited, not committed\n"
    assert (dest / "data/curated/a.yaml").exists()
    for absent in ("gone.py", "untracked.txt", "data/atlas.sqlite", "static/vendor/leaflet.js"):
        assert not (dest / absent).exists()


def test_seeding_extracts_with_the_extractor_it_is_given(curated_copy, tmp_path):
    seen = []

    def here(article):
        seen.append(article.id)
        return ingest.extract_here(article)

    store = Store("sqlite://")
    assert ingest.ensure_seeded(store, SEEDS, curated_copy, tmp_path / "none", extractor=here)
    assert seen and set(seen) == {a["id"] for a in store.articles()}
    assert store.count(origin="extracted") > 0


def test_small_seed_sets_are_extracted_in_the_server_large_ones_in_the_warmed_worker(monkeypatch, tmp_path):
    import ui.cache

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text("Kasachstan und China unterzeichnen in Astana ein Abkommen.\n", encoding="utf-8")
    assert ui.cache.seed_extraction(seeds) == (ui.cache.extract_seed_here, None)
    assert ui.cache.seed_extraction(tmp_path / "no-seeds") == (ui.cache.extract_seed_here, None)
    monkeypatch.setattr(ui.cache, "SEEDS_IN_PROCESS_BYTES", 10)
    assert ui.cache.seed_extraction(seeds) == (ingest.run_extractor, ui.cache.warm_extractor)


def test_the_server_and_the_worker_extract_a_seed_alike(extractor):
    from atlas.sources.files import read_seed_articles

    seed = next(iter(read_seed_articles(SEEDS).values()))
    assert extractor(seed) == ingest.extract_here(seed)


def test_a_bug_met_extracting_a_seed_in_the_server_is_listed_like_the_workers(monkeypatch, curated_copy, tmp_path):
    import ui.cache
    from atlas.core.errors import ValidationError

    def broken(article):
        raise TypeError("a bug")

    monkeypatch.setattr(ui.cache, "extract_here", broken)
    store = Store("sqlite://")
    with pytest.raises(ValidationError) as info:
        ingest.ensure_seeded(store, SEEDS, curated_copy, tmp_path / "none", extractor=ui.cache.extract_seed_here)
    assert any("TypeError: a bug" in str(p) for p in info.value.problems)
    assert store.count() == 0  # nothing written
