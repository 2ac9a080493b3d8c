"""Dataset records on the map and in the panels: layer features, finance shading, attribution, escaping."""
from __future__ import annotations

import pytest

from atlas.sources.datasets import DATASETS_DIR
from atlas.sources.datasets.layer import LAYER_NAME, features, finance_by_country, radius
from atlas.sources.datasets.load import import_dataset
from atlas.sources.datasets.panel import about_html, record_html
from atlas.views.query import Filters, apply_filters, load_frame

TABLE = DATASETS_DIR / "aiddata-gcdf3" / "projects_central_asia.csv"


@pytest.fixture(scope="module")
def loaded():
    from atlas.db.store import Store

    store = Store("sqlite://")
    import_dataset(store, "aiddata", [TABLE])
    return store, load_frame(store)


def test_one_marker_per_record_sized_by_amount(loaded):
    _, frame = loaded
    feats = features(apply_filters(frame, Filters()))
    assert len(feats) == 337
    by_id = {f["properties"]["id"]: f["properties"] for f in feats}
    big, small = by_id["aiddata-39567"], by_id["aiddata-96410"]  # $4.5 bn vs $46 m
    assert big["r"] > small["r"] and big["amount"] == "$4.51 bn"
    assert by_id["aiddata-39604"]["hollow"] and by_id["aiddata-39604"]["r"] == radius(None)  # no amount
    by_status = {f["properties"]["id"]: f["properties"]["c"] for f in features(frame, by="status")}
    assert by_status["aiddata-39604"] != by_status["aiddata-96410"]  # completed vs construction


def test_finance_measure_counts_linked_records_once(loaded):
    _, frame = loaded
    totals = finance_by_country(frame)
    recs = frame[frame["origin"] == "dataset"]
    naive = recs.groupby(recs["countries"].astype(str))["amount"].sum()
    for iso, v in totals.items():
        assert 0 < v <= naive[iso]
    kaz = recs[recs["countries"].astype(str) == "KAZ"]
    assert totals["KAZ"] == pytest.approx(kaz.groupby(kaz["finance_group"].astype(str))["amount"].max().sum())
    assert totals["KAZ"] < naive["KAZ"]  # KAZ has linked tranches: a plain sum would double count


def test_record_panel_shows_fields_links_licence_and_escapes(loaded):
    store, _ = loaded
    html = record_html(store.fact("aiddata-39557"))
    assert "AidData.Record.ID" in html and "39557" in html
    assert 'href="https://www.openstreetmap.org/way/773805068"' in html
    assert "ODC-By 1.0" in html and "© OpenStreetMap contributors" in html and "ODbL 1.0" in html
    assert "41941, 53580" in html  # linked records
    fact = store.fact("aiddata-39557")
    hostile = fact.with_(record={**fact.record, "osm_links": ["javascript:alert(1)"],
                                 "fields": {"Title": "<script>x</script>"}})  # test-written values
    html = record_html(hostile)
    assert "<script>" not in html and 'href="javascript' not in html


def test_about_the_data_lists_licences_and_citations():
    html = about_html()
    for text in ("AidData GCDF 3.0", "ODC-By 1.0", "ODbL 1.0", "© OpenStreetMap contributors",
                 "Tracking Chinese Development Finance", "Banking on Beijing", "Sci Data 11, 529 (2024)"):
        assert text in html
    assert LAYER_NAME == "Published datasets (AidData, World Bank, OFAC)"
