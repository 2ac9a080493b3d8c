"""Streamlit glue for the map: its cached layer data, the points resource's URL, the map
itself and what a click on it does (a fact opens in the detail panel, a country filters).

The points travel apart from the page's message (:mod:`atlas.views.pointdata`, served by
:mod:`ui.pointserver`); ``ATLAS_MAP_POINTS=inline`` keeps them inside it, the previous
design, for benchmarks. Under AppTest (no server to hook) they are inside it too.
"""
from __future__ import annotations

import json
import logging
import os

import streamlit as st

from atlas.core.webassets import ensure_vendor
from atlas.sources.files import BOUNDARIES, load_boundaries
from atlas.views import detail, events, maplayers, maps, pointdata
from atlas.views.pointdata import PointsRequest
from atlas.views.query import Filters
from ui import mapcontrols
from ui.cache import get_store
from ui.fastmap import cached_folium
from ui.filters import request_filters
from ui.pointserver import prepare, serve_points
from ui.routes import FACT_KEY
from ui.serverhooks import serve_vendor_from_packages
from ui.views import _CLICKED, _SCROLL, _events, _filtered, _years, selected_fact

LOG = logging.getLogger("atlas.app")
_MAP_SEEN = "_atlas_map_click_seen"
_MAP_FOCUS = "_atlas_map_focus"  # the fact drawn highlighted in the map's HTML
MAP_HEIGHT = 560


@st.cache_resource(show_spinner=False)
def vendor_assets() -> int:
    """Make Leaflet/jQuery available at /app/static/vendor once per process.

    Served straight from the installed packages when the server can be hooked; else
    copied into static/vendor (a read-only code folder is logged, not fatal).
    """
    if serve_vendor_from_packages():
        return 0
    try:
        return len(ensure_vendor().copied)
    except OSError as exc:
        logging.getLogger("atlas.app").warning("map assets cannot be copied into static/vendor: %s", exc)
        return 0


@st.cache_resource(show_spinner=False)
def boundaries() -> dict:
    return load_boundaries(BOUNDARIES)


# 8 entries: at 100,000 facts one whole map's data (points as compact records) is ~20 MB.
@st.cache_resource(max_entries=8, show_spinner=False)
def _map_data(url: str, version: str, f: Filters, measure: str, finance_color: str = "power",
              whole: bool = False) -> maplayers.MapData:
    # Filters is a frozen dataclass: Streamlit's cache hashes its fields, so it is the key itself.
    frame = _filtered(url, version, f)
    # One marker per event: facts reporting the same event are drawn once (atlas.views.events).
    frame = events.collapse(frame, _events(url, version, f))
    # whole: the points travel as a resource and the browser clusters them, so every fact is
    # drawn; inside the websocket message (whole=False) they are grid cells above POINT_LIMIT.
    limits = ({"point_limit": maplayers.WHOLE_POINT_LIMIT, "route_limit": maplayers.WHOLE_ROUTE_LIMIT,
               "point_features": False} if whole else {})
    return maplayers.map_data(frame, boundaries(), measure=measure, finance_color=finance_color, **limits)


def _whole_map_data(store, request: PointsRequest) -> maplayers.MapData:
    """The map data a points URL names (ui/pointserver.py): the page's own cache entry."""
    return _map_data(store.url, request.version, request.filters, request.measure, request.color, whole=True)


def points_url(version: str, f: Filters, measure: str, finance_color: str) -> str | None:
    """The URL the map fetches its points from, or None when they go inside the map:
    ``ATLAS_MAP_POINTS=inline`` (the previous design, for benchmarks) or no server to hook."""
    if os.environ.get("ATLAS_MAP_POINTS") == "inline" or not serve_points(get_store, _whole_map_data):
        return None
    return pointdata.points_url(version, f, measure, finance_color)


@st.cache_resource(max_entries=16, show_spinner=False)
def _legend(url: str, version: str, f: Filters, measure: str, finance_color: str, whole: bool) -> str:
    # Counting the powers drawn walks every point: once per map, not on every click.
    return maps.legend_html(_map_data(url, version, f, measure, finance_color, whole))


def cached_map_data(f: Filters, measure: str, finance_color: str = "power", whole: bool = False
                    ) -> maplayers.MapData:
    store = get_store()
    return _map_data(store.url, store.version(), f, measure, finance_color, whole)


def map_view(f: Filters, measure: str, tiles: bool, finance_color: str = "power") -> maplayers.MapData:
    """Draw the map; handle a click on a fact (detail panel) or a country (filter)."""
    vendor_assets()
    store = get_store()
    version = store.version()  # read once per rerun: every cache below is keyed on it
    url = points_url(version, f, measure, finance_color)
    with st.spinner("Drawing the map…"):
        data = _map_data(store.url, version, f, measure, finance_color, url is not None)
    if url is not None:  # the browser asks for these points next: have them ready
        prepare(store, pointdata.request_of(url))
    # The highlighted fact is part of the map's HTML only when chosen elsewhere (search, a
    # link): a click highlights in the browser, and a new HTML would reset the user's zoom.
    fid = selected_fact()
    if fid != st.session_state.get(_CLICKED):
        st.session_state[_MAP_FOCUS] = fid
    focus = st.session_state.get(_MAP_FOCUS)
    # rendered once per (store version, filters, measure, tiles, focus): ui/fastmap.py
    map_key = (store.url, version, f, measure, tiles, focus, finance_color, url)
    js = mapcontrols.controls_js(_years(store.url, version, f), map_key)  # year slider, Play, link view
    out = cached_folium(map_key, lambda: maps.map_from_data(data, tiles=tiles, focus=focus, countries=f.countries,
                                                            points_url=url),
                        key="map", returned_objects=["last_active_drawing", "center", "zoom"], height=MAP_HEIGHT,
                        js=js)
    # The map's points were for an older store version (a write since it was drawn): this
    # rerun has drawn the map anew with the current version's URL; nothing else to do.
    if (out or {}).get("atlas_stale_points"):
        LOG.info("map points %s were stale; sent a new map", out["atlas_stale_points"])
    mapcontrols.remember_view(out)
    drawing = (out or {}).get("last_active_drawing")
    seen = json.dumps(drawing, sort_keys=True) if drawing else None
    if seen is None:
        st.session_state.pop(_MAP_SEEN, None)
    elif seen != st.session_state.get(_MAP_SEEN):
        st.session_state[_MAP_SEEN] = seen
        click = detail.read_click(drawing)
        if click.kind == "fact":
            st.session_state[FACT_KEY] = st.session_state[_CLICKED] = click.value
            st.query_params[FACT_KEY] = click.value
            st.session_state[_SCROLL] = True
        elif click.kind == "country" and click.value not in f.countries:
            request_filters(f.with_(countries=f.countries + (click.value,)))
        elif click.kind == "cell":
            st.toast(detail.CELL_HINT.format(n=click.count))
    notes = []
    if data.aggregated:
        notes.append(f"{', '.join(data.aggregated)}: too many facts to draw one by one, shown as grid cells "
                     f"(circle size = number of facts). Zoom in or narrow the filters.")
    if data.unlocated:
        notes.append(f"{data.unlocated:,} filtered fact(s) have no location and are not on the map.")
    if notes:
        st.caption(" ".join(notes))
    with st.expander("Map key", expanded=True):
        st.html(_legend(store.url, version, f, measure, finance_color, url is not None))
    return data
