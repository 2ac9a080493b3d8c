"""Timeline builders: lanes, marks, selection, aggregation at scale."""
from __future__ import annotations

import json
from datetime import date

from atlas.views import timeline
from atlas.core.labels import power_color
from atlas.views.query import load_frame
from atlas.db.store import Store
from tests.dash_data import fill_store, random_facts


def _frame(facts=None):
    s = Store("sqlite://")
    if facts is None:
        fill_store(s)
    else:
        s.bulk_insert_facts(facts)
    return load_frame(s)


def test_lane_rows_per_country_and_actor():
    fr = _frame()
    rows = timeline.lane_rows(fr, "country")
    assert set(rows.loc[rows["id"] == "gas-line-d", "lane"]) == {"Tajikistan", "Uzbekistan", "Kyrgyzstan"}
    rows = timeline.lane_rows(fr, "actor")
    # the sanctions fact names USA and RUS: one row in each of their lanes, no other lane
    assert sorted(rows.loc[rows["id"] == "kaz-sanctions-2023", "lane"]) == ["Russian Federation", "United States"]


def test_chart_has_points_bars_and_selection():
    spec = timeline.timeline_chart(_frame()).to_dict()
    text = json.dumps(spec)
    assert '"name": "window"' in text and '"interval"' in text
    marks = {json.dumps(layer.get("mark")) for layer in spec["layer"]}
    assert any("bar" in m for m in marks) and any("point" in m for m in marks)


def test_chart_aggregates_at_scale():
    fr = _frame(random_facts(5000))
    spec = timeline.timeline_chart(fr).to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert len(rows) < 5000 and "facts" in rows[0]
    assert len(json.dumps(spec)) < 500_000


def test_window_from_selection():
    ev = {"selection": {"window": {"start": [1577836800000, 1609372800000]}}}
    assert timeline.window_from_selection(ev) == (date(2020, 1, 1), date(2020, 12, 31))
    assert timeline.window_from_selection({"selection": {"window": {"start": ["2021-02-01", "2020-01-01"]}}}) == (
        date(2020, 1, 1), date(2021, 2, 1))
    assert timeline.window_from_selection({"selection": {}}) is None
    assert timeline.window_from_selection(None) is None


def test_short_events_are_points_and_legend_lists_shown_types_only():
    from atlas.core.models import Fact

    facts = [Fact(id="summit", type="diplomacy", title="Two-day summit", date_start=date(2023, 5, 18),
                  date_end=date(2023, 5, 19), date_precision="day", origin="curated", countries=("KAZ",),
                  actors=("CHN", "RUS")),
             Fact(id="base", type="security", title="Base since 1992", date_start=date(1992, 1, 1),
                  date_end=date(2025, 1, 1), date_precision="year", origin="curated", countries=("TJK",),
                  actors=("RUS",))]
    spec = timeline.timeline_chart(_frame(facts)).to_dict()
    rows = {r["id"]: r for r in next(iter(spec["datasets"].values()))}
    # Altair writes a missing date as "", which Vega-Lite's date parsing reads as null.
    assert not rows["summit"]["bar_end"] and rows["summit"]["end"]  # a point; its end stays in the tooltip
    assert rows["base"]["bar_end"]
    # Colour = first outside power, in the map's colours; shape = fact type; only those shown.
    scales = [layer["encoding"]["color"]["scale"] for layer in spec["layer"]]
    assert all(sc["domain"] == ["China", "Russian Federation"] for sc in scales)
    assert all(sc["range"] == [power_color("CHN"), power_color("RUS")] for sc in scales)
    assert rows["summit"]["power"] == "China"  # a fact naming several powers: the first one
    shapes = [layer["encoding"]["shape"] for layer in spec["layer"] if "shape" in layer["encoding"]]
    assert [sh["scale"]["domain"] for sh in shapes] == [["diplomacy", "security"]]
    assert shapes[0]["legend"] is None  # explained by timeline.SHAPE_NOTE under the chart
    assert spec["height"] >= 2 * 38 + timeline.legend_height(2)  # room for every legend row
