"""Names and colours shared by the map, the timeline, the detail panel and the filters.

Kept apart from :mod:`atlas.views.maps` so that showing a label or a colour never imports
folium. Pure; no Streamlit.
"""
from __future__ import annotations

from typing import Any

import pandas as pd
import pycountry

from .models import BLOCS

TYPE_COLORS = {
    "diplomacy": "#1f77b4", "security": "#d62728", "finance": "#9467bd", "energy": "#ff7f0e",
    "infrastructure": "#2ca02c", "trade": "#8c564b", "sanctions": "#e377c2",
}
ACTOR_COLORS = {"CHN": "#c0392b", "RUS": "#2e86c1", "USA": "#1a237e", "EU": "#f1c40f", "TUR": "#16a085",
                "GBR": "#7d3c98", "JPN": "#e67e22", "KOR": "#5d6d7e", "IRN": "#27ae60", "IND": "#d35400"}
OTHER_ACTOR_COLORS = ("#8e44ad", "#2c3e50", "#a04000", "#117864", "#b03a2e", "#1f618d")


def actor_label(code: str) -> str:
    """Name of an outside power or bloc.

    >>> actor_label("CHN"), actor_label("EU"), actor_label("XYZ")
    ('China', 'European Union', 'XYZ')
    """
    if code in BLOCS:
        return BLOCS[code]
    try:
        c = pycountry.countries.get(alpha_3=code)
    except (LookupError, KeyError):
        c = None
    return (getattr(c, "common_name", None) or c.name) if c else code


def actor_color(code: str, order: list[str]) -> str:
    """A fixed colour for the main powers; others by their place in ``order``."""
    if code in ACTOR_COLORS:
        return ACTOR_COLORS[code]
    return OTHER_ACTOR_COLORS[order.index(code) % len(OTHER_ACTOR_COLORS)] if code in order else "#777777"


def short_date(ts: Any, precision: Any) -> str:
    """``2023-05-19`` / ``2023-05`` / ``2023`` by precision; '' when unknown.

    >>> short_date(pd.Timestamp("2023-05-19"), "month"), short_date(None, "day")
    ('2023-05', '')
    """
    if ts is None or pd.isna(ts):
        return ""
    if precision == "year":
        return f"{ts.year:04d}"
    if precision == "month":
        return f"{ts.year:04d}-{ts.month:02d}"
    return f"{ts.year:04d}-{ts.month:02d}-{ts.day:02d}"
