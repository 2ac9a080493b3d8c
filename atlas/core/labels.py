"""Names and colours shared by the map, the timeline, the detail panel and the filters.

Kept apart from :mod:`atlas.views.maps` so that showing a label or a colour never imports
folium. Pure; no Streamlit.
"""
from __future__ import annotations

import colorsys
import hashlib
import math
from typing import Any

import pandas as pd
import pycountry

from .models import BLOCS

TYPE_COLORS = {
    "diplomacy": "#1f77b4", "security": "#d62728", "finance": "#9467bd", "energy": "#ff7f0e",
    "infrastructure": "#2ca02c", "trade": "#8c564b", "sanctions": "#e377c2",
}
# One colour per outside power or bloc, the same on the map, the timeline and every chart.
# Fixed for the main powers, blocs and lenders (told apart by hue and lightness); any other
# code gets a colour from its name (power_color), so it never changes between pages or runs.
POWER_COLORS = {
    # states
    "CHN": "#d62728", "RUS": "#1f5fa8", "USA": "#6a3d9a", "TUR": "#17a589", "JPN": "#ff7f0e",
    "KOR": "#7f8c8d", "IND": "#b8860b", "IRN": "#2e7d32", "GBR": "#c2185b", "DEU": "#4e342e",
    "FRA": "#5c6bc0", "ARE": "#8d6e63", "SAU": "#558b2f", "QAT": "#880e4f", "KWT": "#00838f",
    "PAK": "#9ccc65", "AFG": "#a1887f", "ITA": "#26a69a", "UKR": "#fbc02d",
    # blocs
    "EU": "#f2c500", "CSTO": "#0d3b66", "EAEU": "#64b5f6", "SCO": "#ef6c00", "OTS": "#4db6ac",
    "NATO": "#283593", "UN": "#4fc3f7", "CIS": "#90a4ae",
    # lenders
    "WB": "#00695c", "ADB": "#0288d1", "AIIB": "#ad1457", "EBRD": "#6d4c41", "EIB": "#c0ca33",
    "EDB": "#7e57c2", "ISDB": "#388e3c", "OPECF": "#795548", "IMF": "#455a64",
}
NO_POWER_COLOR = "#9e9e9e"  # facts without an outside power; "Other" in charts


def power_color(code: str | None) -> str:
    """The colour of an outside power or bloc (ISO3 or a :data:`atlas.core.models.BLOCS` code).

    Fixed for the codes in :data:`POWER_COLORS`; any other code gets a mid-light colour
    from a hash of its name (the same everywhere, every run); no code gives grey.

    >>> power_color("CHN"), power_color("WB"), power_color(None)
    ('#d62728', '#00695c', '#9e9e9e')
    >>> power_color("XYZ") == power_color("XYZ") and power_color("XYZ").startswith("#")
    True
    """
    if not code:
        return NO_POWER_COLOR
    code = str(code).strip().upper()
    if code in POWER_COLORS:
        return POWER_COLORS[code]
    digest = hashlib.sha1(code.encode("utf-8")).digest()
    hue, light, sat = digest[0] / 255, 0.38 + digest[1] / 255 * 0.17, 0.55 + digest[2] / 255 * 0.3
    r, g, b = colorsys.hls_to_rgb(hue, light, sat)
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


def first_power(actors: Any) -> str:
    """The first actor of a fact's ``actors`` ("CHN|RUS" or a list): the power whose colour it takes.

    >>> first_power("CHN|RUS"), first_power(["EU"]), first_power(None)
    ('CHN', 'EU', '')
    """
    if isinstance(actors, str):
        return actors.split("|", 1)[0].strip()
    if isinstance(actors, (list, tuple)) and actors:
        return str(actors[0])
    return ""


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


def usd(amount: float | None) -> str:
    """An amount in US dollars, as the map, the panels and the exports show it.

    >>> usd(1327239416.6), usd(46093526.3), usd(None)
    ('$1.33 bn', '$46.1 m', 'amount unknown')
    """
    if amount is None or (isinstance(amount, float) and math.isnan(amount)):
        return "amount unknown"
    if amount >= 1e9:
        return f"${amount / 1e9:.2f} bn"
    if amount >= 1e6:
        return f"${amount / 1e6:.1f} m"
    return f"${amount:,.0f}"
