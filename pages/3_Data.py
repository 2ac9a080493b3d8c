"""The filtered facts as a table, with CSV and GeoJSON downloads of exactly what is shown."""
import streamlit as st

from ui.cache import fact_frame
from ui.filters import sidebar_filters
from ui.views import data_view, filtered_frame, header_metrics

st.set_page_config(page_title="Data · Central Asia Influence Atlas", layout="wide")
st.title("Data")

filters = sidebar_filters(fact_frame())
header_metrics(filtered_frame(filters))
data_view(filters)
