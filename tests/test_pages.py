"""AppTest smoke and behaviour tests of the dashboard pages (prefilled store; no extractor)."""
from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from atlas.views.query import Filters, load_frame
from atlas.db.store import Store
from tests.dash_data import ARTICLE, EVIL, SCRIPT, fill_store
from tests.helpers import PAGE_TIMEOUT, app, metric, qp  # noqa: F401  (atlas_db: tests/conftest.py)
from ui import mapview
from ui.views import download_contents

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["dashboard.py", "pages/0_Map.py", "pages/1_Timeline.py", "pages/2_Articles.py", "pages/3_Data.py"]
TIMEOUT = PAGE_TIMEOUT


def table(at: AppTest):
    """The facts table of the Data page (the only frame with a geo_precision column)."""
    return next(d.value for d in at.dataframe if "geo_precision" in d.value.columns)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs(atlas_db, page):
    at = app(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.multiselect(key="f_countries").label == "Countries"


def test_default_view_counts(atlas_db):
    at = app("dashboard.py").run()
    assert not at.exception
    # curated 4 + accepted extracted 1; the pending one is hidden by default
    assert metric(at, "Facts shown") == "5"
    assert metric(at, "Curated") == "4"
    assert metric(at, "Extracted") == "1"


def test_country_filter_updates_view_and_url(atlas_db):
    at = app("pages/3_Data.py").run()
    at.multiselect(key="f_countries").set_value(["KAZ"]).run()
    assert not at.exception
    assert qp(at, "country") == ["KAZ"]
    ids = set(table(at)["id"])
    assert ids == {"summit-xian-2023", "kaz-sanctions-2023", f"x-{ARTICLE.id}-" + ids_suffix(ids)}


def ids_suffix(ids: set[str]) -> str:
    return next(i for i in ids if i.startswith("x-")).split(f"x-{ARTICLE.id}-", 1)[1]


def test_dashboard_country_filter_metric(atlas_db):
    at = app("dashboard.py").run()
    at.multiselect(key="f_countries").set_value(["KAZ"]).run()
    assert metric(at, "Facts shown") == "3"
    assert qp(at, "country") == ["KAZ"]


def test_query_params_restore_widgets(atlas_db):
    at = app("dashboard.py", country=["KAZ", "UZB"], type="energy", review=["accepted", "pending"],
             minconf="0.5", origin="curated", since="2015-01-01").run()
    assert not at.exception
    assert at.multiselect(key="f_countries").value == ["KAZ", "UZB"]
    assert at.multiselect(key="f_types").value == ["energy"]
    assert at.radio(key="f_trust").value == "all"
    assert at.multiselect(key="f_origin").value == ["curated"]
    assert at.slider(key="f_minconf").value == pytest.approx(0.5)
    assert str(at.slider(key="f_dates").value[0]) == "2015-01-01"
    assert qp(at, "country") == ["KAZ", "UZB"] and qp(at, "minconf") == ["0.5"]
    assert metric(at, "Facts shown") == "1"  # the Line D pipeline (energy, UZB, curated, 2014–2026)


def test_bad_query_param_warns(atlas_db):
    at = app("dashboard.py", country=["KAZ", "XXX"]).run()
    assert not at.exception
    # the message as plain text, the value from the URL as code (never markup or a link)
    assert any(w.value.startswith("country\\: ` XXX ` is not one of") for w in at.warning)
    assert at.multiselect(key="f_countries").value == ["KAZ"]


def test_actor_and_review_filters(atlas_db):
    at = app("pages/3_Data.py").run()
    at.radio(key="f_trust").set_value("all").run()
    assert "x-pending" in set(table(at)["id"])
    at.multiselect(key="f_actors").set_value(["RUS"]).run()
    assert set(table(at)["id"]) == {"x-pending", "kaz-sanctions-2023"}
    assert qp(at, "actor") == ["RUS"] and qp(at, "review") == ["accepted", "pending"]
    at.radio(key="f_trust").set_value("curated").run()
    assert qp(at, "review") == ["none"] and set(table(at)["id"]) == {"kaz-sanctions-2023"}


def test_trust_choice_states_its_default(atlas_db):
    at = app("pages/1_Timeline.py").run()
    assert at.radio(key="f_trust").value == "accepted" and "review" not in at.query_params
    assert any(c.value.startswith("Default: extracted facts a reviewer accepted") for c in at.sidebar.caption)


def test_clicked_fact_shows_escaped_detail(atlas_db):
    at = app("dashboard.py")
    at.session_state["fact"] = "summit-xian-2023"
    at.run()
    assert not at.exception
    body = "".join(h.value for h in at.html)
    assert "Xi&#x27;an summit &lt;img src=x onerror=alert(1)&gt;" in body
    assert "<img src=x" not in body and "<script>" not in body
    assert "<mark" in body and "Kasachstan" in body  # evidence quote highlighted in its paragraph
    assert 'href="javascript:' not in body
    assert f"Articles?article={ARTICLE.id}&amp;fact=summit-xian-2023" in body
    assert "Curated (hand-checked, sourced)" in body
    assert qp(at, "fact") == ["summit-xian-2023"]


def test_fact_deep_link_and_close(atlas_db):
    at = app("dashboard.py", fact="gas-line-d").run()
    body = "".join(h.value for h in at.html)
    assert "Central Asia–China gas pipeline Line D" in body and "construction" in body
    assert 'href="https://example.org/line-d"' in body
    at.button(key="close_fact").click().run()
    assert not at.exception
    assert qp(at, "fact") == []
    assert not any("Line D" in h.value for h in at.html)


def test_clear_time_window(atlas_db):
    at = app("dashboard.py", since="2023-01-01", until="2023-12-31").run()
    assert metric(at, "Facts shown") == "4"  # not the 2021 trade deal
    at.button(key="clear_window").click().run()
    assert not at.exception
    assert qp(at, "since") == [] and qp(at, "until") == []
    assert metric(at, "Facts shown") == "5"


def test_measure_and_timeline_lanes_in_url(atlas_db):
    at = app("dashboard.py").run()
    at.selectbox(key="measure").set_value("leading").run()
    assert not at.exception and qp(at, "measure") == ["leading"]
    tl = app("pages/1_Timeline.py", lanes="actor").run()
    assert not tl.exception and tl.radio(key="lanes").value == "actor"


def test_reader_deep_link_escapes_and_marks_evidence(atlas_db):
    fid = next(f for f in __import__("tests.dash_data", fromlist=["sample_facts"]).sample_facts()
               if f.origin == "extracted" and f.evidence).id
    at = app("pages/2_Articles.py", article=ARTICLE.id, fact=fid).run()
    assert not at.exception
    assert at.selectbox(key="article").value == ARTICLE.id
    assert at.selectbox(key="reader_fact").value == fid
    doc = at.get("iframe")[0].proto.srcdoc
    header = "".join(h.value for h in at.html)
    assert "Summit &lt;img src=x onerror=alert(1)&gt;" in header
    assert 'href="javascript:' not in header
    assert 'id="ev"' in doc and "scrollIntoView" in doc
    assert EVIL not in doc and SCRIPT not in doc
    assert "&lt;img src=x onerror=alert&#40;1&#41;&gt;" in doc


def test_data_downloads_match_table(atlas_db):
    at = app("pages/3_Data.py", country="UZB").run()
    assert not at.exception
    assert at.get("download_button")  # both buttons present
    keys = {b.proto.id for b in at.get("download_button")}
    assert any("dl_csv" in k for k in keys) and any("dl_geojson" in k for k in keys)


def test_download_contents_are_exactly_the_facts_in_the_table(atlas_db):
    """The files behind both download buttons, checked without a browser (the browser suite clicks them)."""
    at = app("pages/3_Data.py", country="UZB", type="energy").run()
    assert not at.exception
    shown = sorted(table(at)["id"])
    assert shown
    store = Store(atlas_db)
    f, frame = Filters(countries=("UZB",), types=("energy",)), load_frame(store)
    rows = list(csv.DictReader(io.StringIO(download_contents(store, f, frame, "csv")())))
    assert sorted(r["id"] for r in rows) == shown
    features = json.loads(download_contents(store, f, frame, "geojson")())["features"]
    assert sorted(feat["properties"]["id"] for feat in features) == shown


def test_filters_are_the_map_cache_key(atlas_db):
    """Equal filters reuse the built layers; any changed field builds new ones."""
    mapview._map_data.clear()
    kaz = Filters(countries=("KAZ",), since=date(2020, 1, 1))
    first = mapview.cached_map_data(kaz, "facts")
    assert mapview.cached_map_data(Filters(countries=("KAZ",), since=date(2020, 1, 1)), "facts") is first
    later = mapview.cached_map_data(Filters(countries=("KAZ",), since=date(2024, 1, 1)), "facts")
    assert later is not first
    assert sum(later.counts.values()) < sum(first.counts.values())
