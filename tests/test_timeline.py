"""Timeline builders: lanes, marks, selection, aggregation at scale."""
from __future__ import annotations

import json
from datetime import date

from atlas import timeline
from atlas.query import load_frame
from atlas.store import Store
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
    assert set(rows.loc[rows["id"] == "kaz-sanctions-2023", "lane"]) == {"United States", "Russian Federation"} or \
        "Russia" in " ".join(rows.loc[rows["id"] == "kaz-sanctions-2023", "lane"])


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
