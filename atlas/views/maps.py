"""Folium rendering of the map's layer data (:mod:`atlas.views.maplayers`): one ``folium.Map``.

Each layer is ONE ``L.geoJson`` whose style comes from a small JS function, not a
per-feature style, so the page stays small at 100,000 facts. The key (:func:`legend_html`)
is plain HTML the page shows beside the map, so it never covers a marker (and no branca
colormap: that pulls d3 from a CDN). Properties reach tooltips as HTML:
:mod:`atlas.views.maplayers` escapes them. Nothing here imports streamlit.
"""
from __future__ import annotations

import json

import folium
import pandas as pd
from branca.element import MacroElement
from folium.template import Template
from folium.utilities import get_bounds
from jinja2.utils import htmlsafe_json_dumps

from ..core.labels import TYPE_COLORS
from .maplayers import LAYER_FINANCE
from .maplayers import (CELL_TOOLTIP, LAYER_COUNTRIES, LAYER_EVENTS, LAYER_PRESSURE, LAYER_ROUTES, POINT_LIMIT,
                        ROUTE_DASH, ROUTE_GREY, ROUTE_LIMIT, MapData, map_data, view_bounds)
from ..core.geometry import positions
from ..core.markup import esc
from ..core.webassets import offline_map

_JS_COMMON = """
var ATLAS_COLORS = %(colors)s;
var ATLAS_DASH = %(dash)s;
var ATLAS_GREY = %(grey)s;
var ATLAS_FOCUS = %(focus)s;  // the fact selected before the map was drawn (search, link)
var ATLAS_SEL = %(sel)s;  // the countries filtered to
var atlasFocused = null;
// A click highlights its fact at once, in the browser: redrawing the map server-side
// would reset the user's zoom. Markers keep their base style to go back to.
function atlasFocus(layer) {
  if (atlasFocused && atlasFocused !== layer) { atlasFocused.setStyle(atlasFocused._atlasBase); }
  if (!layer._atlasBase) { var o = layer.options;
    layer._atlasBase = {radius: o.radius, weight: o.weight, color: o.color, opacity: o.opacity}; }
  var hi = layer.setRadius ? {radius: 10, weight: 4, color: '#000', opacity: 1} : {weight: 8, opacity: 1};
  layer.setStyle(hi); if (layer.bringToFront) { layer.bringToFront(); }
  atlasFocused = layer;
}
function atlasCellRadius(n) { return Math.min(30, 6 + 3 * Math.log2(n)); }
function atlasTip(p) {
  if (p.n) { return %(cell_tip)s.replace('{n}', p.n); }
  var extra = (p.status ? ' · ' + p.status : '') + (p.amount ? ' · ' + p.amount : '');
  var near = p.near ? '<br><i>drawn beside its place, shared with ' + (p.near - 1) + ' other fact(s)</i>' : '';
  return '<b>' + p.title + '</b><br>' + p.date + ' · ' + p.type + extra + ' · ' + p.origin + near;
}
"""

STYLE_JS = {
    "countries": """function(f) { var p = f.properties;
        var sel = ATLAS_SEL.indexOf(p.iso_a3) >= 0;
        return {color: sel ? '#000' : (p.ca ? '#555' : '#bbb'), weight: sel ? 3.5 : p.w, fillColor: p.fill,
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

# Dataset records: radius from the amount (log scale, server-side), colour by sector or status.
FINANCE_POINT_JS = """function(f, latlng) { var p = f.properties;
    return L.circleMarker(latlng, {radius: p.r, color: p.c, weight: p.hollow ? 2 : 1,
                                   fillColor: p.c, fillOpacity: p.hollow ? 0.05 : 0.55});
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
                if (feature.properties.id) {
                    layer.on('click', function() { atlasFocus(layer); });
                    if (feature.properties.id === ATLAS_FOCUS) { setTimeout(function() { atlasFocus(layer); }, 0); }
                }
                {%- endif %}
            }
        });
        {% endmacro %}
    """)

    def __init__(self, data: dict, name: str, *, style_js: str = "", point_js: str = "",
                 country_tip: bool = False, show: bool = True, focus: str | None = None,
                 selected: tuple[str, ...] = ()):
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
            "focus": htmlsafe_json_dumps(focus or ""), "sel": htmlsafe_json_dumps(list(selected)),
        }

    def _get_self_bounds(self):
        return get_bounds(self.data, lonlat=True)


class SpreadColocated(MacroElement):
    """Markers sharing a place (``properties.at``) on a ring whose size is in *pixels*, redone
    at every zoom: 14 px between neighbours at any zoom, so each stays clickable at the first
    view (a ring in degrees is a few pixels wide there, and absurdly wide when zoomed in)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function() {
          var map = {{ this._parent.get_name() }}, groups = {};
          map.eachLayer(function(l) { var p = l.feature && l.feature.properties;
            if (p && p.at && l.setLatLng) { var k = p.at.join(','); (groups[k] = groups[k] || []).push(l); } });
          function place() {
            Object.keys(groups).forEach(function(key) {
              var g = groups[key].sort(function(a, b) {
                return a.feature.properties.id < b.feature.properties.id ? -1 : 1; });
              var at = g[0].feature.properties.at, n = g.length;
              var c = map.latLngToLayerPoint([at[1], at[0]]), r = Math.max(12, n * {{ this.step }} / (2 * Math.PI));
              g.forEach(function(l, k) { var a = 2 * Math.PI * k / n;
                l.setLatLng(map.layerPointToLatLng(L.point(c.x + r * Math.sin(a), c.y - r * Math.cos(a)))); });
            });
          }
          map.on('zoomend', place); map.whenReady(place);
        })();
        {% endmacro %}
    """)

    def __init__(self, step_px: int = 14):
        super().__init__()
        self._name = "SpreadColocated"
        self.step = int(step_px)


def _swatch(css: str) -> str:
    return f'<span style="display:inline-block;vertical-align:middle;margin:0 4px 0 10px;{css}"></span>'


def legend_html(data: MapData) -> str:
    """The map's key, shown beside the map (never over it): country shading, marker colour
    by fact type, filled vs hollow (curated vs extracted), line style by route status.
    Colours are fixed; text takes the page's colour, so it reads in light and dark themes."""
    types = "".join(f"<span style='white-space:nowrap'>{_swatch(f'width:11px;height:11px;border-radius:50%;background:{c};border:1px solid #222')}"
                    f"{esc(t)}</span> " for t, c in TYPE_COLORS.items())
    origin = (f"<span style='white-space:nowrap'>{_swatch('width:11px;height:11px;border-radius:50%;background:#888;border:1px solid #222')}"
              "filled: curated or dataset</span> "
              f"<span style='white-space:nowrap'>{_swatch('width:9px;height:9px;border-radius:50%;border:2px dashed #888')}"
              "hollow, dashed: extracted from an article</span>")
    routes = "".join(
        f"<span style='white-space:nowrap'>{_swatch(f'width:26px;height:0;border-top:3px {style} {color}')}{esc(label)}</span> "
        for label, style, color in (("operating / completed", "solid", "#ff7f0e"), ("construction", "dashed", "#ff7f0e"),
                                    ("proposed", "dotted", "#ff7f0e"), ("suspended / cancelled", "solid", "#9e9e9e")))
    return (f"<div class='atlas-map-legend' style='font:13px/1.6 sans-serif'>"
            f"<div>{data.legend_html}</div>"
            f"<div><b>Markers</b> by fact type:{types}</div><div>{origin}</div>"
            f"<div><b>Routes</b> (colour by fact type):{routes}</div></div>")


def map_from_data(data: MapData, *, tiles: bool = False, height: int | str = "100%", focus: str | None = None,
                  countries: tuple[str, ...] = ()) -> folium.Map:
    """A folium Map drawing ``data``; offline unless ``tiles`` adds OpenStreetMap.

    ``countries`` are outlined and the first view fits them; ``focus`` (a fact id) is
    drawn highlighted. The key is :func:`legend_html`, shown outside the map.
    """
    # Without tiles Leaflet has no zoom limits; 1:110m polygons are useless past ~12.
    m = folium.Map(location=[44.0, 66.0], zoom_start=4, tiles=None, prefer_canvas=True,
                   control_scale=True, height=height)
    # folium gives min/max_zoom to tile layers only; quarter steps let fitBounds fill the frame.
    m.options.update(minZoom=2, maxZoom=12, zoomSnap=0.25, zoomDelta=0.5)
    if tiles:
        folium.TileLayer("OpenStreetMap", name="OpenStreetMap (online)", overlay=False, control=True).add_to(m)
    kw = {"focus": focus, "selected": countries}
    AtlasGeoJson(data.countries, LAYER_COUNTRIES, style_js=STYLE_JS["countries"], country_tip=True, **kw).add_to(m)
    AtlasGeoJson(data.routes, LAYER_ROUTES, style_js=STYLE_JS["routes"],
                 point_js=POINT_JS % {"cell": "#555555"}, **kw).add_to(m)
    # Below the events: its big markers must not cover a curated or extracted fact at the same place.
    AtlasGeoJson(data.finance, LAYER_FINANCE, point_js=FINANCE_POINT_JS, **kw).add_to(m)
    AtlasGeoJson(data.events, LAYER_EVENTS, point_js=POINT_JS % {"cell": "#1f77b4"}, **kw).add_to(m)
    AtlasGeoJson(data.pressure, LAYER_PRESSURE, point_js=POINT_JS % {"cell": "#e377c2"}, **kw).add_to(m)
    # Collapsed: an open layer list covers a phone's map and, at the default view, markers.
    folium.LayerControl(collapsed=True).add_to(m)
    m.fit_bounds(country_bounds(data, countries) or view_bounds(data))
    SpreadColocated().add_to(m)  # after the first view is set: it places markers in pixels
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


def layers_by_name(m: folium.Map) -> dict[str, AtlasGeoJson]:
    return {c.layer_name: c for c in m._children.values() if isinstance(c, AtlasGeoJson)}
