"""The map's key (outside the map), the chosen countries outlined and fitted, the chosen fact highlighted."""
from __future__ import annotations

import pytest

from atlas.views import maplayers, maps
from atlas.sources.files import BOUNDARIES, load_boundaries
from atlas.core.labels import TYPE_COLORS, power_color
from atlas.views.query import Filters, apply_filters, load_frame
from atlas.db.store import Store
from tests.dash_data import fill_store


@pytest.fixture(scope="module")
def data():
    s = Store("sqlite://")
    fill_store(s)
    frame = apply_filters(load_frame(s), Filters(reviews=("accepted", "pending")))
    return maplayers.map_data(frame, load_boundaries(BOUNDARIES))


def html(m) -> str:
    return m.get_root().render()


def test_key_explains_colours_fill_and_route_styles(data):
    key = maps.legend_html(data)
    assert all(f"{t}</span>" in key for t in TYPE_COLORS)  # one shape per fact type
    assert "filled: curated" in key and "hollow, dashed: extracted" in key
    assert "China (" in key and power_color("CHN") in key  # the powers shown, in their colours
    assert maps.POWER_KEY_NOTE in key and "Clusters" in key
    assert all(s in key for s in ("operating", "construction", "proposed", "cancelled", "dashed", "dotted"))
    assert "Number of facts" in key  # the country shading's own key


def test_no_key_or_open_layer_list_inside_the_map(data):
    page = html(maps.map_from_data(data))
    assert "atlas-legend" not in page and "Number of facts" not in page
    assert '"collapsed": true' in page


def test_chosen_countries_are_outlined_and_fitted(data):
    m = maps.map_from_data(data, countries=("TJK",))
    page = html(m)
    assert 'var ATLAS_SEL = ["TJK"]' in page
    (s, w), (n, e) = maps.country_bounds(data, ("TJK",))
    assert 36 < s < 37.5 and 40.5 < n < 41.5 and 67 < w < 68.5 and 74.5 < e < 75.5  # Tajikistan's extent
    assert f"[[{s}, {w}], [{n}, {e}]]" in page
    assert maps.country_bounds(data, ()) is None


def test_focus_fact_is_highlighted_and_escaped(data):
    page = html(maps.map_from_data(data, focus="gas-line-d"))
    assert 'var ATLAS_FOCUS = "gas-line-d"' in page
    evil = html(maps.map_from_data(data, focus='"</script><script>alert(1)//'))
    assert "</script><script>alert(1)" not in evil


def test_one_colour_per_power_on_map_timeline_and_charts():
    """power_color is the one source: the map's key, the trends/Countries charts and a fallback
    for powers without a fixed colour agree, and lenders have fixed colours of their own."""
    import pandas as pd

    from atlas.core.labels import POWER_COLORS
    from atlas.views.trends import OTHER, actor_colors

    lenders = ("WB", "ADB", "AIIB", "EBRD", "EIB", "EDB", "ISDB")
    assert all(code in POWER_COLORS for code in lenders)
    assert len({POWER_COLORS[c] for c in POWER_COLORS}) == len(POWER_COLORS)  # no two share a colour
    counts = pd.DataFrame({"period": [pd.Timestamp("2020-01-01")] * 3, "key": ["CHN", "XYZ", OTHER],
                           "label": ["China", "XYZ", OTHER], "facts": [2, 1, 1]})
    colors = actor_colors(counts)
    assert colors["China"] == power_color("CHN") and colors["XYZ"] == power_color("XYZ")
    assert power_color("xyz") == power_color("XYZ") != power_color("XYY")
