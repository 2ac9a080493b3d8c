"""Folium rendering of the map's layer data (:mod:`atlas.views.maplayers`): one ``folium.Map``.

Countries and routes are each ONE ``L.geoJson`` whose style comes from a small JS function;
every point (events, pressure, dataset records) is one compact record in ONE JSON array
(:mod:`atlas.views.mappoints`) drawn by ``map_points.js`` into one cluster group (``map_cluster.js``), so
nearby markers merge into a cluster that shows its count and its split by outside power.
Colour = the fact's first outside power (:func:`atlas.core.labels.power_color`), shape = fact type. The key (:func:`legend_html`)
is plain HTML the page shows beside the map, so it never covers a marker (and no branca
colormap: that pulls d3 from a CDN). Properties reach tooltips as HTML:
:mod:`atlas.views.maplayers` escapes them. Nothing here imports streamlit.
"""
from __future__ import annotations

import json
from pathlib import Path

import folium
import pandas as pd
from branca.element import MacroElement
from folium.template import Template
from folium.utilities import get_bounds
from jinja2.utils import htmlsafe_json_dumps

from ..core.geometry import positions
from ..core.labels import TYPE_COLORS, actor_label, power_color
from .maplayers import (CELL_TOOLTIP, LAYER_COUNTRIES, LAYER_EVENTS, LAYER_FINANCE, LAYER_PRESSURE, LAYER_ROUTES,
                        POINT_LIMIT, ROUTE_DASH, ROUTE_GREY, ROUTE_LIMIT, MapData, map_data, view_bounds)
from .mappoints import (POINT_LAYERS, RECORD_FIELDS, SHAPES, power_colors, power_names,
                        powers_shown, shape_svg)
from ..core.markup import esc
from ..core.webassets import offline_map

_POINTS_JS = "\n".join((Path(__file__).with_name(name)).read_text(encoding="utf-8")
                       for name in ("map_cluster.js", "map_points.js", "map_countries.js"))
CLUSTER_RADIUS_PX = 30  # markers closer than this (at the current zoom) share a cluster
SPIDERFY_AT_MOST = 8  # a cluster of this many facts or fewer opens into its facts in one click

_JS_COMMON = """
var ATLAS_DASH = %(dash)s;
var ATLAS_GREY = %(grey)s;
var ATLAS_FOCUS = %(focus)s;  // the fact selected before the map was drawn (search, link)
var ATLAS_SEL = %(sel)s;  // the countries filtered to
var ATLAS_POINTS = %(points)s;  // every point marker: atlas/views/mappoints.py
var ATLAS_COUNTRY_YEARS = %(country_years)s;  // the states' shading per year: atlas/views/countryyears.py
var atlasFocused = null;
window.atlasRouteLayers = [];
// Streamlit's dark theme: the base map follows the page (same-origin frame; else the OS setting).
var ATLAS_DARK = (function() {
  try { var app = window.parent.document.querySelector('.stApp') || window.parent.document.body;
        var m = getComputedStyle(app).backgroundColor.match(/[\\d.]+/g);
        if (m && m.length >= 3) { return 0.2126 * m[0] + 0.7152 * m[1] + 0.0722 * m[2] < 100; } } catch (e) {}
  return !!(window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches);
})();
// A click highlights its fact at once, in the browser: redrawing the map server-side
// would reset the user's zoom. Lines keep their base style to go back to.
function atlasFocus(layer) {
  if (atlasFocused && atlasFocused !== layer) { atlasUnfocus(atlasFocused); }
  if (!layer._atlasBase) { var o = layer.options;
    layer._atlasBase = {radius: o.radius, weight: o.weight, color: o.color, opacity: o.opacity}; }
  var hi = layer.setRadius ? {radius: 10, weight: 4, color: '#000', opacity: 1} : {weight: 8, opacity: 1};
  layer.setStyle(hi); if (layer.bringToFront) { layer.bringToFront(); }
  atlasFocused = layer;
}
function atlasCellRadius(n) { return Math.min(30, 6 + 3 * Math.log2(n)); }
function atlasTip(p) {
  if (p.n) { return %(cell_tip)s.replace('{n}', p.n); }
  var extra = p.status ? ' · ' + p.status : '';
  return '<b>' + p.title + '</b><br>' + p.date + ' · ' + p.type + extra + ' · ' + p.origin;
}
"""

STYLE_JS = {
    "countries": """function(f) { var p = f.properties;
        var sel = ATLAS_SEL.indexOf(p.iso_a3) >= 0, line = ATLAS_DARK ? (p.ca ? '#cfd3da' : '#6b7080') : (p.ca ? '#555' : '#bbb');
        return {color: sel ? (ATLAS_DARK ? '#fff' : '#000') : line, weight: sel ? 3.5 : p.w,
                fillColor: p.ca || !ATLAS_DARK ? p.fill : '#2f333d', fillOpacity: p.ca ? 0.75 : (ATLAS_DARK ? 0.9 : 0.6),
                opacity: 1}; }""",
    "routes": """function(f) { var p = f.properties;
        var grey = ATLAS_GREY.indexOf(p.status) >= 0;
        return {color: grey ? '#9e9e9e' : (ATLAS_POINTS.colors[p.power] || '#444'), weight: p.origin === 'curated' ? 4 : 3,
                opacity: 0.9, dashArray: ATLAS_DASH[p.status] || null}; }""",
}

# Route grid cells (above ROUTE_LIMIT lines): grey circles sized by their count.
CELL_POINT_JS = """function(f, latlng) { var p = f.properties;
    return L.circleMarker(latlng, {radius: atlasCellRadius(p.n), color: '#555555', weight: 1,
                                   fillColor: '#555555', fillOpacity: 0.45}); }"""


def _json_js(value) -> str:
    return htmlsafe_json_dumps(value, dumps=json.dumps, separators=(",", ":"), ensure_ascii=False)


class AtlasCommon(MacroElement):
    """The map's shared JS, once: focus, tooltips, dark base map, and the point records."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this.js }}
        if (ATLAS_DARK) { {{ this._parent.get_name() }}.getContainer().style.background = '#1e2128'; }
        {% endmacro %}
    """)

    def __init__(self, data: MapData, focus: str | None, selected: tuple[str, ...], points_url: str | None = None):
        super().__init__()
        self._name = "AtlasCommon"
        records = data.rows()
        powers = [p for p, _ in powers_shown(records, data.routes.get("features", []))]
        # With points_url the browser fetches the rows and routes (atlas.views.pointdata): the
        # page's message stays the same small shell however many facts there are.
        self.points = {"fields": list(RECORD_FIELDS), "rows": None if points_url else records,
                       "url": points_url or "", "colors": power_colors(powers), "names": power_names(powers),
                       "shapes": SHAPES, "radius": CLUSTER_RADIUS_PX, "spiderfy": SPIDERFY_AT_MOST}
        self.js = (_JS_COMMON % {
            "dash": json.dumps(ROUTE_DASH), "grey": json.dumps(ROUTE_GREY), "cell_tip": json.dumps(CELL_TOOLTIP),
            "focus": _json_js(focus or ""), "sel": _json_js(list(selected)), "points": _json_js(self.points),
            "country_years": _json_js(data.country_years),
        }) + _POINTS_JS


class AtlasGeoJson(folium.map.Layer):
    """One L.geoJson layer (countries, routes), style from a JS function, tooltip from (escaped) properties."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJson({{ this.data_js }}, {
            {%- if this.style_js %} style: {{ this.style_js }},{% endif %}
            {%- if this.point_js %} pointToLayer: {{ this.point_js }},{% endif %}
            onEachFeature: function(feature, layer) {
                {%- if this.country_tip %}
                var p = feature.properties;
                layer.bindTooltip('<b>' + p.name + '</b>' + (p.label ? '<br>' + p.label : ''), {sticky: true});
                {%- else %}
                layer.bindTooltip(atlasTip(feature.properties), {sticky: true});
                if (feature.properties.id) {
                    layer.on('click', function() { atlasFocus(layer); });
                    if (feature.properties.id === ATLAS_FOCUS) { setTimeout(function() { atlasFocus(layer); }, 0); }
                }
                {%- endif %}
            }
        });
        {%- if this.year_filtered %}
        window.atlasRouteLayers.push({{ this.get_name() }});
        {%- endif %}
        {%- if this.country_tip %}
        window.atlasCountryLayer = {{ this.get_name() }};  // the year slider shades it (map_countries.js)
        {%- endif %}
        {% endmacro %}
    """)

    def __init__(self, data: dict, name: str, *, style_js: str = "", point_js: str = "",
                 country_tip: bool = False, show: bool = True, year_filtered: bool = False, fetched: bool = False):
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "GeoJson"
        self.data = data
        # fetched: the browser adds the features from the points resource (map_points.js)
        self.data_js = _json_js({"type": "FeatureCollection", "features": []} if fetched else data)
        self.style_js = style_js
        self.point_js = point_js
        self.country_tip = country_tip
        self.year_filtered = year_filtered

    def _get_self_bounds(self):
        return get_bounds(self.data, lonlat=True)


class AtlasPoints(folium.map.Layer):
    """A point layer's entry in the layer list: an empty group whose markers live in the one
    cluster group (:class:`AtlasClusters`). ``data`` is the layer's GeoJSON (for Python callers);
    the browser gets the compact records of :class:`AtlasCommon` instead."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.layerGroup();
        {% endmacro %}
    """)

    def __init__(self, data: dict, name: str, *, show: bool = True):
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "AtlasPoints"
        self.data = data

    def _get_self_bounds(self):
        return get_bounds(self.data, lonlat=True) if self.data.get("features") else [[None, None], [None, None]]


class AtlasClusters(MacroElement):
    """Every point marker in one cluster group (``map_cluster.js``: no third-party clustering code)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        atlasPoints({{ this._parent.get_name() }}, ATLAS_POINTS, [{{ this.placeholders }}], {{ this.routes }});
        {% endmacro %}
    """)

    def __init__(self, placeholders: list[AtlasPoints], routes: AtlasGeoJson):
        super().__init__()
        self._name = "AtlasClusters"
        self.placeholders = ", ".join(p.get_name() for p in placeholders)
        self.routes = routes.get_name()


def _swatch(css: str) -> str:
    return f'<span style="display:inline-block;vertical-align:middle;margin:0 4px 0 10px;{css}"></span>'


YEAR_NOTE = ("with a year chosen in \u201cFacts dated up to\u201d (or Play), the states are shaded by the facts "
             "dated up to that year, in the classes above")
YEAR_NOTE_FINANCE = "the finance shading is of all years, whatever the year chosen in \u201cFacts dated up to\u201d"
POWER_KEY_NOTE = "a fact naming several powers takes the first one's colour"
CLUSTER_KEY = ("numbered circles: nearby facts grouped (no two markers closer than the grouping distance); "
               "the ring shows the split by outside power; click to open")


def legend_html(data: MapData) -> str:
    """The map's key, shown beside the map (never over it): country shading, the outside powers
    shown (marker and route colour), the marker shape of each fact type, filled / hollow /
    translucent (curated / extracted / dataset), clusters, and line style by route status.
    Colours are fixed; text takes the page's colour, so it reads in light and dark themes."""
    records = data.rows()
    shown = powers_shown(records, data.routes.get("features", []))
    powers = "".join(
        f"<span class='atlas-key-power' data-power='{esc(code)}' style='white-space:nowrap'>"
        f"{_swatch(f'width:11px;height:11px;border-radius:2px;background:{power_color(code)}')}"
        f"{esc(actor_label(code)) if code else 'no outside power'} ({n})</span> " for code, n in shown)
    if not shown:
        powers = " <i>none in the filtered facts</i>"
    types = "".join(f"<span style='white-space:nowrap;margin-left:8px'>{shape_svg(SHAPES[t], 11, '#888')} "
                    f"{esc(t)}</span> " for t in TYPE_COLORS)
    origin = (f"<span style='white-space:nowrap'>{shape_svg('circle', 11, '#888')} filled: curated</span> "
              f"<span style='white-space:nowrap;margin-left:8px'>"
              f"{shape_svg('circle', 10, '#888', '#888', fill_opacity=0.15, stroke_width=2, dash='2 2')} "
              "hollow, dashed: extracted from an article</span> "
              f"<span style='white-space:nowrap;margin-left:8px'>"
              f"{shape_svg('circle', 14, '#888', '#888', fill_opacity=0.55, stroke_width=1.5)} "
              "translucent, sized by amount: published dataset (drawn underneath)</span>")
    routes = "".join(
        f"<span style='white-space:nowrap'>{_swatch(f'width:26px;height:0;border-top:3px {style} {color}')}{esc(label)}</span> "
        for label, style, color in (("operating / completed", "solid", "#888"), ("construction", "dashed", "#888"),
                                    ("proposed", "dotted", "#888"), ("suspended / cancelled", "solid", "#9e9e9e")))
    years = YEAR_NOTE if data.country_years else (YEAR_NOTE_FINANCE if data.measure == "finance" else "")
    return (f"<div class='atlas-map-legend' style='font:13px/1.6 sans-serif'>"
            f"<div>{data.legend_html}</div>"
            + (f"<div class='atlas-key-years'><i>{years}</i></div>" if years else "") +
            f"<div class='atlas-key-powers'><b>Colour</b> = outside power ({POWER_KEY_NOTE}):{powers}</div>"
            f"<div><b>Shape</b> = fact type:{types}</div><div>{origin}</div>"
            f"<div><b>Clusters</b>: {CLUSTER_KEY}</div>"
            f"<div><b>Routes</b> (colour by power):{routes}</div></div>")


def map_from_data(data: MapData, *, tiles: bool = False, height: int | str = "100%", focus: str | None = None,
                  countries: tuple[str, ...] = (), points_url: str | None = None) -> folium.Map:
    """A folium Map drawing ``data``; offline unless ``tiles`` adds OpenStreetMap.

    ``countries`` are outlined and the first view fits them; ``focus`` (a fact id) is
    drawn highlighted. The key is :func:`legend_html`, shown outside the map. With
    ``points_url`` the map carries no points or routes itself: the browser fetches them
    from that URL (:mod:`atlas.views.pointdata`); without it they are inside the map.
    """
    # Without tiles Leaflet has no zoom limits; 1:110m polygons are useless past ~12.
    m = folium.Map(location=[44.0, 66.0], zoom_start=4, tiles=None, prefer_canvas=True,
                   control_scale=True, height=height)
    # folium gives min/max_zoom to tile layers only; quarter steps let fitBounds fill the frame.
    m.options.update(minZoom=2, maxZoom=12, zoomSnap=0.25, zoomDelta=0.5)
    AtlasCommon(data, focus, countries, points_url).add_to(m)
    if tiles:
        folium.TileLayer("OpenStreetMap", name="OpenStreetMap (online)", overlay=False, control=True).add_to(m)
    AtlasGeoJson(data.countries, LAYER_COUNTRIES, style_js=STYLE_JS["countries"], country_tip=True).add_to(m)
    routes = AtlasGeoJson(data.routes, LAYER_ROUTES, style_js=STYLE_JS["routes"], point_js=CELL_POINT_JS,
                          year_filtered=True, fetched=bool(points_url)).add_to(m)
    by_name = {"events": (data.events, LAYER_EVENTS), "pressure": (data.pressure, LAYER_PRESSURE),
               "finance": (data.finance, LAYER_FINANCE)}
    placeholders = [AtlasPoints(*by_name[k]).add_to(m) for k in POINT_LAYERS]
    AtlasClusters(placeholders, routes).add_to(m)
    # Collapsed: an open layer list covers a phone's map and, at the default view, markers.
    folium.LayerControl(collapsed=True).add_to(m)
    # Margins (px, [x, y]) as wide as the controls plus a cluster's radius: a fact at the edge of the
    # first view never sits under the zoom or layer control (top) or the scale (bottom left).
    m.fit_bounds(country_bounds(data, countries) or view_bounds(data),
                 padding_top_left=(75, 75), padding_bottom_right=(75, 85))
    return offline_map(m)


def country_bounds(data: MapData, countries: tuple[str, ...]) -> list[list[float]] | None:
    """South-west and north-east corners (lat, lon) of the chosen countries' polygons."""
    pts = [(lat, lon) for feat in data.countries.get("features", [])
           if feat["properties"].get("iso_a3") in countries for lon, lat in positions(feat["geometry"])]
    if not pts:
        return None
    lats, lons = [p[0] for p in pts], [p[1] for p in pts]
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


def build_map(frame: pd.DataFrame, boundaries: dict, *, measure: str = "facts", tiles: bool = False,
              point_limit: int = POINT_LIMIT, route_limit: int = ROUTE_LIMIT) -> folium.Map:
    """The scalable map of the filtered ``frame`` (one GeoJSON layer per layer)."""
    return map_from_data(map_data(frame, boundaries, measure=measure, point_limit=point_limit,
                                  route_limit=route_limit), tiles=tiles)


def layers_by_name(m: folium.Map) -> dict[str, AtlasGeoJson | AtlasPoints]:
    """Each layer of the layer list by name; ``.data`` is its GeoJSON."""
    return {c.layer_name: c for c in m._children.values() if isinstance(c, (AtlasGeoJson, AtlasPoints))}
