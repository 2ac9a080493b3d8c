"""The shared sidebar filters, kept in ``st.query_params`` so a link reproduces the view.

The URL carries exactly ``Filters.to_query()``. Widgets have explicit keys; their
values are seeded from the URL (first run, deep link), from a pending change
requested by the map or timeline (:func:`request_filters`), or from the filters saved
in the session (after a page switch that dropped the query string). After the
widgets run, their values are written back to the URL.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Sequence

import pandas as pd
import streamlit as st

from atlas.core.actors import choice_label
from atlas.core.markup import md_plain, md_warning
from atlas.core.models import CENTRAL_ASIA, FACT_TYPES, ORIGINS
from atlas.views.query import DEFAULT_TRUST, TRUST_LEVELS, Filters, date_bounds, trust_level
from ui import datasets as dataset_widgets
from ui.cache import SOURCES_PROBLEM, actor_choices, source_problems
from ui.urlstate import SAVED_FILTERS as _SAVED
from ui.urlstate import page_changed, query_dict

K_COUNTRIES, K_ACTORS, K_TYPES, K_DATES = "f_countries", "f_actors", "f_types", "f_dates"
K_ORIGIN, K_TRUST, K_MINCONF = "f_origin", "f_trust", "f_minconf"
WIDGET_KEYS = dataset_widgets.DATASET_KEYS + (
    K_COUNTRIES, K_ACTORS, K_TYPES, K_DATES, K_ORIGIN, K_TRUST, K_MINCONF)
TRUST_HELP = ("Curated facts (hand-checked, sourced) and facts from published datasets always show. "
              "Extracted facts come from news articles by machine; rejected ones never show.")
TRUST_DEFAULT_NOTE = f"Default: {TRUST_LEVELS[DEFAULT_TRUST][0].lstrip('+ ')}, with curated and dataset facts."
FILTER_PARAMS = tuple(Filters._PARAMS.values())
_PENDING = "_atlas_pending_filters"
_WRITTEN = "_atlas_written_query"
_BOUNDS = "_atlas_date_bounds"
DEFAULT_BOUNDS = (date(1991, 1, 1), date.today())




def _filter_part(q: dict[str, list[str]]) -> dict[str, list[str]]:
    return {k: list(v) for k, v in q.items() if k in FILTER_PARAMS}




def request_filters(f: Filters) -> None:
    """Change the filters from outside the sidebar (map click, timeline) and rerun."""
    st.session_state[_PENDING] = f
    st.rerun()




def _bounds(frame: pd.DataFrame) -> tuple[date, date]:
    b = date_bounds(frame) if len(frame) else None
    lo, hi = b or DEFAULT_BOUNDS
    if lo >= hi:
        hi = lo + timedelta(days=1)
    return lo, hi


def _seed(f: Filters, actors: Sequence[str], bounds: tuple[date, date]) -> None:
    lo, hi = bounds
    since = min(max(f.since or lo, lo), hi)
    until = max(min(f.until or hi, hi), since)
    st.session_state[K_COUNTRIES] = list(f.countries)
    st.session_state[K_ACTORS] = [a for a in f.actors]
    st.session_state[K_TYPES] = list(f.types)
    st.session_state[K_DATES] = (since, until)
    st.session_state[K_ORIGIN] = list(f.origins)
    st.session_state[K_TRUST] = trust_level(f.reviews)
    st.session_state[K_MINCONF] = float(f.min_confidence)
    dataset_widgets.seed(f)


def write_query(f: Filters) -> None:
    """Make the URL's filter parameters exactly ``f.to_query()`` (other parameters kept)."""
    want = f.to_query()
    have = _filter_part(query_dict())
    if want == have:
        return
    for k in have:
        if k not in want:
            del st.query_params[k]
    for k, v in want.items():
        if have.get(k) != v:
            st.query_params[k] = v


def sidebar_filters(frame: pd.DataFrame) -> Filters:
    """Draw the shared filter widgets in the sidebar; return the filters they set."""
    if source_problems():
        st.warning(SOURCES_PROBLEM + "\n\n" + "\n".join(f"- {md_plain(p)}" for p in source_problems()[:10]))
    q = query_dict()
    url_part = _filter_part(q)
    bounds = _bounds(frame)
    pending = st.session_state.pop(_PENDING, None)
    switched = page_changed("filters")
    warnings: list[str] = []
    seed: Filters | None = None
    if pending is not None:
        seed = pending
    elif url_part and url_part != st.session_state.get(_WRITTEN):
        seed, warnings = Filters.from_query(q)  # first run or a deep link: the URL wins
    elif (switched or any(k not in st.session_state for k in WIDGET_KEYS)
          or st.session_state.get(_BOUNDS) != bounds):
        seed = st.session_state.get(_SAVED) or Filters.from_query(q)[0]
    actors = actor_choices()
    if seed is not None:
        actors = list(dict.fromkeys([*actors, *seed.actors]))
        _seed(seed, actors, bounds)
    else:
        actors = list(dict.fromkeys([*actors, *st.session_state.get(K_ACTORS, [])]))
    st.session_state[_BOUNDS] = bounds
    for w in warnings:
        st.warning(md_warning(w))  # the values come from the URL: shown as code, never markdown or a link

    sb = st.sidebar
    sb.header("Filters")
    countries = sb.multiselect("Countries", list(CENTRAL_ASIA), key=K_COUNTRIES,
                               format_func=lambda c: f"{CENTRAL_ASIA[c]} ({c})")
    chosen_actors = sb.multiselect("Actors", actors, key=K_ACTORS, format_func=choice_label,
                                   help="Outside powers and blocs involved; common names work (Turkey, US, EU)")
    types = sb.multiselect("Fact types", list(FACT_TYPES), key=K_TYPES)
    lo, hi = bounds
    since, until = sb.slider("Dates", min_value=lo, max_value=hi, key=K_DATES, format="YYYY-MM-DD")
    origins = sb.multiselect("Origin", list(ORIGINS), key=K_ORIGIN, help="Empty: curated and extracted")
    trust = sb.radio("Facts to show", list(TRUST_LEVELS), key=K_TRUST, format_func=lambda k: TRUST_LEVELS[k][0],
                     help=TRUST_HELP)
    sb.caption(TRUST_DEFAULT_NOTE)
    minconf = sb.slider("Minimum confidence", min_value=0.0, max_value=1.0, step=0.05, key=K_MINCONF,
                        help="For extracted facts")
    finance = dataset_widgets.widgets(sb, frame)
    f = Filters(
        countries=tuple(countries), actors=tuple(chosen_actors), types=tuple(types),
        since=since if since > lo else None, until=until if until < hi else None,
        origins=tuple(origins), reviews=TRUST_LEVELS[trust][1], min_confidence=round(float(minconf), 2), **finance,
    )
    write_query(f)
    st.session_state[_WRITTEN] = f.to_query()
    st.session_state[_SAVED] = f
    return f
