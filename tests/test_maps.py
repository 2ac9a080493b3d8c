"""atlas/views/maplayers.py and atlas/views/maps.py as plain Python: layers, escaping, offline assets, scale path."""
from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from atlas.views import maplayers, maps
from atlas.sources.files import BOUNDARIES, load_boundaries
from atlas.views.query import Filters, apply_filters, load_frame
from atlas.db.store import Store
from atlas.core.webassets import asset_urls, walk
from benchmarks.naive_map import build_map_naive, shown_fact_ids
from tests.dash_data import EVIL, SCRIPT, fill_store, random_facts


@pytest.fixture(scope="module")
def boundaries():
    return load_boundaries(BOUNDARIES)


@pytest.fixture
def frame():
    s = Store("sqlite://")
    fill_store(s)
    return apply_filters(load_frame(s), Filters(reviews=("accepted", "pending")))


def big_frame(n: int):
    s = Store("sqlite://")
    s.bulk_insert_facts(random_facts(n))
    return load_frame(s)


def test_layers_present_by_name(frame, boundaries):
    m = maps.build_map(frame, boundaries)
    layers = maps.layers_by_name(m)
    assert set(layers) == set(maplayers.LAYER_NAMES)
    assert {f["properties"]["id"] for f in layers[maplayers.LAYER_ROUTES].data["features"]} == {"gas-line-d"}
    assert {f["properties"]["id"] for f in layers[maplayers.LAYER_PRESSURE].data["features"]} == {"kaz-sanctions-2023"}
    assert "summit-xian-2023" in {f["properties"]["id"] for f in layers[maplayers.LAYER_EVENTS].data["features"]}
    iso = {f["properties"]["iso_a3"] for f in layers[maplayers.LAYER_COUNTRIES].data["features"]}
    assert {"KAZ", "KGZ", "TJK", "TKM", "UZB"} <= iso
    assert any(type(c).__name__ == "LayerControl" for c in m._children.values())


def test_features_carry_only_small_properties(frame, boundaries):
    data = maplayers.map_data(frame, boundaries)
    for f in data.events["features"] + data.pressure["features"]:
        assert set(f["properties"]) - {"more"} == {"id", "title", "type", "origin", "date", "power", "year"}
        assert all(len(str(c).split(".")[-1]) <= 4 for c in f["geometry"]["coordinates"])
    assert set(data.routes["features"][0]["properties"]) - {"more"} == {"id", "title", "type", "origin", "date",
                                                                         "status", "power", "year"}


def test_tooltips_escaped_and_nothing_live(frame, boundaries):
    m = maps.build_map(frame, boundaries, measure="leading")
    html = m.get_root().render()
    assert EVIL not in html and SCRIPT not in html
    assert "<img src=x" not in html and "<script>alert" not in html
    layers = maps.layers_by_name(m)
    titles = {f["properties"]["id"]: f["properties"]["title"] for f in layers[maplayers.LAYER_EVENTS].data["features"]}
    assert titles["summit-xian-2023"] == "Xi&#x27;an summit &lt;img src=x onerror=alert(1)&gt;"
    # the JSON embedded in scripts cannot close the script tag either
    assert "</script><" not in html.replace("</script>\n<", "")


def test_no_external_urls(frame, boundaries):
    for m in (maps.build_map(frame, boundaries), build_map_naive(frame)):
        urls = asset_urls(m)
        assert urls and all(u.startswith("/app/static/") for u in urls), urls
        html = m.get_root().render()
        assert not re.search(r"<script[^>]+src=[\"']https?://", html)
        assert not re.search(r"<link[^>]+href=[\"']https?://", html)
        assert not any(type(e).__name__ == "ColorMap" or "colormap" in type(e).__module__ for e in walk(m))


def test_online_tiles_only_when_asked(frame, boundaries):
    assert "openstreetmap" not in maps.build_map(frame, boundaries).get_root().render().lower()
    assert "tile.openstreetmap.org" in maps.build_map(frame, boundaries, tiles=True).get_root().render()


def test_scalable_path_shows_same_ids_as_naive(frame, boundaries):
    scalable = shown_fact_ids(maps.build_map(frame, boundaries))
    naive = shown_fact_ids(build_map_naive(frame))
    assert scalable == naive
    located = set(frame.loc[frame["lon"].notna(), "id"])
    assert scalable == located and "uzb-no-geo" not in scalable


def test_same_ids_on_random_small_frame(boundaries):
    fr = big_frame(400)
    assert shown_fact_ids(maps.build_map(fr, boundaries)) == shown_fact_ids(build_map_naive(fr))


def test_aggregation_above_threshold(boundaries):
    fr = big_frame(6000)
    data = maplayers.map_data(fr, boundaries)
    assert maplayers.LAYER_EVENTS in data.aggregated and maplayers.LAYER_PRESSURE in data.aggregated
    cells = data.events["features"] + data.pressure["features"]
    assert all(set(c["properties"]) == {"n"} for c in cells)
    assert len(data.events["features"]) <= maplayers.MAX_CELLS
    assert sum(c["properties"]["n"] for c in cells) == data.counts[maplayers.LAYER_EVENTS] + data.counts[maplayers.LAYER_PRESSURE]
    assert maplayers.CELL_TOOLTIP.format(n=3) == "3 facts — zoom in or narrow the filters"
    small = maplayers.map_data(fr.head(500), boundaries)
    assert not small.aggregated


def test_routes_aggregate_above_route_limit(boundaries):
    fr = big_frame(3000)  # every 20th is a line: 150 lines
    data = maplayers.map_data(fr, boundaries, route_limit=100)
    assert maplayers.LAYER_ROUTES in data.aggregated
    assert sum(c["properties"]["n"] for c in data.routes["features"]) == 150


def test_grid_cells_bounded():
    import numpy as np

    rng = np.random.default_rng(0)
    lon, lat = rng.uniform(50, 90, 50000), rng.uniform(35, 55, 50000)
    cells = maplayers.grid_cells(lon, lat, max_cells=2500)
    assert len(cells) <= 2500 and sum(n for *_, n in cells) == 50000
    assert maplayers.grid_cells(np.array([60.0]), np.array([40.0])) == [(60.0, 40.0, 1)]


def test_map_payload_small_at_scale(boundaries):
    fr = big_frame(20000)
    m = maps.build_map(fr, boundaries)
    html = m.get_root().render()
    assert len(html) < 2_000_000


def test_measures_and_legend(frame, boundaries):
    lead = maplayers.map_data(frame, boundaries, measure="leading")
    assert "China (CHN)" in lead.legend_html
    kaz = next(f for f in lead.countries["features"] if f["properties"]["iso_a3"] == "KAZ")
    assert kaz["properties"]["label"].startswith("Leading outside power: China")
    count = maplayers.map_data(frame, boundaries, measure="facts")
    kaz = next(f for f in count.countries["features"] if f["properties"]["iso_a3"] == "KAZ")
    assert kaz["properties"]["label"] == "3 facts — click to filter"
    with pytest.raises(ValueError):
        maplayers.map_data(frame, boundaries, measure="nope")


def test_empty_frame(frame, boundaries):
    m = maps.build_map(frame.iloc[0:0], boundaries)
    assert shown_fact_ids(m) == set()
    assert json.loads(maps.layers_by_name(m)[maplayers.LAYER_COUNTRIES].data_js)["features"]


def _row(fid, ftype, actors, lon=108.94, lat=34.26, **kw):
    row = {"id": fid, "title": f"T {fid}", "type": ftype, "origin": "curated",
           "date_start": pd.Timestamp("2023-05-19"), "date_end": pd.NaT, "date_precision": "day",
           "countries": "KAZ", "actors": actors, "lon": lon, "lat": lat, "geom_type": "Point",
           "geometry": None, "geo_precision": "city", "status": None, "status_as_of": None,
           "review": None, "confidence": None, "article_id": None}
    row.update(kw)
    return row


def test_colocated_facts_stay_at_their_place_for_the_clusters():
    """Facts at one place (several curated facts at Xi'an) keep their true position: the map's
    clusters group them and open them (tests/browser/test_map_clusters.py), no ring in degrees."""
    rows = [_row(f"x{i}", t, "CHN") for i, t in enumerate(["diplomacy", "security", "finance", "sanctions"])]
    data = maplayers.map_data(pd.DataFrame(rows), {"features": []})
    feats = data.events["features"] + data.pressure["features"]
    assert len(feats) == 4
    assert {tuple(f["geometry"]["coordinates"]) for f in feats} == {(108.94, 34.26)}
    assert {f["properties"]["power"] for f in feats} == {"CHN"}


def test_point_records_carry_power_shape_year_and_first_actor():
    from atlas.views.mappoints import RECORD_FIELDS, point_records, powers_shown

    rows = [_row("a", "energy", "RUS|CHN"), _row("b", "sanctions", "USA", lon=71.4, lat=51.1),
            _row("c", "diplomacy", None, lon=69.2, lat=41.3, date_start=pd.NaT)]
    data = maplayers.map_data(pd.DataFrame(rows), {"features": []})
    recs = {r[3]: dict(zip(RECORD_FIELDS, r)) for r in point_records(
        {"events": data.events, "pressure": data.pressure, "finance": data.finance})}
    assert recs["a"]["power"] == "RUS" and recs["a"]["more"] == 1 and recs["a"]["shape"] == "energy"
    assert recs["a"]["year"] == 2023 and recs["a"]["layer"] == 0
    assert recs["b"]["layer"] == 1 and recs["b"]["more"] == 0  # sanctions: the pressure layer
    assert recs["c"]["power"] == "" and recs["c"]["year"] is None
    assert powers_shown(point_records({"events": data.events, "pressure": data.pressure})) == [
        ("RUS", 1), ("USA", 1), ("", 1)]


def test_multipoint_fact_draws_one_marker_per_site_all_opening_the_fact():
    from atlas.views.mappoints import point_records

    sites = {"type": "MultiPoint", "coordinates": [[69.28, 41.31], [71.78, 40.38], [64.42, 39.77]]}
    row = _row("P123456", "infrastructure", "WB|ADB", lon=69.28, lat=41.31, geom_type="MultiPoint",
               geometry=json.dumps(sites))
    data = maplayers.map_data(pd.DataFrame([row]), {"features": []})
    assert data.events["features"][0]["geometry"] == sites
    recs = point_records({"events": data.events})
    assert [(r[1], r[2], r[3]) for r in recs] == [(69.28, 41.31, "P123456"), (71.78, 40.38, "P123456"),
                                                   (64.42, 39.77, "P123456")]
    m = maps.map_from_data(data)
    assert shown_fact_ids(m) == {"P123456"}


def test_dataset_markers_are_capped_and_coloured_by_power():
    from atlas.sources.datasets import layer
    from atlas.core.labels import power_color

    assert layer.radius(1e12) == layer.MAX_RADIUS <= 11  # a big loan never buries the facts beside it
    assert layer.color("CHN", "power") == power_color("CHN")
