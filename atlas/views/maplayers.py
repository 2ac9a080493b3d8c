"""The map's layer data: pure functions from a fact frame to small GeoJSON dicts.

Layers (LayerControl names are pinned by tests):

* ``Countries`` – the offline country polygons, the five states shaded by a measure
  (number of facts, or the leading outside power);
* ``Events`` – point-like facts (a MultiPoint fact: one marker per site), coloured by their
  first outside power, shaped by fact type; curated filled, extracted hollow;
* ``Routes`` – LineString facts (pipelines, railways), dash pattern by status;
* ``Sanctions & trade pressure`` – facts of type sanctions and trade (non-line).

Scale: each layer's features carry only ``id, title, type, origin, date, power, year``
(+ ``more`` when several powers, ``status`` for routes); the map ships the point layers as
compact records (:mod:`atlas.views.mappoints`). Above :data:`POINT_LIMIT` individual points (after filtering) the points
are aggregated server-side into at most :data:`MAX_CELLS` grid cells; above
:data:`ROUTE_LIMIT` lines, routes too. Coordinates are rounded to 4 decimals.

Every string from data is HTML-escaped here, because the map's JS inserts properties
into tooltips as HTML. Drawing these layers with folium is :mod:`atlas.views.maps`.
Nothing here imports folium or streamlit.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ..sources.datasets.layer import finance_shading
from ..sources.datasets import layer as finance_layer
from ..core.geometry import REGION_BOUNDS as REGION_BOX, positions
from ..core.labels import actor_label, first_power, power_color, short_date
from ..core.markup import esc
from ..core.models import CENTRAL_ASIA
from .countryyears import country_years
from .mappoints import POINT_LAYERS, point_records
from .query import facts_per_country, leading_actor

LAYER_COUNTRIES = "Countries"
LAYER_EVENTS = "Events"
LAYER_ROUTES = "Routes"
LAYER_PRESSURE = "Sanctions & trade pressure"
LAYER_FINANCE = "Published datasets (AidData, World Bank, OFAC)"  # atlas.sources.datasets.layer.LAYER_NAME
LAYER_NAMES = (LAYER_COUNTRIES, LAYER_EVENTS, LAYER_ROUTES, LAYER_PRESSURE, LAYER_FINANCE)

MEASURES = {"facts": "Number of facts", "leading": "Leading outside power",
            "finance": "Finance committed (USD)"}  # published-dataset records, linked groups counted once
PRESSURE_TYPES = ("sanctions", "trade")
LINE_TYPES = ("LineString", "MultiLineString")

POINT_LIMIT = 2500  # individual point facts shown; above this, grid cells
ROUTE_LIMIT = 1000  # individual lines shown; above this, grid cells of their midpoints
MAX_CELLS = 2500
# When the browser fetches the points as a resource and clusters them itself (atlas.views.pointdata),
# every fact is drawn; cells only past these (a guard for the browser's memory, ~1 KB a marker).
WHOLE_POINT_LIMIT = 400_000
WHOLE_ROUTE_LIMIT = 50_000
CELL_TOOLTIP = "{n} facts — zoom in or narrow the filters"

ROUTE_DASH = {"operating": None, "completed": None, "construction": "8 6", "proposed": "2 6",
              "suspended": None, "cancelled": "4 4"}
ROUTE_GREY = ("suspended", "cancelled")
COUNT_COLORS = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
NO_DATA_COLOR = "#e8e8e8"
OUTSIDE_COLOR = "#f6f4ef"

REGION_BOUNDS = [[REGION_BOX[1], REGION_BOX[0]], [REGION_BOX[3], REGION_BOX[2]]]  # south-west, north-east (lat, lon)
# Facts inside this window widen the first view (Xi'an, Wuqia); farther ones (Moscow,
# Delhi, New York, Brussels) would shrink the region to a speck, so they stay off-screen.
VIEW_WINDOW = [[30.0, 40.0], [58.0, 112.0]]


def view_bounds(data: "MapData") -> list[list[float]]:
    """The region plus every drawn fact that lies inside :data:`VIEW_WINDOW`.

    >>> fc = {"type": "FeatureCollection", "features": [
    ...     {"type": "Feature", "geometry": {"type": "Point", "coordinates": [108.94, 34.26]}, "properties": {"id": "a"}},
    ...     {"type": "Feature", "geometry": {"type": "Point", "coordinates": [-74.0, 40.7]}, "properties": {"id": "b"}}]}
    >>> view_bounds(MapData({}, fc, _fc([]), _fc([]), "", "facts"))
    [[34.26, 46.0], [56.0, 108.94]]
    """
    (s, w), (n, e) = REGION_BOUNDS
    (ws, ww), (wn, we) = VIEW_WINDOW
    finance = POINT_LAYERS.index("finance")  # dataset records do not widen the first view
    places = [(r[1], r[2]) for r in data.rows() if r[0] != finance and r[1] is not None]
    places += [p for feat in data.routes.get("features", []) for p in positions(feat["geometry"])]
    for lon, lat in places:
        if ws <= lat <= wn and ww <= lon <= we:
            s, w, n, e = min(s, lat), min(w, lon), max(n, lat), max(e, lon)
    return [[s, w], [n, e]]


@dataclass(frozen=True)
class MapData:
    """Everything the map shows, as small GeoJSON dicts; build once, draw many times."""

    countries: dict
    events: dict
    routes: dict
    pressure: dict
    legend_html: str
    measure: str
    aggregated: tuple[str, ...] = ()  # names of layers shown as grid cells
    unlocated: int = 0  # filtered facts without a geometry (not on the map)
    counts: Mapping[str, int] = field(default_factory=dict)  # facts per layer
    finance: dict = field(default_factory=lambda: _fc([]))  # dataset records (atlas.sources.datasets.layer)
    point_rows: list | None = None  # events, pressure and finance as compact records, made once (point_rows())
    country_years: dict | None = None  # the states' shading at each year (atlas.views.countryyears)

    def rows(self) -> list[list]:
        """Every point as a compact record (:func:`atlas.views.mappoints.point_records`)."""
        if self.point_rows is not None:
            return self.point_rows
        return point_records({"events": self.events, "pressure": self.pressure, "finance": self.finance})


def _fc(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": features}


def _year(ts: Any) -> int | None:
    return None if ts is None or pd.isna(ts) else int(ts.year)


def _point_geometry(geom_type: Any, geom: Any, lon: float, lat: float) -> dict:
    """A Point at (lon, lat), or the fact's own MultiPoint (World Bank sites): one marker per point."""
    if geom_type == "MultiPoint" and geom is not None:
        g = json.loads(geom) if isinstance(geom, str) else geom
        pts = [c for c in (g.get("coordinates") or []) if isinstance(c, (list, tuple)) and len(c) >= 2]
        if pts:
            return {"type": "MultiPoint", "coordinates": [_round_coords(c) for c in pts]}
    return {"type": "Point", "coordinates": [round(float(lon), 4), round(float(lat), 4)]}


def _point_columns(df: pd.DataFrame) -> dict[str, list]:
    """The point layers' values, a column at a time, values that repeat (types, dates, actor
    lists) worked out once each: at 100,000 facts this ran a second and a half row by row."""
    n = len(df)
    starts = df["date_start"]
    actors = df["actors"].tolist()
    return {
        "id": df["id"].tolist(),
        "gtype": df["geom_type"].tolist() if "geom_type" in df.columns else [None] * n,
        "geom": df["geometry"].tolist() if "geometry" in df.columns else [None] * n,
        "lon": np.round(df["lon"].to_numpy(dtype=float), 4).tolist(),
        "lat": np.round(df["lat"].to_numpy(dtype=float), 4).tolist(),
        "title": [esc(t) for t in df["title"].tolist()],
        "type": _escaped_column(df["type"]), "origin": _escaped_column(df["origin"]),
        "date": short_dates(starts, df["date_precision"]),
        "power": _memo_column(actors, lambda a: esc(first_power(a))),
        "year": [None if y != y else int(y) for y in starts.dt.year.tolist()],  # y != y: NaN (no date)
        "more": [isinstance(a, str) and "|" in a for a in actors],
    }


def short_dates(starts: pd.Series, precision: pd.Series) -> list[str]:
    """:func:`atlas.core.labels.short_date` for whole columns (Timestamps one by one cost most
    of the map's data at 100,000 facts).

    >>> short_dates(pd.Series(pd.to_datetime(["2023-05-19", "2023-05-19", None, "2001-01-02"])),
    ...             pd.Series(["day", "month", "day", "year"]))
    ['2023-05-19', '2023-05', '', '2001']
    """
    full = pd.Series(pd.to_datetime(starts).dt.strftime("%Y-%m-%d"), index=starts.index).fillna("")
    prec = precision.astype(object).to_numpy()
    out = np.where(prec == "year", full.str[:4], np.where(prec == "month", full.str[:7], full))
    return out.tolist()


def _geometry_at(c: dict[str, list], k: int) -> dict:
    if c["gtype"][k] == "MultiPoint":
        return _point_geometry("MultiPoint", c["geom"][k], c["lon"][k], c["lat"][k])
    return {"type": "Point", "coordinates": [c["lon"][k], c["lat"][k]]}


def _point_features(df: pd.DataFrame) -> list[dict]:
    """Point facts at their true place; the map clusters markers that come too close (atlas.views.maps)."""
    if not len(df):
        return []
    c = _point_columns(df)
    out = []
    for k, fid in enumerate(c["id"]):
        props = {"id": fid, "title": c["title"][k], "type": c["type"][k], "origin": c["origin"][k],
                 "date": c["date"][k], "power": c["power"][k], "year": c["year"][k]}
        if c["more"][k]:
            props["more"] = 1
        out.append({"type": "Feature", "geometry": _geometry_at(c, k), "properties": props})
    return out


def _point_rows(df: pd.DataFrame, layer: int) -> list[list]:
    """The same facts straight as compact records (:func:`atlas.views.mappoints.point_records`
    of :func:`_point_features`, without making the features first)."""
    if not len(df):
        return []
    c = _point_columns(df)
    out = []
    for k, fid in enumerate(c["id"]):
        rest = [fid, c["title"][k], c["type"][k], c["type"][k], c["origin"][k], c["date"][k], c["power"][k],
                c["year"][k], 0, "", 0, 1, 1 if c["more"][k] else 0]
        if c["gtype"][k] == "MultiPoint":
            out.extend([layer, lon, lat, *rest] for lon, lat in _geometry_at(c, k)["coordinates"])
        else:
            out.append([layer, c["lon"][k], c["lat"][k], *rest])
    return out


def _memo_column(values: Any, fn: Any) -> list:
    """``[fn(v) for v in values]`` with ``fn`` run once per distinct (hashable) value."""
    seen: dict = {}
    out = []
    for v in values:
        try:
            got = seen[v]
        except KeyError:
            got = seen[v] = fn(v)
        except TypeError:  # unhashable (a list of actors): no memo
            got = fn(v)
        out.append(got)
    return out


def _escaped_column(col: pd.Series) -> list[str]:
    return _memo_column(col.tolist(), esc)


def _round_coords(coords: Any) -> Any:
    if isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], (int, float)):
        return [round(float(c), 4) for c in coords[:2]]
    return [_round_coords(c) for c in coords]


def _line_features(df: pd.DataFrame) -> list[dict]:
    out = []
    cols = zip(df["id"], df["title"], df["type"], df["origin"], df["date_start"], df["date_precision"],
               df["geometry"], df["status"], df["actors"])
    for fid, title, ftype, origin, ds, prec, geom, status, actors in cols:
        g = json.loads(geom) if isinstance(geom, str) else geom
        out.append({
            "type": "Feature",
            "geometry": {"type": g["type"], "coordinates": _round_coords(g["coordinates"])},
            "properties": {"id": fid, "title": esc(title), "type": esc(ftype), "origin": esc(origin),
                           "date": short_date(ds, prec), "status": esc(status if isinstance(status, str) else ""),
                           "power": esc(first_power(actors)), "year": _year(ds)},
        })
    return out


def grid_cells(lon: np.ndarray, lat: np.ndarray, max_cells: int = MAX_CELLS) -> list[tuple[float, float, int]]:
    """Aggregate points into at most ``max_cells`` square cells: (mean lon, mean lat, count).

    >>> grid_cells(np.array([60.0, 60.0, 70.0]), np.array([40.0, 40.0, 45.0]), max_cells=4)
    [(60.0, 40.0, 2), (70.0, 45.0, 1)]
    """
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    if len(lon) == 0:
        return []
    x0, y0 = float(lon.min()), float(lat.min())
    w = max(float(lon.max()) - x0, 1e-9)
    h = max(float(lat.max()) - y0, 1e-9)
    size = math.sqrt(w * h / max_cells)
    while (math.floor(w / size) + 1) * (math.floor(h / size) + 1) > max_cells:
        size *= 1.05
    nx = math.floor(w / size) + 1
    ix = np.floor((lon - x0) / size).astype(np.int64)
    iy = np.floor((lat - y0) / size).astype(np.int64)
    key = iy * nx + ix
    uniq, inv, counts = np.unique(key, return_inverse=True, return_counts=True)
    sx = np.bincount(inv, weights=lon)
    sy = np.bincount(inv, weights=lat)
    return [(round(float(sx[i] / counts[i]), 4), round(float(sy[i] / counts[i]), 4), int(counts[i]))
            for i in range(len(uniq))]


def _cell_features(df: pd.DataFrame) -> list[dict]:
    return [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [x, y]}, "properties": {"n": n}}
            for x, y, n in grid_cells(df["lon"].to_numpy(), df["lat"].to_numpy())]


def count_bins(max_count: int) -> list[int]:
    """Lower edges of the five count classes (1 .. max).

    >>> count_bins(10)
    [1, 3, 5, 7, 9]
    >>> count_bins(2)
    [1, 2]
    """
    if max_count <= 0:
        return []
    if max_count <= len(COUNT_COLORS):
        return list(range(1, max_count + 1))
    step = max_count / len(COUNT_COLORS)
    return sorted({1 + int(round(i * step)) for i in range(len(COUNT_COLORS))})


def _count_color(n: int, bins: list[int]) -> str:
    if n <= 0 or not bins:
        return NO_DATA_COLOR
    idx = max(i for i, b in enumerate(bins) if n >= b)
    # spread few classes over the palette's darker end
    return COUNT_COLORS[len(COUNT_COLORS) - len(bins) + idx]


def _country_features(frame: pd.DataFrame, boundaries: dict, measure: str) -> tuple[list[dict], str]:
    feats: list[dict] = []
    if measure == "leading":
        lead = leading_actor(frame)
        order = sorted({a for a, _ in lead.values()})
        legend_items = [(power_color(a), f"{actor_label(a)} ({a})") for a in order]
        title = MEASURES["leading"]
    elif measure == "finance":
        shade, legend_items = finance_shading(frame, NO_DATA_COLOR)
        title = MEASURES["finance"]
    else:
        counts = facts_per_country(frame)
        bins = count_bins(max(counts.values(), default=0))
        edges = bins + [max(counts.values(), default=0) + 1]
        legend_items = []
        for i, b in enumerate(bins):
            hi = edges[i + 1] - 1
            legend_items.append((_count_color(b, bins), f"{b}" if hi == b else f"{b}–{hi}"))
        title = MEASURES["facts"]
    legend_items.append((NO_DATA_COLOR, "no facts"))
    for feat in boundaries.get("features", []):
        props = feat.get("properties", {})
        iso = props.get("iso_a3", "")
        name = props.get("name", iso)
        if iso in CENTRAL_ASIA:
            if measure == "leading":
                got = lead.get(iso)
                color = power_color(got[0]) if got else NO_DATA_COLOR
                label = (f"Leading outside power: {actor_label(got[0])} ({got[1]} facts)" if got
                         else "No outside power in the filtered facts")
            elif measure == "finance":
                color, label = shade[iso]
            else:
                n = counts.get(iso, 0)
                color = _count_color(n, bins)
                label = f"{n} fact{'s' if n != 1 else ''} — click to filter"
            weight = 1.5
        else:
            color, label, weight = OUTSIDE_COLOR, "", 0.6
        feats.append({"type": "Feature", "geometry": feat["geometry"],
                      "properties": {"iso_a3": esc(iso), "name": esc(name), "label": esc(label),
                                     "fill": color, "ca": iso in CENTRAL_ASIA, "w": weight}})
    rows = "".join(
        f'<div><span style="display:inline-block;width:12px;height:12px;background:{c};'
        f'border:1px solid #999;margin-right:4px"></span>{esc(t)}</div>' for c, t in legend_items)
    legend = f'<div style="font-weight:600;margin-bottom:2px">{esc(title)}</div>{rows}'
    return feats, legend


def map_data(frame: pd.DataFrame, boundaries: dict, *, measure: str = "facts",
             point_limit: int = POINT_LIMIT, route_limit: int = ROUTE_LIMIT, finance_color: str = "power",
             point_features: bool = True) -> MapData:
    """The four layers' GeoJSON for the (already filtered) ``frame``.

    ``point_features=False`` keeps the points only as compact records (:meth:`MapData.rows`),
    not also as GeoJSON features: at 100,000 facts the features are ~75 MB of a ~95 MB MapData."""
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {', '.join(MEASURES)}, not {measure!r}")
    countries, legend = _country_features(frame, boundaries, measure)
    bins = count_bins(max(facts_per_country(frame).values(), default=0)) if measure == "facts" else []
    by_year = country_years(frame, measure, bins, COUNT_COLORS, NO_DATA_COLOR)

    finance = finance_layer.features(frame, by=finance_color)  # dataset records: their own layer
    if finance:
        legend += finance_layer.legend_html(finance_color, frame)
    frame_rest = frame[(frame["origin"] != "dataset").to_numpy()] if len(frame) else frame
    located = frame_rest[frame_rest["lon"].notna() & frame_rest["lat"].notna()] if len(frame_rest) else frame_rest
    is_line = located["geom_type"].isin(LINE_TYPES).to_numpy() if len(located) else np.zeros(0, bool)
    is_pressure = located["type"].isin(PRESSURE_TYPES).to_numpy() if len(located) else np.zeros(0, bool)
    lines = located[is_line]
    pressure = located[~is_line & is_pressure]
    events = located[~is_line & ~is_pressure]
    aggregated: list[str] = []
    if len(events) + len(pressure) > point_limit:
        ev_feats, pr_feats = _cell_features(events), _cell_features(pressure)
        aggregated += [LAYER_EVENTS, LAYER_PRESSURE]
    elif not point_features:  # records only (below): no features made
        ev_feats, pr_feats = [], []
    else:
        ev_feats, pr_feats = _point_features(events), _point_features(pressure)
    if len(lines) > route_limit:
        rt_feats = _cell_features(lines)
        aggregated.append(LAYER_ROUTES)
    else:
        rt_feats = _line_features(lines)
    ev_fc, pr_fc, fin_fc = _fc(ev_feats), _fc(pr_feats), _fc(finance)
    if point_features or LAYER_EVENTS in aggregated:  # features (or grid cells) made above
        rows = point_records({"events": ev_fc, "pressure": pr_fc, "finance": fin_fc})
    else:
        rows = _point_rows(events, 0) + _point_rows(pressure, 1) + point_records({"finance": fin_fc})
    if not point_features:
        ev_fc, pr_fc, fin_fc = _fc([]), _fc([]), _fc([])
    return MapData(
        countries=_fc(countries), events=ev_fc, routes=_fc(rt_feats), pressure=pr_fc, point_rows=rows,
        country_years=by_year,
        legend_html=legend, measure=measure, aggregated=tuple(aggregated),
        unlocated=int(len(frame_rest) - len(located)),
        counts={LAYER_EVENTS: len(events), LAYER_ROUTES: len(lines), LAYER_PRESSURE: len(pressure),
                LAYER_FINANCE: len(finance["features"] if isinstance(finance, dict) else finance)},
        finance=fin_fc,
    )
