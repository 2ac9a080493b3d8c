"""``st_folium`` with the rendering cached: a rerun whose map did not change renders nothing.

``streamlit_folium.st_folium`` renders the whole folium map to HTML/JS on every
call (Jinja templates over every layer: most of a filter-change rerun at the
shipped data). Here that rendering runs once per ``cache_key`` (the store version,
the filters, the measure, the tiles) and later reruns hand the same strings to the
same front-end component. Identical strings give the component the same key, so
the browser keeps the mounted map and Streamlit's message cache sends a reference
instead of the map again. Built on streamlit-folium 0.27.4's own helpers (pinned in
requirements.txt); the arguments are the ones ``st_folium`` passes.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

import folium
import streamlit as st
from ui.st_internals import folium_private as sf  # streamlit_folium's private renderers, checked


@st.cache_resource(max_entries=32, show_spinner=False)
def _rendered(cache_key: tuple, key: str, _build: Callable[[], folium.Map]) -> dict[str, Any]:
    """The component arguments for the map ``_build()`` makes (``cache_key`` names it)."""
    m = _build()
    m.get_root().render()
    m.render()
    html, header = sf._get_html(m), sf._get_header(m)  # before _get_map_string, which alters the map
    script = sf._get_map_string(m)
    css: list[str] = []
    js: list[str] = []
    for elem in _walk(m):
        css.extend(href for _, href in getattr(elem, "default_css", []))
        js.extend(src for _, src in getattr(elem, "default_js", []))
    (s, w), (n, e) = m.get_bounds()
    return {
        "script": script, "header": header, "html": html, "id": sf.get_full_id(m),
        "css_links": list(dict.fromkeys(css)), "js_links": list(dict.fromkeys(js)),
        "bounds": {"_southWest": {"lat": s, "lng": w}, "_northEast": {"lat": n, "lng": e}},
        "zoom": m.options.get("zoom"),
        "hash_key": sf.generate_js_hash(script, key, False),  # a regex over the whole script: once
    }


def _walk(fig):
    if isinstance(fig, folium.elements.JSCSSMixin):
        yield fig
    for child in getattr(fig, "_children", {}).values():
        yield from _walk(child)


def cached_folium(cache_key: tuple, build: Callable[[], folium.Map], *, key: str, height: int,
                  returned_objects: Iterable[str], js: str | None = None) -> dict[str, Any]:
    """Like ``st_folium(build(), key=…, height=…, use_container_width=True, returned_objects=…)``.

    ``js`` is run in the map's window whenever it changes (streamlit-folium's ``feature_group``
    slot), e.g. the year slider's ``atlasYear(2015);`` (atlas/map_points.js): no redraw."""
    r = _rendered(cache_key, key, build)
    returned = list(returned_objects)
    defaults = {"last_active_drawing": None, "bounds": r["bounds"], "zoom": r["zoom"], "last_clicked": None,
                "last_object_clicked": None, "last_object_clicked_tooltip": None}
    hash_key = r["hash_key"]

    def _on_change() -> None:
        st.session_state[key] = st.session_state.get(hash_key, {})

    return sf._component_func(
        script=r["script"], header=r["header"], html=r["html"], id=r["id"], key=hash_key, height=height,
        width=None, returned_objects=returned, default={k: v for k, v in defaults.items() if k in returned},
        zoom=None, center=None, feature_group=js, return_on_hover=False, layer_control=None, pixelated=False,
        css_links=r["css_links"], js_links=r["js_links"], on_change=_on_change, wrap_longitude=False,
    )
