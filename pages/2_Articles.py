"""The reader: an article with its mentions and the evidence of its facts highlighted."""
import streamlit as st

from ui.cache import fact_frame
from ui.filters import sidebar_filters
from ui.views import article_choice, reader_view

st.set_page_config(page_title="Articles · Central Asia Influence Atlas", layout="wide")
st.title("Articles")

sidebar_filters(fact_frame())
article_id = article_choice()
if article_id:
    reader_view(article_id)
