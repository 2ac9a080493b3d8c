"""The full timeline: facts over time in lanes per country or per outside power."""
import streamlit as st

from atlas.timeline import LANES
from ui.filters import url_choice
from ui.page import page_setup
from ui.views import filtered_frame, header_metrics, timeline_view

filters = page_setup("Timeline")

lanes = url_choice(st.radio, "Lanes", list(LANES), key="lanes", default="country", format_func=LANES.get,
                   horizontal=True)
frame = filtered_frame(filters)
header_metrics(frame)
timeline_view(frame, filters, lanes)
