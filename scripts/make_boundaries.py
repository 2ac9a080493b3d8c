"""Write data/boundaries/countries.geojson, the offline base map.

Source: Natural Earth 1:110m Admin 0 countries (public domain,
https://www.naturalearthdata.com), as shipped by the PyPI package pyogrio among its
test fixtures (`pyogrio/tests/fixtures/naturalearth_lowres`). Nothing is downloaded.

Polygons are clipped to a window around Central Asia so Russia and China stay small,
and coordinates are rounded to 3 decimals (~100 m, far below the 1:110m accuracy).
Run: python scripts/make_boundaries.py
"""
from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pyogrio
from shapely.geometry import box, mapping

CENTRAL_ASIA = ["KAZ", "KGZ", "TJK", "TKM", "UZB"]
NEIGHBOURS = ["CHN", "RUS", "AFG", "IRN", "MNG", "PAK", "IND", "AZE", "GEO", "ARM", "TUR"]
WINDOW = box(25.0, 15.0, 135.0, 62.0)  # lon/lat window the map can show
OUT = Path(__file__).resolve().parents[1] / "data" / "boundaries" / "countries.geojson"


def _rounded(obj):
    if isinstance(obj, (list, tuple)):
        if obj and isinstance(obj[0], float):
            return [round(v, 3) for v in obj]
        return [_rounded(v) for v in obj]
    return obj


def build() -> dict:
    shp = Path(pyogrio.__file__).parent / "tests/fixtures/naturalearth_lowres/naturalearth_lowres.shp"
    frame = gpd.read_file(shp)
    frame = frame[frame["iso_a3"].isin(CENTRAL_ASIA + NEIGHBOURS)]
    features = []
    for row in frame.sort_values("iso_a3").itertuples():
        geom = row.geometry.intersection(WINDOW)
        if geom.is_empty:
            continue
        gj = mapping(geom)
        features.append({
            "type": "Feature",
            "properties": {
                "iso_a3": row.iso_a3,
                "name": row.name,
                "central_asia": row.iso_a3 in CENTRAL_ASIA,
            },
            "geometry": {"type": gj["type"], "coordinates": _rounded(json.loads(json.dumps(gj["coordinates"])))},
        })
    return {
        "type": "FeatureCollection",
        "source": "Natural Earth 1:110m Admin 0 countries (public domain), via pyogrio test fixtures",
        "features": features,
    }


if __name__ == "__main__":
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(build(), separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ")
