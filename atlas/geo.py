"""Country shapes and reference points, from the offline boundaries file."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .files import BOUNDARIES, load_boundaries

COUNTRY_NAMES = {
    "KAZ": "Kazakhstan", "KGZ": "Kyrgyzstan", "TJK": "Tajikistan", "TKM": "Turkmenistan", "UZB": "Uzbekistan",
}


@lru_cache(maxsize=4)
def country_points(path: Path = BOUNDARIES) -> dict[str, tuple[float, float]]:
    """A lon/lat inside each country's polygon, where a country-level fact is drawn."""
    from shapely.geometry import shape

    out = {}
    for feat in load_boundaries(path)["features"]:
        pt = shape(feat["geometry"]).representative_point()
        out[feat["properties"]["iso_a3"]] = (round(pt.x, 3), round(pt.y, 3))
    return out
