"""Methodology and sources: where each layer comes from, how facts are made, what measures count."""
import streamlit as st

from atlas.sources.datasets.panel import about_html
from atlas.views.methodology import SECTIONS, layer_table
from ui.cache import fact_frame
from ui.page import page_setup

page_setup("Methodology", heading="Methodology and sources", filters=False)
st.subheader("Layers")
st.dataframe(layer_table(fact_frame()), hide_index=True, key="method_layers")
for heading, text in SECTIONS:
    st.subheader(heading)
    st.markdown(text)  # our own static text, never data
st.subheader("Licences and attributions")
st.html(about_html())  # escaped: built by atlas.sources.datasets.panel from DATASETS
