"""The Countries page: one Central Asian state's profile (engine: :mod:`atlas.views.profiles`).

The country is the shared filter's country (``/Countries?country=KAZ``), so the map,
timeline and data pages show the same facts when the user moves on.
"""
from __future__ import annotations

from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from atlas.core.labels import TYPE_COLORS, actor_label
from atlas.core.models import CENTRAL_ASIA
from atlas.views.measures import CURRENCY_BASIS, MEASURES, by_power, total
from atlas.views.profiles import country_profile
from atlas.views.query import Filters
from atlas.core.markup import md_plain
from atlas.views.trends import actor_colors, counts_chart, measure_counts
from ui.cache import get_store
from ui.filters import request_filters
from ui.measures import datasets_switch, measure_choice, page_contributions
from ui.urlstate import page_changed
from ui.views import filtered_frame

PICK = "Choose a country to see what outside powers have done there."
MANY = "Several countries are filtered; this profile shows {name}. The other pages show all of them."
NO_FACTS = "No dated facts about {name} match the filters."
NO_MEASURE = "No {measure} of an outside power in {name} among the filtered facts."
NO_AMOUNTS = "No money amounts among these facts."
AMOUNTS_NOTE = ("Largest amounts of finance facts and dataset records, linked records once. Money measures: "
                + CURRENCY_BASIS + " This list shows other currencies too, as written, after USD.")


def _lower(label: str) -> str:
    return label[:1].lower() + label[1:]


def map_link(f: Filters, fact_id: str) -> str:
    """The Map page (served at the app's root) with these filters and this fact open."""
    return "./?" + urlencode({**f.to_query(), "fact": fact_id}, doseq=True)


def country_choice(f: Filters) -> str | None:
    """Selectbox of the five states, following (and setting) the shared country filter."""
    current = f.countries[0] if f.countries else None
    switched = page_changed("profile")
    if switched or st.session_state.get("_profile_for") != current or "profile_country" not in st.session_state:
        st.session_state["profile_country"] = current  # the filter changed elsewhere: follow it
        st.session_state["_profile_for"] = current
    chosen = st.selectbox("Country", list(CENTRAL_ASIA), key="profile_country", index=None,
                          placeholder="Choose a country", format_func=lambda c: f"{CENTRAL_ASIA[c]} ({c})")
    if chosen and chosen != current:
        request_filters(f.with_(countries=(chosen,)))
    return chosen


def country_view(f: Filters) -> None:
    iso3 = country_choice(f)
    if not iso3:
        st.info(PICK)
        return
    frame = filtered_frame(f)
    p = country_profile(get_store(), frame, iso3)
    st.header(p.name)
    if len(f.countries) > 1:
        st.caption(MANY.format(name=p.name))
    m1, m2 = st.columns([3, 2])
    with m1:
        measure = measure_choice()
    with m2:
        with_datasets = datasets_switch()
    contrib = page_contributions(f, with_datasets)
    contrib = contrib[contrib["country"] == iso3] if len(contrib) else contrib
    leading = by_power(contrib, measure, 5)
    c1, c2, c3 = st.columns(3, wrap=False)
    c1.metric("Facts", f"{p.facts:,}")
    c2.metric("Leading outside power", actor_label(leading[0][0]) if leading else "—",
              help=f"By {_lower(MEASURES[measure])}")
    c3.metric("Routes", f"{len(p.routes):,}")
    st.caption(md_plain(" · ".join(f"{label}: {total(contrib, key).text()}" for key, label in MEASURES.items())))
    if leading:
        st.markdown(f"**Leading outside powers by {_lower(MEASURES[measure])}:**")
        st.markdown("\n".join("- " + md_plain(f"{actor_label(code)}: {fig.text()}") for code, fig in leading))
    st.subheader(f"{MEASURES[measure]} per year by outside power")
    by_actor = measure_counts(contrib, measure)
    if by_actor.empty:
        st.info(NO_FACTS.format(name=p.name) if measure == "facts" else NO_MEASURE.format(
            measure=_lower(MEASURES[measure]), name=p.name))
    else:
        st.altair_chart(counts_chart(by_actor, legend_title="Outside power", colors=actor_colors(by_actor),
                                     y_title=MEASURES[measure], y_format="$,.0f" if measure == "money" else ",d"),
                        key="profile_by_actor", width="stretch")
    st.subheader("Fact types over time")
    if not p.by_type.empty:
        st.altair_chart(counts_chart(p.by_type, legend_title="Fact type", colors=TYPE_COLORS),
                        key="profile_by_type", width="stretch")
    left, right = st.columns(2)
    with left:
        st.subheader("Routes")
        if p.routes.empty:
            st.caption("No pipelines, railways or roads among these facts.")
        else:
            st.dataframe(p.routes.assign(map=[map_link(f, i) for i in p.routes["id"]]), hide_index=True,
                         key="profile_routes", column_config={
                             "map": st.column_config.LinkColumn("Map", display_text="Show on map")})
    with right:
        st.subheader("Largest amounts")
        if not p.amounts:
            st.caption(NO_AMOUNTS)
        else:
            st.dataframe(pd.DataFrame([{"amount": a.formatted, "basis": a.currency, "as written": a.text,
                                        "origin": a.origin, "fact": a.title, "map": map_link(f, a.fact_id)}
                                       for a in p.amounts]),
                         hide_index=True, key="profile_amounts", column_config={
                             "map": st.column_config.LinkColumn("Map", display_text="Show on map")})
            st.caption(AMOUNTS_NOTE)
    st.subheader("Key facts")
    st.caption("Curated and dataset facts first, then the most recent.")
    st.dataframe(p.key_facts.assign(map=[map_link(f, i) for i in p.key_facts["id"]]), hide_index=True,
                 key="profile_key_facts", column_config={
                     "date_start": st.column_config.DateColumn("date"),
                     "map": st.column_config.LinkColumn("Map", display_text="Show on map")})
