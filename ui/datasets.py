"""Streamlit glue for published datasets: sidebar filters, colour choice, attribution, "About the data".

The shaping lives in :mod:`atlas.sources.datasets` (layer, panel); this is widgets only.
"""
from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from atlas.sources.datasets import DATASETS
from atlas.core.labels import usd
from atlas.sources.datasets.layer import COLOR_BY, LAYER_NAME
from atlas.core.models import STATUSES
from atlas.sources.datasets.panel import about_html
from atlas.views.query import Filters
from ui.cache import fact_frame
from ui.urlstate import url_choice

K_SECTOR, K_STATUS, K_MIN_AMOUNT, K_MAX_AMOUNT = "f_sector", "f_status", "f_min_amount", "f_max_amount"
DATASET_KEYS = (K_SECTOR, K_STATUS, K_MIN_AMOUNT, K_MAX_AMOUNT)
K_COLOR = "finance_color"
NO_LIMIT = float("inf")
AMOUNT_STEPS = (0.0, 1e6, 1e7, 1e8, 1e9, 1e10, NO_LIMIT)


def _amount_label(v: float) -> str:
    return "no limit" if v == NO_LIMIT else ("0" if v == 0 else usd(v))


def _snap(v: float | None, default: float) -> float:
    if v is None:
        return default
    return min(AMOUNT_STEPS, key=lambda s: abs(s - v))  # the nearest step (a URL may hold any number)


def seed(f: Filters) -> None:
    """Set the dataset widgets from ``f`` (deep link, pending change, page switch)."""
    st.session_state[K_SECTOR] = list(f.sectors)
    st.session_state[K_STATUS] = list(f.statuses)
    st.session_state[K_MIN_AMOUNT] = _snap(f.min_amount, 0.0)
    st.session_state[K_MAX_AMOUNT] = _snap(f.max_amount, NO_LIMIT)


def sector_options(frame: pd.DataFrame) -> list[str]:
    if not len(frame) or "sector" not in frame.columns:
        return []
    return sorted(frame.loc[frame["origin"] == "dataset", "sector"].dropna().astype(str).unique())


def widgets(container: Any, frame: pd.DataFrame) -> dict[str, Any]:
    """The sector, status and amount filters; returns their :class:`Filters` fields."""
    if any(k not in st.session_state for k in DATASET_KEYS):
        seed(Filters())
    box = container.expander(LAYER_NAME, expanded=False)
    sectors = box.multiselect("Sector", sorted(set(sector_options(frame)) | set(st.session_state.get(K_SECTOR, []))),
                              key=K_SECTOR, help="AidData's sector of each record (empty: all)")
    statuses = box.multiselect("Status", list(STATUSES), key=K_STATUS, help="Empty: all")
    lo = box.selectbox("Amount at least (constant 2021 USD)", list(AMOUNT_STEPS[:-1]), key=K_MIN_AMOUNT,
                       format_func=_amount_label, help="A bound hides records without an amount")
    hi = box.selectbox("Amount at most", list(AMOUNT_STEPS[1:]), key=K_MAX_AMOUNT, format_func=_amount_label)
    return {"sectors": tuple(sectors), "statuses": tuple(statuses),
            "min_amount": None if lo == 0 else float(lo), "max_amount": None if hi == NO_LIMIT else float(hi)}


def color_choice() -> str:
    return url_choice(st.sidebar.radio, "Colour AidData markers by", list(COLOR_BY), key=K_COLOR, default="power",
                      format_func=COLOR_BY.get, horizontal=True)


def attribution_caption() -> None:
    """The attribution the licences ask for, under the map."""
    lines = [DATASETS[k].short_attribution for k in present_datasets()]
    st.caption(" ".join(lines) + " Base map: Natural Earth (public domain); online tiles © OpenStreetMap "
               "contributors.")


def present_datasets() -> list[str]:
    """Datasets with records in the store (AidData always: it ships), in DATASETS order: only
    their attribution is shown, not that of a dataset nobody imported."""
    df = fact_frame()
    have = set(df["dataset"].dropna().astype(str)) if len(df) and "dataset" in df.columns else set()
    return [k for k in DATASETS if k in have or k == "aiddata"]


def about_section() -> None:
    """"About the data": each dataset, its licences and citations (escaped HTML)."""
    with st.expander("About the data"):
        st.html(about_html(present_datasets()))
        st.caption("Curated facts cite their own sources in the detail panel; country shapes are Natural Earth "
                   "1:110m (public domain).")
