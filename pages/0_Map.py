"""The map page: filtered facts on the map, the clicked fact's detail, and the timeline."""
import streamlit as st

from atlas.views.maplayers import MEASURES
from ui import datasets as dataset_widgets
from ui import mapcontrols
from ui.urlstate import url_choice, url_flag
from ui.page import APP_TITLE, page_setup
from ui.mapview import map_view
from ui.views import detail_panel, filtered_frame, header_metrics, timeline_view

filters = page_setup("Map", heading=APP_TITLE)
measure = url_choice(st.sidebar.selectbox, "Shade countries by", list(MEASURES), key="measure", default="facts",
                     format_func=MEASURES.get)
finance_color = dataset_widgets.color_choice()
tiles = url_flag("Online tiles", key="tiles", help="Adds OpenStreetMap tiles (needs internet)")

frame = filtered_frame(filters)
header_metrics(frame)


# Fragments: a marker click or "Close" reruns only the map and its detail panel, a timeline
# drag only the timeline (which then reruns the page when it changes the filters).
@st.fragment(run_every=mapcontrols.play_interval())  # Play: one year per step, this fragment only
def map_and_detail() -> None:
    # The map takes most of the width; the detail panel sits beside it, below it on narrow screens
    # (ui/page.py PAGE_CSS wraps this row under 1000 px).
    left, right = st.columns([5, 2])
    with left:
        map_view(filters, measure, tiles, finance_color=finance_color)
        dataset_widgets.attribution_caption()
    with right:
        detail_panel(filters)


@st.fragment
def timeline_part() -> None:
    st.subheader("Timeline")
    timeline_view(frame, filters)


map_and_detail()
timeline_part()
dataset_widgets.about_section()
