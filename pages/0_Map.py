"""The map page: filtered facts on the map, the clicked fact's detail, and the timeline."""
import streamlit as st

from atlas.maplayers import MEASURES
from ui.filters import url_choice, url_flag
from ui.page import APP_TITLE, page_setup
from ui.views import detail_panel, filtered_frame, header_metrics, map_view, timeline_view

filters = page_setup("Map", heading=APP_TITLE)
measure = url_choice(st.sidebar.selectbox, "Shade countries by", list(MEASURES), key="measure", default="facts",
                     format_func=MEASURES.get)
tiles = url_flag("Online tiles", key="tiles", help="Adds OpenStreetMap tiles (needs internet)")

frame = filtered_frame(filters)
header_metrics(frame)
left, right = st.columns([3, 2])
with left:
    map_view(filters, measure, tiles)
with right:
    detail_panel(filters)
st.subheader("Timeline")
timeline_view(frame, filters)
