"""The map page with AidData records: attribution, About the data, dataset filters by key, detail panel."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from atlas.sources.datasets import DATASETS_DIR
from atlas.sources.datasets.load import import_dataset
from atlas.db.store import Store
from tests.dash_data import fill_store

ROOT = Path(__file__).resolve().parents[1]
TABLE = DATASETS_DIR / "aiddata-gcdf3" / "projects_central_asia.csv"
OTHER_FACTS = 5  # the sample store's facts shown by default (tests/dash_data.py)


@pytest.fixture
def finance_db(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "finance.sqlite"
    store = Store(path)
    fill_store(store)
    import_dataset(store, "aiddata", [TABLE])
    store.dispose()
    monkeypatch.setenv("ATLAS_DB", str(path))
    return path


def map_page(**query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / "0_Map.py"), default_timeout=30)
    for k, v in query.items():
        at.query_params[k] = v
    return at


def shown(at: AppTest) -> int:
    return int(next(m.value for m in at.metric if m.label == "Facts shown").replace(",", ""))


def test_map_page_names_aiddata_and_openstreetmap(finance_db):
    at = map_page().run()
    assert not at.exception, [e.value for e in at.exception]
    captions = " ".join(c.value for c in at.caption)
    assert "AidData GCDF 3.0" in captions and "© OpenStreetMap contributors" in captions
    about = next(e for e in at.expander if e.label == "About the data")
    body = "".join(h.value for h in about.get("html"))
    assert "ODC-By 1.0" in body and "ODbL 1.0" in body and "Banking on Beijing" in body
    assert shown(at) == OTHER_FACTS + 337
    assert next(m.value for m in at.metric if m.label == "From datasets") == "337"


def test_sector_status_and_amount_filters_by_key(finance_db):
    at = map_page().run()
    at.multiselect(key="f_sector").set_value(["ENERGY"]).run()
    assert not at.exception
    assert shown(at) == OTHER_FACTS + 41  # other facts are not narrowed by a dataset filter
    assert at.query_params.get("sector") in ("ENERGY", ["ENERGY"])
    at.multiselect(key="f_sector").set_value([]).run()
    at.multiselect(key="f_status").set_value(["committed"]).run()
    assert shown(at) == OTHER_FACTS + 31
    at.multiselect(key="f_status").set_value([]).run()
    at.selectbox(key="f_min_amount").set_value(1e9).run()
    assert OTHER_FACTS < shown(at) < OTHER_FACTS + 337 - 72


def test_deep_link_to_a_record_shows_the_record_and_its_licence(finance_db):
    at = map_page(fact="aiddata-39557").run()
    assert not at.exception
    body = "".join(h.value for h in at.html)
    assert "Dataset record" in body and "published dataset: AidData GCDF 3.0, record 39557" in body
    assert 'href="https://www.openstreetmap.org/way/773805068"' in body and "ODC-By 1.0" in body


def test_finance_measure_and_status_colours_run(finance_db):
    at = map_page(measure="finance", finance_color="status").run()
    assert not at.exception, [e.value for e in at.exception]
