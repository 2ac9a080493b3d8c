"""The measures' cache and the two choices pages share: which measure, and datasets in or out.

Both choices live in the URL (``?rank=money&nodatasets=1``), so a link keeps them.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from atlas.views.measures import MEASURES, contributions, money_index
from atlas.views.query import Filters
from ui.cache import get_store
from ui.urlstate import url_choice, url_flag
from ui.views import _filtered

K_MEASURE, K_NO_DATASETS = "rank", "nodatasets"  # "measure" is the map shading's
NO_DATASETS_HELP = "Count only curated and extracted facts: published datasets' records are left out of every figure."


@st.cache_resource(max_entries=3, show_spinner=False)
def _money(url: str, version: str) -> pd.DataFrame:
    return money_index(get_store())


def money_table() -> pd.DataFrame:
    """:func:`atlas.views.measures.money_index` of the app's store, cached per store version."""
    store = get_store()
    return _money(store.url, store.version())


def measure_choice(container=None) -> str:
    """The measure radio (facts / projects / money), mirrored in the URL."""
    box = container or st
    return url_choice(box.radio, "Measure", list(MEASURES), key=K_MEASURE, default="facts",
                      format_func=MEASURES.get, horizontal=True)


def datasets_switch(container=None) -> bool:
    """True when datasets count (the default); the switch leaves them out."""
    return not url_flag("Leave published datasets out", key=K_NO_DATASETS, container=container or st,
                        help=NO_DATASETS_HELP)


# Few entries: contributions of 100,000 facts take ~0.8 s to build and some tens of MB.
@st.cache_resource(max_entries=4, show_spinner=False)
def _contributions(url: str, version: str, f: Filters, datasets: bool) -> pd.DataFrame:
    return contributions(_filtered(url, version, f), _money(url, version), datasets=datasets)


def page_contributions(f: Filters, datasets: bool) -> pd.DataFrame:
    """:func:`atlas.views.measures.contributions` of the facts passing ``f``, cached per store version
    and filters (read it, never change it in place)."""
    store = get_store()
    return _contributions(store.url, store.version(), f, datasets)
