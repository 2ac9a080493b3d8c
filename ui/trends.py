"""Counts over time by outside power, for the current filters (Timeline page, beside the lanes)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from atlas.views.measures import CURRENCY_BASIS, MEASURES
from atlas.views.query import Filters
from atlas.views.trends import PERIODS, actor_colors, actor_counts, counts_chart, measure_counts
from ui.urlstate import url_choice
from ui.measures import measure_choice, page_contributions

TITLE = "Facts per period by outside power"
NOTE = "A fact involving two powers counts for each. The powers with most facts are named; the rest are Other."
MEASURE_NOTE = ("Each project once per power (linked records once; a co-financed project gives each financier its "
                "share). " + CURRENCY_BASIS)


def trends_view(frame: pd.DataFrame, f: Filters | None = None) -> None:
    measure = measure_choice() if f is not None else "facts"  # the measures need the filters (their cache key)
    st.subheader(TITLE if measure == "facts" else f"{MEASURES[measure]} per period by outside power")
    period = url_choice(st.radio, "Period", list(PERIODS), key="period", default="year", horizontal=True,
                        format_func=str.capitalize)
    if measure == "facts":
        counts = actor_counts(frame, period)
    else:  # projects and money count each project once (atlas.views.measures)
        counts = measure_counts(page_contributions(f, datasets=True), measure, period)
    if counts.empty:
        st.info("No dated facts with an outside power match the filters.")
        return
    st.altair_chart(counts_chart(counts, legend_title="Outside power", period=period, colors=actor_colors(counts),
                                 y_title=MEASURES[measure], y_format="$,.0f" if measure == "money" else ",d"),
                    key="trends", width="stretch")
    st.caption(NOTE if measure == "facts" else MEASURE_NOTE)
