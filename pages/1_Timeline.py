"""The full timeline: facts over time in lanes per country or per outside power, and counts by power."""
import streamlit as st

from atlas.views.timeline import LANES
from ui.urlstate import url_choice
from ui.page import page_setup
from ui.trends import trends_view
from ui.views import filtered_frame, header_metrics, timeline_view

filters = page_setup("Timeline")

frame = filtered_frame(filters)
header_metrics(frame)
lanes_col, trends_col = st.columns([3, 2])
with lanes_col:
    lanes = url_choice(st.radio, "Lanes", list(LANES), key="lanes", default="country", format_func=LANES.get,
                       horizontal=True)
    timeline_view(frame, filters, lanes)
with trends_col:
    trends_view(frame, filters)
