"""Point markers as one compact JSON array, their shapes and the powers they show. Pure.

The map draws every point fact (events, pressure, dataset records, grid cells) from ONE
array of short records (:func:`point_records`) with one small JS function
(``atlas/map_points.js``), not one folium object per fact, so a later step can ship the
array as a separate resource and cluster 100,000 points in the browser. Colour is the
fact's first outside power (:func:`atlas.core.labels.power_color`), shape its fact type
(:data:`SHAPES`); the key (:mod:`atlas.views.maps`) draws the same shapes from the same table.
"""
from __future__ import annotations

import base64
import math
from typing import Any, Iterable

from ..core.labels import actor_label, power_color
from ..core.markup import esc
from ..core.models import FACT_TYPES

# Fact type → marker shape: "circle" or a polygon in a unit box (x right, y down).
_HEX = [[round(0.5 + 0.5 * math.cos(math.radians(a)), 3), round(0.5 + 0.5 * math.sin(math.radians(a)), 3)]
        for a in range(0, 360, 60)]
SHAPES: dict[str, Any] = {
    "diplomacy": "circle",
    "security": [[0.5, 0.02], [0.98, 0.92], [0.02, 0.92]],  # triangle
    "finance": [[0.08, 0.08], [0.92, 0.08], [0.92, 0.92], [0.08, 0.92]],  # square
    "energy": [[0.5, 0.0], [1.0, 0.5], [0.5, 1.0], [0.0, 0.5]],  # diamond
    "infrastructure": _HEX,  # hexagon
    "trade": [[0.02, 0.08], [0.98, 0.08], [0.5, 0.98]],  # triangle pointing down
    "sanctions": [[0.0, 0.2], [0.2, 0.0], [0.5, 0.3], [0.8, 0.0], [1.0, 0.2], [0.7, 0.5], [1.0, 0.8],
                  [0.8, 1.0], [0.5, 0.7], [0.2, 1.0], [0.0, 0.8], [0.3, 0.5]],  # an X
}
assert set(SHAPES) == set(FACT_TYPES), "every fact type needs a marker shape"

# Which layer a record belongs to (its index in the JSON): atlas.views.maps names them.
POINT_LAYERS = ("events", "pressure", "finance")
# One record: [layer, lon, lat, id, title, type, shape, origin, date, power, year, radius, note, hollow, n,
# more] (more: 1 when the fact names several outside powers and takes the first one's colour)
RECORD_FIELDS = ("layer", "lon", "lat", "id", "title", "type", "shape", "origin", "date", "power", "year",
                 "r", "note", "hollow", "n", "more")


def _points(geometry: dict) -> list[list[float]]:
    if geometry.get("type") == "MultiPoint":
        return [list(c[:2]) for c in geometry.get("coordinates") or []]
    return [list(geometry["coordinates"][:2])]


def point_records(layers: dict[str, dict]) -> list[list]:
    """The compact records of the point layers (``{"events": fc, "pressure": fc, "finance": fc}``).

    A MultiPoint fact gives one record per point, all with the same id (one fact, one
    panel); a grid cell (``properties.n``) gives a record with empty id and its count.
    Strings are the layers' already escaped properties.

    >>> fc = {"features": [{"geometry": {"type": "MultiPoint", "coordinates": [[70, 40], [71, 41]]},
    ...        "properties": {"id": "P1", "title": "t", "type": "finance", "origin": "dataset",
    ...                       "date": "2020", "power": "WB", "year": 2020}}]}
    >>> [r[:4] for r in point_records({"finance": fc})]
    [[2, 70, 40, 'P1'], [2, 71, 41, 'P1']]
    """
    out: list[list] = []
    for k, name in enumerate(POINT_LAYERS):
        for feat in (layers.get(name) or {}).get("features", []):
            p = feat["properties"]
            if "n" in p and "id" not in p:
                rec = [k, None, None, "", "", "", "", "", "", "", None, 0, "", 0, int(p["n"]), 0]
            else:
                note = " · ".join(x for x in (p.get("status", ""), p.get("amount", "")) if x)
                rec = [k, None, None, p["id"], p.get("title", ""), p.get("type", ""),
                       p.get("shape") or p.get("type", ""), p.get("origin", ""), p.get("date", ""),
                       p.get("power", ""), p.get("year"), p.get("r", 0), note, 1 if p.get("hollow") else 0, 1,
                       1 if p.get("more") else 0]
            for lon, lat in _points(feat["geometry"]):
                out.append([rec[0], lon, lat, *rec[3:]])
    return out


def powers_shown(records: Iterable[list], lines: Iterable[dict] = ()) -> list[tuple[str, int]]:
    """(power code, number of facts) drawn on the map, most facts first; '' = no outside power.

    >>> powers_shown([[0, 1, 2, "a", "", "", "", "", "", "CHN"], [0, 1, 2, "a", "", "", "", "", "", "CHN"],
    ...               [0, 1, 2, "b", "", "", "", "", "", "RUS"]])
    [('CHN', 1), ('RUS', 1)]
    """
    seen: dict[str, str] = {}
    for r in records:
        if r[3]:
            seen[r[3]] = r[9]
    for feat in lines:
        p = feat.get("properties", {})
        if p.get("id"):
            seen[p["id"]] = p.get("power", "")
    counts: dict[str, int] = {}
    for power in seen.values():
        counts[power] = counts.get(power, 0) + 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0] == "", kv[0]))


def power_colors(powers: Iterable[str]) -> dict[str, str]:
    """Code → colour for the JS (the same as :func:`atlas.core.labels.power_color`)."""
    return {p: power_color(p) for p in powers}


def power_names(powers: Iterable[str]) -> dict[str, str]:
    """Code → escaped display name for the JS (cluster titles)."""
    return {p: esc(actor_label(p)) if p else "no outside power" for p in powers}


def shape_svg(shape: Any, size: int, fill: str, stroke: str = "#222", *, fill_opacity: float = 0.95,
              stroke_width: float = 1.2, dash: str = "") -> str:
    """One marker shape as an image (the key; the map's JS draws the same SVG).

    >>> shape_svg("circle", 10, "#d62728").startswith('<img class="atlas-key-shape"')
    True
    """
    pad = stroke_width + 1
    box = size + 2 * pad
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    style = (f'fill="{fill}" fill-opacity="{fill_opacity}" stroke="{stroke}" stroke-width="{stroke_width}"'
             f'{dash_attr}')
    if shape == "circle" or not isinstance(shape, list):
        body = f'<circle cx="{box / 2}" cy="{box / 2}" r="{size / 2}" {style}/>'
    else:
        pts = " ".join(f"{round(pad + x * size, 2)},{round(pad + y * size, 2)}" for x, y in shape)
        body = f'<polygon points="{pts}" {style}/>'
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{box}" height="{box}" viewBox="0 0 {box} {box}">'
           f"{body}</svg>")
    # An image, not inline SVG: Streamlit's st.html sanitises inline SVG away.
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return (f'<img class="atlas-key-shape" alt="" width="{box}" height="{box}" style="vertical-align:middle" '
            f'src="data:image/svg+xml;base64,{data}">')
