"""Folium map builders: pure functions from a fact frame to a ``folium.Map``.

Layers (LayerControl names are pinned by tests):

* ``Countries`` – the offline country polygons, the five states shaded by a measure
  (number of facts, or the leading outside power);
* ``Events`` – point-like facts as circle markers coloured by type; curated filled,
  extracted hollow with a dashed outline;
* ``Routes`` – LineString facts (pipelines, railways), dash pattern by status;
* ``Sanctions & trade pressure`` – facts of type sanctions and trade (non-line).

Scale: each layer is ONE GeoJSON layer whose features carry only ``id, title, type,
origin, date`` (+ ``status`` for routes); style comes from a small JS function, not a
per-feature style. Above :data:`POINT_LIMIT` individual points (after filtering) the
points are aggregated server-side into at most :data:`MAX_CELLS` grid cells; above
:data:`ROUTE_LIMIT` lines, routes too. Coordinates are rounded to 4 decimals.

Every string from data is HTML-escaped here, because the JS inserts properties into
tooltips as HTML. Nothing here imports streamlit.
"""
from __future__ import annotations

import html
import json
import math
from dataclasses import dataclass, field
from typing import Any, Mapping

import folium
import numpy as np
import pandas as pd
from branca.element import MacroElement
from folium.template import Template
from jinja2.utils import htmlsafe_json_dumps

from .models import BLOCS, CENTRAL_ASIA
from .query import facts_per_country, leading_actor
from .webassets import offline_map

LAYER_COUNTRIES = "Countries"
LAYER_EVENTS = "Events"
LAYER_ROUTES = "Routes"
LAYER_PRESSURE = "Sanctions & trade pressure"
LAYER_NAMES = (LAYER_COUNTRIES, LAYER_EVENTS, LAYER_ROUTES, LAYER_PRESSURE)

MEASURES = {"facts": "Number of facts", "leading": "Leading outside power"}
PRESSURE_TYPES = ("sanctions", "trade")
LINE_TYPES = ("LineString", "MultiLineString")

POINT_LIMIT = 2500  # individual point facts shown; above this, grid cells
ROUTE_LIMIT = 1000  # individual lines shown; above this, grid cells of their midpoints
MAX_CELLS = 2500
CELL_TOOLTIP = "{n} facts — zoom in or narrow the filters"

TYPE_COLORS = {
    "diplomacy": "#1f77b4", "security": "#d62728", "finance": "#9467bd", "energy": "#ff7f0e",
    "infrastructure": "#2ca02c", "trade": "#8c564b", "sanctions": "#e377c2",
}
ROUTE_DASH = {"operating": None, "completed": None, "construction": "8 6", "proposed": "2 6",
              "suspended": None, "cancelled": "4 4"}
ROUTE_GREY = ("suspended", "cancelled")
COUNT_COLORS = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
ACTOR_COLORS = {"CHN": "#c0392b", "RUS": "#2e86c1", "USA": "#1a237e", "EU": "#f1c40f", "TUR": "#16a085",
                "GBR": "#7d3c98", "JPN": "#e67e22", "KOR": "#5d6d7e", "IRN": "#27ae60", "IND": "#d35400"}
OTHER_ACTOR_COLORS = ("#8e44ad", "#2c3e50", "#a04000", "#117864", "#b03a2e", "#1f618d")
NO_DATA_COLOR = "#e8e8e8"
OUTSIDE_COLOR = "#f6f4ef"

REGION_BOUNDS = [[35.0, 46.0], [55.5, 88.0]]  # south-west, north-east (lat, lon)
# Facts inside this window widen the first view (Xi'an, Wuqia); farther ones (Moscow,
# Delhi, New York, Brussels) would shrink the region to a speck, so they stay off-screen.
VIEW_WINDOW = [[30.0, 40.0], [58.0, 112.0]]


def view_bounds(data: "MapData") -> list[list[float]]:
    """The region plus every drawn fact that lies inside :data:`VIEW_WINDOW`.

    >>> fc = {"type": "FeatureCollection", "features": [
    ...     {"type": "Feature", "geometry": {"type": "Point", "coordinates": [108.94, 34.26]}, "properties": {}},
    ...     {"type": "Feature", "geometry": {"type": "Point", "coordinates": [-74.0, 40.7]}, "properties": {}}]}
    >>> view_bounds(MapData({}, fc, _fc([]), _fc([]), "", "facts"))
    [[34.26, 46.0], [55.5, 108.94]]
    """
    (s, w), (n, e) = REGION_BOUNDS
    (ws, ww), (wn, we) = VIEW_WINDOW
    for fc in (data.events, data.routes, data.pressure):
        for feat in fc.get("features", []):
            for lon, lat in _positions(feat["geometry"]):
                if ws <= lat <= wn and ww <= lon <= we:
                    s, w, n, e = min(s, lat), min(w, lon), max(n, lat), max(e, lon)
    return [[s, w], [n, e]]


def _positions(geometry: dict) -> list:
    coords = geometry["coordinates"]
    if geometry["type"] == "Point":
        return [coords]
    if geometry["type"] == "LineString":
        return coords
    return [p for part in coords for p in part] if geometry["type"] == "MultiLineString" else []


def esc(value: Any) -> str:
    """HTML-escape any value for insertion as HTML (None → '')."""
    return "" if value is None else html.escape(str(value), quote=True)


def actor_label(code: str) -> str:
    """Name of an outside power or bloc: ``CHN`` → ``China``."""
    if code in BLOCS:
        return BLOCS[code]
    try:
        import pycountry

        c = pycountry.countries.get(alpha_3=code)
    except (ImportError, LookupError, KeyError):
        c = None
    return (getattr(c, "common_name", None) or c.name) if c else code


def short_date(ts: Any, precision: Any) -> str:
    """``2023-05-19`` / ``2023-05`` / ``2023`` by precision; '' when unknown."""
    if ts is None or pd.isna(ts):
        return ""
    if precision == "year":
        return f"{ts.year:04d}"
    if precision == "month":
        return f"{ts.year:04d}-{ts.month:02d}"
    return f"{ts.year:04d}-{ts.month:02d}-{ts.day:02d}"


# -- layer data (pure, cacheable) ------------------------------------------------------

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


def _fc(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": features}


SPREAD_STEP_DEG = 0.22  # spacing of markers on a ring, ~ one marker width at zoom 5


def spread_colocated(ids: list[str], lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Move facts that share a position onto a small ring around it, so each can be clicked.

    Returns new lon, lat and how many facts share each position (1 = not moved). Order
    on the ring follows the fact id, so positions are stable across reruns.

    >>> lo, la, n = spread_colocated(["a", "b", "c"], np.array([70.0, 70.0, 60.0]), np.array([40.0, 40.0, 41.0]))
    >>> n.tolist(), float(lo[2]), float(la[2]), bool(lo[0] != lo[1] or la[0] != la[1])
    ([2, 2, 1], 60.0, 41.0, True)
    """
    lon, lat = np.asarray(lon, dtype=float).copy(), np.asarray(lat, dtype=float).copy()
    shared = np.ones(len(lon), dtype=np.int64)
    groups: dict[tuple[float, float], list[int]] = {}
    for i, key in enumerate(zip(np.round(lon, 3), np.round(lat, 3))):
        groups.setdefault(key, []).append(i)
    for members in groups.values():
        n = len(members)
        if n == 1:
            continue
        members.sort(key=lambda i: ids[i])
        radius = max(SPREAD_STEP_DEG, SPREAD_STEP_DEG * n / (2 * math.pi))
        cx, cy = lon[members[0]], lat[members[0]]
        squash = max(math.cos(math.radians(cy)), 0.2)  # keep the ring round on the map
        for k, i in enumerate(members):
            angle = 2 * math.pi * k / n
            lon[i] = cx + radius * math.sin(angle) / squash
            lat[i] = cy + radius * math.cos(angle)
            shared[i] = n
    return lon, lat, shared


def _point_features(df: pd.DataFrame) -> list[dict]:
    out = []
    ids = df["id"].tolist()
    lons, lats, shared = spread_colocated(ids, df["lon"].to_numpy(), df["lat"].to_numpy())
    cols = zip(ids, df["title"], df["type"], df["origin"], df["date_start"], df["date_precision"],
               lons, lats, shared)
    for fid, title, ftype, origin, ds, prec, lon, lat, n in cols:
        props = {"id": fid, "title": esc(title), "type": esc(ftype), "origin": esc(origin),
                 "date": short_date(ds, prec)}
        if n > 1:
            props["near"] = int(n)  # drawn beside its true position, which it shares with n-1 others
        out.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(float(lon), 4), round(float(lat), 4)]},
            "properties": props,
        })
    return out


def _round_coords(coords: Any) -> Any:
    if isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], (int, float)):
        return [round(float(c), 4) for c in coords[:2]]
    return [_round_coords(c) for c in coords]


def _line_features(df: pd.DataFrame) -> list[dict]:
    out = []
    cols = zip(df["id"], df["title"], df["type"], df["origin"], df["date_start"], df["date_precision"],
               df["geometry"], df["status"])
    for fid, title, ftype, origin, ds, prec, geom, status in cols:
        g = json.loads(geom) if isinstance(geom, str) else geom
        out.append({
            "type": "Feature",
            "geometry": {"type": g["type"], "coordinates": _round_coords(g["coordinates"])},
            "properties": {"id": fid, "title": esc(title), "type": esc(ftype), "origin": esc(origin),
                           "date": short_date(ds, prec), "status": esc(status if isinstance(status, str) else "")},
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


def _actor_color(code: str, order: list[str]) -> str:
    if code in ACTOR_COLORS:
        return ACTOR_COLORS[code]
    return OTHER_ACTOR_COLORS[order.index(code) % len(OTHER_ACTOR_COLORS)] if code in order else "#777777"


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
        legend_items = [(_actor_color(a, order), f"{actor_label(a)} ({a})") for a in order]
        title = MEASURES["leading"]
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
                color = _actor_color(got[0], order) if got else NO_DATA_COLOR
                label = (f"Leading outside power: {actor_label(got[0])} ({got[1]} facts)" if got
                         else "No outside power in the filtered facts")
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
             point_limit: int = POINT_LIMIT, route_limit: int = ROUTE_LIMIT) -> MapData:
    """The four layers' GeoJSON for the (already filtered) ``frame``."""
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {', '.join(MEASURES)}, not {measure!r}")
    countries, legend = _country_features(frame, boundaries, measure)
    located = frame[frame["lon"].notna() & frame["lat"].notna()] if len(frame) else frame
    is_line = located["geom_type"].isin(LINE_TYPES).to_numpy() if len(located) else np.zeros(0, bool)
    is_pressure = located["type"].isin(PRESSURE_TYPES).to_numpy() if len(located) else np.zeros(0, bool)
    lines = located[is_line]
    pressure = located[~is_line & is_pressure]
    events = located[~is_line & ~is_pressure]
    aggregated: list[str] = []
    if len(events) + len(pressure) > point_limit:
        ev_feats, pr_feats = _cell_features(events), _cell_features(pressure)
        aggregated += [LAYER_EVENTS, LAYER_PRESSURE]
    else:
        # Spread over both layers at once: a sanctions fact and a summit in Astana share a spot.
        feats = _point_features(pd.concat([events, pressure]))
        ev_feats, pr_feats = feats[:len(events)], feats[len(events):]
    if len(lines) > route_limit:
        rt_feats = _cell_features(lines)
        aggregated.append(LAYER_ROUTES)
    else:
        rt_feats = _line_features(lines)
    return MapData(
        countries=_fc(countries), events=_fc(ev_feats), routes=_fc(rt_feats), pressure=_fc(pr_feats),
        legend_html=legend, measure=measure, aggregated=tuple(aggregated),
        unlocated=int(len(frame) - len(located)),
        counts={LAYER_EVENTS: len(events), LAYER_ROUTES: len(lines), LAYER_PRESSURE: len(pressure)},
    )


# -- folium elements ------------------------------------------------------------------

_JS_COMMON = """
var ATLAS_COLORS = %(colors)s;
var ATLAS_DASH = %(dash)s;
var ATLAS_GREY = %(grey)s;
function atlasCellRadius(n) { return Math.min(30, 6 + 3 * Math.log2(n)); }
function atlasTip(p) {
  if (p.n) { return %(cell_tip)s.replace('{n}', p.n); }
  var extra = p.status ? ' · ' + p.status : '';
  var near = p.near ? '<br><i>drawn beside its place, shared with ' + (p.near - 1) + ' other fact(s)</i>' : '';
  return '<b>' + p.title + '</b><br>' + p.date + ' · ' + p.type + extra + ' · ' + p.origin + near;
}
"""

STYLE_JS = {
    "countries": """function(f) { var p = f.properties;
        return {color: p.ca ? '#555' : '#bbb', weight: p.w, fillColor: p.fill,
                fillOpacity: p.ca ? 0.75 : 0.6, opacity: 1}; }""",
    "routes": """function(f) { var p = f.properties;
        var grey = ATLAS_GREY.indexOf(p.status) >= 0;
        return {color: grey ? '#9e9e9e' : (ATLAS_COLORS[p.type] || '#444'), weight: p.origin === 'curated' ? 4 : 3,
                opacity: 0.9, dashArray: ATLAS_DASH[p.status] || null}; }""",
}

POINT_JS = """function(f, latlng) { var p = f.properties;
    if (p.n) { return L.circleMarker(latlng, {radius: atlasCellRadius(p.n), color: '%(cell)s', weight: 1,
                                              fillColor: '%(cell)s', fillOpacity: 0.45}); }
    var c = ATLAS_COLORS[p.type] || '#444';
    if (p.origin === 'curated') {
        return L.circleMarker(latlng, {radius: 6, color: '#222', weight: 1, fillColor: c, fillOpacity: 0.9});
    }
    return L.circleMarker(latlng, {radius: 6, color: c, weight: 2, dashArray: '3 3', fillOpacity: 0.1,
                                   fillColor: c});
}"""


class AtlasGeoJson(folium.map.Layer):
    """One L.geoJson layer, style from a JS function, tooltip from (escaped) properties."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this.common_js }}
        var {{ this.get_name() }} = L.geoJson({{ this.data_js }}, {
            {%- if this.style_js %} style: {{ this.style_js }},{% endif %}
            {%- if this.point_js %} pointToLayer: {{ this.point_js }},{% endif %}
            onEachFeature: function(feature, layer) {
                {%- if this.country_tip %}
                var p = feature.properties;
                layer.bindTooltip('<b>' + p.name + '</b>' + (p.label ? '<br>' + p.label : ''), {sticky: true});
                {%- else %}
                layer.bindTooltip(atlasTip(feature.properties), {sticky: true});
                {%- endif %}
            }
        });
        {% endmacro %}
    """)

    def __init__(self, data: dict, name: str, *, style_js: str = "", point_js: str = "",
                 country_tip: bool = False, show: bool = True):
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "GeoJson"
        self.data = data
        self.data_js = htmlsafe_json_dumps(data, dumps=json.dumps, separators=(",", ":"), ensure_ascii=False)
        self.style_js = style_js
        self.point_js = point_js
        self.country_tip = country_tip
        self.common_js = _JS_COMMON % {
            "colors": json.dumps(TYPE_COLORS), "dash": json.dumps(ROUTE_DASH), "grey": json.dumps(ROUTE_GREY),
            "cell_tip": json.dumps(CELL_TOOLTIP),
        }

    def _get_self_bounds(self):
        from folium.utilities import get_bounds

        return get_bounds(self.data, lonlat=True)


class Legend(MacroElement):
    """A plain HTML legend as a Leaflet control (no branca colormap: that pulls d3 from a CDN)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: 'bottomright'});
        {{ this.get_name() }}.onAdd = function() {
            var div = L.DomUtil.create('div', 'atlas-legend');
            div.style.cssText = 'background:rgba(255,255,255,0.92);padding:6px 8px;font:12px/1.35 sans-serif;border-radius:4px;box-shadow:0 0 4px rgba(0,0,0,0.3)';
            div.innerHTML = {{ this.html_js }};
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, legend_html: str):
        super().__init__()
        self._name = "Legend"
        self.legend_html = legend_html
        self.html_js = htmlsafe_json_dumps(legend_html)


def type_legend_html() -> str:
    """Legend of type colours, origin styles and route status styles (escaped HTML)."""
    types = "".join(
        f'<span style="display:inline-block;width:10px;height:10px;border-radius:50%;background:{c};'
        f'margin:0 3px 0 8px"></span>{esc(t)}' for t, c in TYPE_COLORS.items())
    return (f"<div>{types}</div><div>● filled: curated · ◌ hollow dashed: extracted (unreviewed or accepted)"
            "</div><div>Routes: ── operating · - - construction · ··· proposed · grey: suspended/cancelled</div>")


def map_from_data(data: MapData, *, tiles: bool = False, height: int | str = "100%") -> folium.Map:
    """A folium Map drawing ``data``; offline unless ``tiles`` adds OpenStreetMap."""
    # Without tiles Leaflet has no zoom limits; 1:110m polygons are useless past ~12.
    m = folium.Map(location=[44.0, 66.0], zoom_start=4, tiles=None, prefer_canvas=True,
                   control_scale=True, height=height)
    # folium gives min/max_zoom to tile layers only; quarter steps let fitBounds fill the frame.
    m.options.update(minZoom=2, maxZoom=12, zoomSnap=0.25, zoomDelta=0.5)
    if tiles:
        folium.TileLayer("OpenStreetMap", name="OpenStreetMap (online)", overlay=False, control=True).add_to(m)
    AtlasGeoJson(data.countries, LAYER_COUNTRIES, style_js=STYLE_JS["countries"], country_tip=True).add_to(m)
    AtlasGeoJson(data.routes, LAYER_ROUTES, style_js=STYLE_JS["routes"],
                 point_js=POINT_JS % {"cell": "#555555"}).add_to(m)
    AtlasGeoJson(data.events, LAYER_EVENTS, point_js=POINT_JS % {"cell": "#1f77b4"}).add_to(m)
    AtlasGeoJson(data.pressure, LAYER_PRESSURE, point_js=POINT_JS % {"cell": "#e377c2"}).add_to(m)
    Legend(data.legend_html).add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    m.fit_bounds(view_bounds(data))
    return offline_map(m)


def build_map(frame: pd.DataFrame, boundaries: dict, *, measure: str = "facts", tiles: bool = False,
              point_limit: int = POINT_LIMIT, route_limit: int = ROUTE_LIMIT) -> folium.Map:
    """The scalable map of the filtered ``frame`` (one GeoJSON layer per layer)."""
    return map_from_data(map_data(frame, boundaries, measure=measure, point_limit=point_limit,
                                  route_limit=route_limit), tiles=tiles)


def build_map_naive(frame: pd.DataFrame) -> folium.Map:
    """Reference: one ``folium.CircleMarker`` per located fact (children named ``fact:<id>``)."""
    m = folium.Map(location=[44.0, 66.0], zoom_start=4, tiles=None)
    for fid, title, ftype, lon, lat in zip(frame["id"], frame["title"], frame["type"], frame["lon"], frame["lat"]):
        if pd.isna(lon) or pd.isna(lat):
            continue
        color = TYPE_COLORS.get(ftype, "#444")
        marker = folium.CircleMarker([float(lat), float(lon)], radius=5, color=color, fill=True,
                                     tooltip=esc(title))
        m.add_child(marker, name=f"fact:{fid}")
    return offline_map(m)


def layers_by_name(m: folium.Map) -> dict[str, AtlasGeoJson]:
    return {c.layer_name: c for c in m._children.values() if isinstance(c, AtlasGeoJson)}


def shown_fact_ids(m: folium.Map) -> set[str]:
    """Ids of facts drawn individually on a map made by either builder."""
    ids = {name[5:] for name in m._children if name.startswith("fact:")}
    for layer in layers_by_name(m).values():
        ids |= {f["properties"]["id"] for f in layer.data["features"] if "id" in f["properties"]}
    return ids


