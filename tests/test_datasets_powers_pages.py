"""World Bank and OFAC records (tiny releases written for the tests) on the map, the timeline,
the record panel and in exports: MultiPoint sites, undated sanctions entries, attribution."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from atlas.sources.datasets.load import import_dataset
from atlas.sources.datasets.layer import features
from atlas.views.export import geojson_text
from atlas.views.query import Filters, apply_filters, load_frame, select_facts
from atlas.db.store import Store
from tests.dash_data import fill_store

from .test_datasets_ofac import release as ofac_release
from .test_datasets_worldbank import release as wb_release

ROOT = Path(__file__).resolve().parents[1]


def sample_db(tmp_path, monkeypatch, imports: dict) -> Path:
    """The sample store (tests/dash_data.py) plus the given dataset releases, as the app's database."""
    path = tmp_path / "powers.sqlite"
    store = Store(path)
    fill_store(store)
    for key, paths in imports.items():
        import_dataset(store, key, paths)
    store.dispose()
    monkeypatch.setenv("ATLAS_DB", str(path))
    return path


@pytest.fixture
def powers_db(tmp_path, monkeypatch) -> Path:
    return sample_db(tmp_path, monkeypatch, {"worldbank": wb_release(tmp_path / "wb"),
                                             "ofac": ofac_release(tmp_path / "ofac")})


def test_every_site_is_drawn_and_hidden_statuses_stay_off_the_map(powers_db):
    frame = apply_filters(load_frame(Store(powers_db)), Filters())
    feats = {f["properties"]["id"]: f for f in features(frame)}
    assert feats["worldbank-P900001"]["geometry"] == {"type": "MultiPoint",
                                                      "coordinates": [[66.96, 39.65], [64.42, 39.77]]}
    assert feats["worldbank-P900002"]["geometry"]["type"] == "Point"
    assert "worldbank-P900003" not in feats and "ofac-90001" in feats  # Dropped hidden; sanctions shown


def test_map_and_timeline_pages_run_and_name_the_sources(powers_db):
    at = AppTest.from_file(str(ROOT / "pages" / "0_Map.py"), default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    captions = " ".join(c.value for c in at.caption)
    assert "The World Bank: World Bank Projects & Operations" in captions and "U.S. Treasury OFAC" in captions
    about = next(e for e in at.expander if e.label == "About the data")
    assert "CC BY 4.0" in "".join(h.value for h in about.get("html"))
    at = AppTest.from_file(str(ROOT / "pages" / "0_Map.py"), default_timeout=60)
    at.query_params["fact"] = "worldbank-P900001"
    at = at.run()
    body = "".join(h.value for h in at.html)
    assert "Asian Infrastructure Investment Bank (AIIB)" in body and "Samarqand Test Site" in body
    for page in ("1_Timeline.py", "3_Data.py", "6_Countries.py"):
        other = AppTest.from_file(str(ROOT / "pages" / page), default_timeout=60)
        if page == "6_Countries.py":
            other.query_params["country"] = "UZB"
        other = other.run()
        assert not other.exception, (page, [e.value for e in other.exception])


def test_geojson_export_carries_multipoints_and_the_licences(powers_db):
    store = Store(powers_db)
    facts = select_facts(store, Filters(origins=("dataset",), reviews=(), withdrawn=True))
    fc = json.loads(geojson_text(facts))
    by_id = {f["properties"]["id"]: f for f in fc["features"]}
    assert by_id["worldbank-P900001"]["geometry"]["type"] == "MultiPoint"
    assert by_id["ofac-90001"]["properties"]["license"].startswith("Public domain")
    names = {d["dataset"]: d for d in fc["metadata"]["datasets"]}
    assert set(names) == {"worldbank", "ofac"} and names["worldbank"]["licences"][0]["name"] == "CC BY 4.0"


def test_a_dataset_nobody_imported_is_not_attributed(tmp_path, monkeypatch):
    sample_db(tmp_path, monkeypatch, {})
    at = AppTest.from_file(str(ROOT / "pages" / "0_Map.py"), default_timeout=60).run()
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "AidData GCDF 3.0" in captions and "World Bank" not in captions and "OFAC" not in captions
