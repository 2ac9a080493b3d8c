"""The full timeline: facts over time in lanes per country or per outside power."""
import streamlit as st

from atlas.timeline import LANES
from ui.cache import fact_frame
from ui.filters import sidebar_filters, url_choice
from ui.views import filtered_frame, header_metrics, timeline_view

st.set_page_config(page_title="Timeline · Central Asia Influence Atlas", layout="wide")
st.title("Timeline")

filters = sidebar_filters(fact_frame())
lanes = url_choice(st.radio, "Lanes", list(LANES), key="lanes", default="country", format_func=LANES.get,
                   horizontal=True)
frame = filtered_frame(filters)
header_metrics(frame)
timeline_view(frame, filters, lanes)
