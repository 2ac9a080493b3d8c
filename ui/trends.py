"""Counts over time by outside power, for the current filters (Timeline page, beside the lanes)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from atlas.trends import PERIODS, actor_colors, actor_counts, counts_chart
from ui.filters import url_choice

TITLE = "Facts per period by outside power"
NOTE = "A fact involving two powers counts for each. The powers with most facts are named; the rest are Other."


def trends_view(frame: pd.DataFrame) -> None:
    st.subheader(TITLE)
    period = url_choice(st.radio, "Period", list(PERIODS), key="period", default="year", horizontal=True,
                        format_func=str.capitalize)
    counts = actor_counts(frame, period)
    if counts.empty:
        st.info("No dated facts with an outside power match the filters.")
        return
    st.altair_chart(counts_chart(counts, legend_title="Outside power", period=period, colors=actor_colors(counts)),
                    key="trends", width="stretch")
    st.caption(NOTE)
