"""The map's year slider, its Play control, and the map's view in the URL (``?lat=&lon=&z=``).

Both change the map in the browser without drawing it again: the year reaches the map's
JS as ``atlasYear(Y)``, a shared link's view as ``atlasView(lat, lon, z)``, through
streamlit-folium's ``feature_group`` argument (JS it runs whenever the argument changes). Moving the map reports the view back; it is written into the URL, so the
address bar always holds a link to what is on screen. Bad values in a link give one
line (:class:`atlas.views.mapview.BadMapParam`), never a traceback.
"""
from __future__ import annotations

import time
from typing import Any, Sequence

import streamlit as st

from atlas.views.mapview import (VIEW_PARAMS, YEAR_PARAM, BadMapParam, MapView, parse_view, parse_year,
                           view_from_component)
from atlas.core.markup import md_plain
from ui.urlstate import page_changed

K_YEAR, K_PLAY = "map_year", "map_play"
ALL_YEARS = "all"
PLAY_STEP_S = 1.5  # seconds per year while playing
_PLAYING = "_atlas_map_playing"
_STEPPED = "_atlas_map_stepped_at"
_YEAR_WRITTEN = "_atlas_year_written"
_VIEW_WRITTEN = "_atlas_view_written"
_VIEW_LINK = "_atlas_view_link"
_NOTICE = "_atlas_map_notice"
_TIMER_CHANGED = "_atlas_map_timer_changed"  # Play/Pause: the page runs again to (un)set the fragment's timer
YEAR_LABEL = "Facts dated up to"
YEAR_HELP = "The map shows facts dated up to the end of this year (undated facts only with all years). Play steps through the years."


def controls_js(years: Sequence[int], map_key: Any) -> str:
    """Draw the year slider and Play; the JS that shows their year and a link's view on the map."""
    year = year_controls(years, map_key)
    view = link_view(map_key)
    show_notice(map_key)
    return f"atlasYear({'null' if year is None else int(year)});" + (
        f"atlasView({view.lat!r}, {view.lon!r}, {view.zoom!r});" if view else "")


def play_interval() -> float | None:
    """``run_every`` for the map's fragment: a step per :data:`PLAY_STEP_S` while playing."""
    return PLAY_STEP_S if st.session_state.get(_PLAYING) else None


def _notice(text: str, map_key: Any) -> None:
    st.session_state[_NOTICE] = (text, map_key)


def _toggle_play(years: Sequence[int]) -> None:
    playing = not st.session_state.get(_PLAYING, False)
    st.session_state[_PLAYING] = playing
    st.session_state[_TIMER_CHANGED] = True
    if playing:
        if st.session_state.get(K_YEAR) in (ALL_YEARS, years[-1]):
            st.session_state[K_YEAR] = years[0]
        st.session_state[_STEPPED] = time.monotonic()


def year_controls(years: Sequence[int], map_key: Any) -> int | None:
    """Play/Pause and the year slider (seeded from ``?year=``); the chosen year, or None for all."""
    years = sorted(set(int(y) for y in years))
    options = [*years, ALL_YEARS]
    raw = st.query_params.get(YEAR_PARAM)
    if K_YEAR not in st.session_state or raw != st.session_state.get(_YEAR_WRITTEN):
        try:
            wanted = parse_year(raw, years)
        except BadMapParam as exc:
            _notice(str(exc), map_key)
            wanted = None
        st.session_state[K_YEAR] = ALL_YEARS if wanted is None else wanted
    if st.session_state.get(K_YEAR) not in options:
        st.session_state[K_YEAR] = ALL_YEARS
    if st.session_state.get(_PLAYING):
        _step(years)
    if st.session_state.pop(_TIMER_CHANGED, False):
        st.rerun()  # the whole page: the map's fragment takes its run_every from play_interval()
    if len(years) < 2:
        st.session_state[_PLAYING] = False
        value = st.session_state[K_YEAR]
    else:
        c1, c2 = st.columns([1, 5], vertical_alignment="bottom")
        c1.button("Pause" if st.session_state.get(_PLAYING) else "Play", key=K_PLAY, on_click=_toggle_play,
                  args=(years,), help="Step the map through the years")
        value = c2.select_slider(YEAR_LABEL, options, key=K_YEAR, help=YEAR_HELP,
                                 format_func=lambda v: "all years" if v == ALL_YEARS else str(v))
    written = None if value == ALL_YEARS else str(value)
    if written is None:
        if YEAR_PARAM in st.query_params:
            del st.query_params[YEAR_PARAM]
    elif st.query_params.get(YEAR_PARAM) != written:
        st.query_params[YEAR_PARAM] = written
    st.session_state[_YEAR_WRITTEN] = written
    return None if value == ALL_YEARS else int(value)


def _step(years: Sequence[int]) -> None:
    """One year on, when a step's time has passed (other reruns while playing do not step)."""
    now = time.monotonic()
    if now - st.session_state.get(_STEPPED, 0.0) < PLAY_STEP_S * 0.8:
        return
    st.session_state[_STEPPED] = now
    current = st.session_state.get(K_YEAR)
    later = [y for y in years if current == ALL_YEARS or y > current]
    if later:
        st.session_state[K_YEAR] = later[0]
    if not later or later[0] == years[-1]:
        st.session_state[_PLAYING] = False  # the last year: stop, and drop the timer
        st.session_state[_TIMER_CHANGED] = True


def link_view(map_key: Any) -> MapView | None:
    """A shared link's view while the map it was made for is shown; None otherwise (the map
    fits its facts itself). The map applies it once (``atlasView`` in atlas/map_points.js)."""
    raw = tuple(st.query_params.get(k) for k in VIEW_PARAMS)
    # A link, not a view this session wrote; or back on the map from another page (a new map).
    if page_changed("mapview") or raw != st.session_state.get(_VIEW_WRITTEN):
        st.session_state[_VIEW_WRITTEN] = raw
        try:
            view = parse_view({k: v for k, v in zip(VIEW_PARAMS, raw) if v is not None})
        except BadMapParam as exc:
            _notice(f"{exc}; showing the whole region.", map_key)
            view = None
            for k in VIEW_PARAMS:
                if k in st.query_params:
                    del st.query_params[k]
            st.session_state[_VIEW_WRITTEN] = (None,) * len(VIEW_PARAMS)
        st.session_state[_VIEW_LINK] = (view, map_key) if view else None
    link = st.session_state.get(_VIEW_LINK)
    return link[0] if link and link[1] == map_key else None


def show_notice(map_key: Any) -> None:
    """The last bad map parameter, one line, while the map it was about is shown."""
    got = st.session_state.get(_NOTICE)
    if got and got[1] == map_key:
        st.warning(md_plain(got[0]))
    elif got:
        del st.session_state[_NOTICE]


def last_view_params() -> dict[str, str]:
    """The map's last view and year as URL parameters, for links back to the map from other pages."""
    view = st.session_state.get(_VIEW_WRITTEN) or ()
    out = {k: v for k, v in zip(VIEW_PARAMS, view) if v is not None}
    year = st.session_state.get(_YEAR_WRITTEN)
    return {**out, YEAR_PARAM: year} if year else out


def remember_view(out: dict | None) -> None:
    """Write the view the map reports into the URL (``lat``, ``lon``, ``z``)."""
    view = view_from_component((out or {}).get("center"), (out or {}).get("zoom"))
    if view is None:
        return
    link = st.session_state.get(_VIEW_LINK)
    if link and view.same_view(link[0]):
        view = link[0]  # the link's view, snapped to whole pixels by Leaflet: the URL keeps what it said
    q = view.to_query()
    for k, v in q.items():
        if st.query_params.get(k) != v:
            st.query_params[k] = v
    st.session_state[_VIEW_WRITTEN] = tuple(q[k] for k in VIEW_PARAMS)
