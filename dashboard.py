"""Central Asia Influence Atlas — the map page (entry point: ``streamlit run dashboard.py``)."""
import streamlit as st

from atlas.maps import MEASURES
from ui.cache import fact_frame
from ui.filters import sidebar_filters, url_choice, url_flag
from ui.views import detail_panel, filtered_frame, header_metrics, map_view, timeline_view

st.set_page_config(page_title="Central Asia Influence Atlas", page_icon="🗺️", layout="wide")
st.title("Central Asia Influence Atlas")

filters = sidebar_filters(fact_frame())
measure = url_choice(st.sidebar.selectbox, "Shade countries by", list(MEASURES), key="measure", default="facts",
                     format_func=MEASURES.get)
tiles = url_flag("Online tiles", key="tiles", help="Adds OpenStreetMap tiles (needs internet)")

frame = filtered_frame(filters)
header_metrics(frame)
left, right = st.columns([3, 2])
with left:
    map_view(filters, measure, tiles)
with right:
    detail_panel()
st.subheader("Timeline")
timeline_view(frame, filters)
