"""AppTest behaviour of the analyst's pieces: Countries page, Search box, empty state, trust choice."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.helpers import PAGE_TIMEOUT as TIMEOUT, app, metric, qp  # atlas_db: tests/conftest.py
from ui.search import NO_HITS
from ui.views import NO_MATCH

ROOT = Path(__file__).resolve().parents[1]


def test_countries_page_shows_the_country_of_the_url(atlas_db):  # noqa: F811
    at = app("pages/6_Countries.py", country="KAZ").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="profile_country").value == "KAZ"
    assert at.main.header[0].value == "Kazakhstan"
    assert metric(at, "Facts") == "3" and metric(at, "Leading outside power") == "China"
    charts = [c for c in at.main.get("vega_lite_chart")]
    assert len(charts) == 2  # by power, by type
    key_facts = next(d.value for d in at.dataframe if "origin" in d.value.columns)
    assert set(key_facts["id"]) == {"summit-xian-2023", "kaz-sanctions-2023"} | {
        i for i in key_facts["id"] if i.startswith("x-")}
    assert all(u.startswith("./?") and "country=KAZ" in u and "fact=" in u for u in key_facts["map"])


def test_countries_page_choice_sets_the_shared_filter(atlas_db):  # noqa: F811
    at = app("pages/6_Countries.py").run()
    assert not at.exception and at.selectbox(key="profile_country").value is None
    at.selectbox(key="profile_country").set_value("TJK").run()
    assert not at.exception
    assert qp(at, "country") == ["TJK"] and at.multiselect(key="f_countries").value == ["TJK"]
    assert at.main.header[0].value == "Tajikistan"
    routes = next(d.value for d in at.dataframe if "status" in d.value.columns)
    assert routes["id"].tolist() == ["gas-line-d"]


def test_search_box_is_on_every_page_and_in_the_url(atlas_db):  # noqa: F811
    for page in ("pages/0_Map.py", "pages/1_Timeline.py", "pages/3_Data.py", "pages/6_Countries.py",
                 "pages/5_Review.py"):
        at = app(page, q="Line D").run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert at.text_input(key="q").label == "Search" and at.text_input(key="q").value == "Line D"
        assert at.button(key="search_hit_0").label.startswith("Central Asia")  # escaped title, markdown-safe


def test_search_result_opens_the_fact_on_the_map(atlas_db):  # noqa: F811
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT).run()
    at.switch_page("pages/1_Timeline.py").run()
    at.multiselect(key="f_countries").set_value(["UZB"]).run()
    at.text_input(key="q").set_value("Line D").run()
    assert qp(at, "q") == ["Line D"]
    at.button(key="search_hit_0").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Central Asia Influence Atlas"  # the Map page
    assert at.session_state["fact"] == "gas-line-d" and qp(at, "fact") == ["gas-line-d"]
    assert qp(at, "country") == ["UZB"]  # filters kept
    assert "Line D" in "".join(h.value for h in at.html)  # the detail panel


def test_search_without_hits_says_so(atlas_db):  # noqa: F811
    at = app("pages/3_Data.py", q="zzzyzx").run()
    assert any(c.value == NO_HITS for c in at.sidebar.caption)


def test_empty_result_explains_and_resets(atlas_db):  # noqa: F811
    at = app("pages/3_Data.py", country="TKM", type="energy").run()
    assert metric(at, "Facts shown") == "0"
    assert any(i.value == NO_MATCH for i in at.info)
    at.button(key="reset_filters").click().run()
    assert not at.exception
    assert metric(at, "Facts shown") == "5" and "country" not in at.query_params


def test_timeline_shows_counts_by_power_for_the_filters(atlas_db):  # noqa: F811
    at = app("pages/1_Timeline.py", country="KAZ").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(s.value == "Facts per period by outside power" for s in at.main.subheader)
    charts = at.main.get("vega_lite_chart")
    assert len(charts) == 2  # the lanes and the counts
    counts = charts[1].proto.spec + "".join(d.data.data.decode("utf-8", "replace") if hasattr(d.data, "data") else ""
                                            for d in charts[1].proto.datasets)
    assert "China" in counts and "European Union" not in counts  # KAZ's powers only (the EU fact is UZB's)
    at.radio(key="period").set_value("month").run()
    assert qp(at, "period") == ["month"] and not at.exception
