"""Every located, non-rejected fact of ``ATLAS_DB`` as one ``st.pydeck_chart`` scatter layer:
the reference the atlas's map is compared with (benchmarks/browserbench.py). Not part of the app.

    ATLAS_DB=/tmp/store.sqlite streamlit run benchmarks/pydeck_map.py

No base map: pydeck's default ``map_style`` sentinel with ``map_provider=None`` makes
Streamlit's deck.gl chart draw no tiles. (``map_style=None`` would not do: Streamlit's front
end then picks a Carto style from the internet.)
"""
from __future__ import annotations

import sys
from pathlib import Path

import pydeck as pdk
import streamlit as st

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

POINT_COLOR = (230, 25, 25)  # browserbench.red_pixels looks for this colour on the canvas


def every_located_fact():
    """Located facts that the unfiltered map shows (bench.py's ``shown_all``): lon, lat, title."""
    from atlas.db.store import Store
    from atlas.views.query import Filters, apply_filters, load_frame

    store = Store()  # ATLAS_DB, as the app chooses it
    try:
        frame = apply_filters(load_frame(store), Filters(reviews=("accepted", "pending")))
    finally:
        store.dispose()
    located = frame[frame["lon"].notna() & frame["lat"].notna()]
    return located[["lon", "lat", "title"]].reset_index(drop=True)


def main() -> None:
    st.set_page_config(page_title="pydeck reference map", layout="wide")
    points = every_located_fact()
    st.caption(f"{len(points):,} facts, one point each (st.pydeck_chart)")
    layer = pdk.Layer("ScatterplotLayer", data=points, get_position=["lon", "lat"],
                      get_fill_color=list(POINT_COLOR), get_radius=4000, radius_min_pixels=3, pickable=True)
    deck = pdk.Deck(layers=[layer], map_provider=None,
                    initial_view_state=pdk.ViewState(latitude=43.0, longitude=66.0, zoom=3.6),
                    tooltip={"text": "{title}"})
    st.pydeck_chart(deck, height=700)


if __name__ == "__main__":
    main()
