"""Folium rendering of the map's layer data (:mod:`atlas.maplayers`): one ``folium.Map``.

Each layer is ONE ``L.geoJson`` whose style comes from a small JS function, not a
per-feature style, so the page stays small at 100,000 facts. The legend is plain
HTML (no branca colormap: that pulls d3 from a CDN). Properties reach tooltips as
HTML: :mod:`atlas.maplayers` escapes them. Nothing here imports streamlit.
"""
from __future__ import annotations

import json

import folium
import pandas as pd
from branca.element import MacroElement
from folium.template import Template
from folium.utilities import get_bounds
from jinja2.utils import htmlsafe_json_dumps

from .labels import TYPE_COLORS
from .maplayers import (CELL_TOOLTIP, LAYER_COUNTRIES, LAYER_EVENTS, LAYER_PRESSURE, LAYER_ROUTES, POINT_LIMIT,
                        ROUTE_DASH, ROUTE_GREY, ROUTE_LIMIT, MapData, map_data, view_bounds)
from .markup import esc
from .webassets import offline_map

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


def layers_by_name(m: folium.Map) -> dict[str, AtlasGeoJson]:
    return {c.layer_name: c for c in m._children.values() if isinstance(c, AtlasGeoJson)}
