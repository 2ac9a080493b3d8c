"""The naive map: one ``folium.CircleMarker`` per fact, the reference the app's map is measured
and checked against (benchmarks/bench.py, tests/test_maps.py). Not used by the app."""
from __future__ import annotations

import folium
import pandas as pd

from atlas.core.labels import TYPE_COLORS
from atlas.views.maps import layers_by_name
from atlas.core.markup import esc
from atlas.core.webassets import offline_map


def build_map_naive(frame: pd.DataFrame) -> folium.Map:
    """Reference: one ``folium.CircleMarker`` per located fact (children named ``fact:<id>``)."""
    m = folium.Map(location=[44.0, 66.0], zoom_start=4, tiles=None)
    for fid, title, ftype, lon, lat in zip(frame["id"], frame["title"], frame["type"], frame["lon"], frame["lat"]):
        if pd.isna(lon) or pd.isna(lat):
            continue
        color = TYPE_COLORS.get(ftype, "#444")
        marker = folium.CircleMarker([float(lat), float(lon)], radius=5, color=color, fill=True,
                                     tooltip=esc(title))
        m.add_child(marker, name=f"fact:{fid}")
    return offline_map(m)


def shown_fact_ids(m: folium.Map) -> set[str]:
    """Ids of facts drawn individually on a map made by either builder."""
    ids = {name[5:] for name in m._children if name.startswith("fact:")}
    for layer in layers_by_name(m).values():
        ids |= {f["properties"]["id"] for f in layer.data["features"] if "id" in f["properties"]}
    return ids
