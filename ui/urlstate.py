"""Widgets mirrored in the URL, and the URL's filters: the small layer under ``ui.filters``,
``ui.datasets``, ``ui.measures`` and ``ui.search`` (which it lets import each other's widgets
without circles). Nothing here imports another ui module."""
from __future__ import annotations

from typing import Any, Callable, Sequence

import streamlit as st

from atlas.views.query import Filters
from ui.st_internals import current_page_hash

SAVED_FILTERS = "_atlas_filters"  # session_state: the filters of the last run


def query_dict() -> dict[str, list[str]]:
    return {k: st.query_params.get_all(k) for k in st.query_params.keys()}


def page_changed(tag: str) -> bool:
    """True on the first run of a page other than the one that last drew ``tag``'s widgets.

    A page switch gives widgets new ids, so Streamlit resets them to their defaults even
    though their keys are still in the session: callers then put the saved values back.
    """
    key = f"_atlas_page_{tag}"
    page = current_page_hash()
    changed = st.session_state.get(key) != page
    st.session_state[key] = page
    return changed


def current_filters() -> Filters:
    """The filters of the last run (for callbacks and pages that have not run the sidebar)."""
    return st.session_state.get(SAVED_FILTERS) or Filters.from_query(query_dict())[0]


def url_choice(widget: Callable[..., Any], label: str, options: Sequence[Any], *, key: str, default: Any,
               **kw: Any) -> Any:
    """A selectbox/radio whose value is mirrored in the URL as ``?key=value`` (default omitted)."""
    raw = st.query_params.get(key)
    if key not in st.session_state:
        st.session_state[key] = raw if raw in options else default
    value = widget(label, list(options), key=key, **kw)
    if value == default:
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get(key) != str(value):
        st.query_params[key] = str(value)
    return value


def url_flag(label: str, *, key: str, container: Any = None, **kw: Any) -> bool:
    """A checkbox mirrored in the URL as ``?key=1`` when on."""
    if key not in st.session_state:
        st.session_state[key] = st.query_params.get(key) == "1"
    value = (container or st.sidebar).checkbox(label, key=key, **kw)
    if value:
        if st.query_params.get(key) != "1":
            st.query_params[key] = "1"
    elif key in st.query_params:
        del st.query_params[key]
    return bool(value)
