"""The Compare page: chosen outside powers side by side per state (engine: :mod:`atlas.views.compare`).

Countries and powers are the shared filters (``/Compare?country=UZB&actor=CHN&actor=RUS``).
Every number opens the facts behind it: click a cell of the balance table or a bar.
"""
from __future__ import annotations

from typing import Mapping
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from atlas.views.compare import (COLUMNS, METHOD, compare, facts_behind, facts_by_type, facts_text, money_by_year,
                           side_by_side_chart)
from atlas.core.labels import actor_label, usd
from atlas.core.markup import md_plain
from atlas.core.models import CENTRAL_ASIA, FACT_TYPES
from atlas.views.query import Filters
from ui.measures import datasets_switch, money_table, page_contributions
from ui.profile import map_link
from ui.views import filtered_frame

PICK_CELL = "Click a number in the table, or a bar, to list the facts behind it."
HEADINGS = {v: k for k, v in COLUMNS.items()}


def data_link(f: Filters, country: str, power: str) -> str:
    """The Data page with this state and power as filters (the other filters kept)."""
    return "Data?" + urlencode(f.with_(countries=(country,), actors=(power,)).to_query(), doseq=True)


def _selection(event) -> Mapping:
    """An event's selection (Streamlit's state objects are dicts with attribute access)."""
    sel = event.get("selection") if isinstance(event, Mapping) else getattr(event, "selection", None)
    return sel if isinstance(sel, Mapping) else {}


def _behind_table(f: Filters, facts: pd.DataFrame, key: str) -> None:
    shown = pd.DataFrame({"usd": [usd(v) if v == v else "" for v in facts["usd"]], "title": facts["title"],
                          "date": facts["date_start"], "type": facts["type"], "origin": facts["origin"],
                          "map": [map_link(f, i) for i in facts["id"]], "id": facts["id"]})
    st.dataframe(shown, hide_index=True, key=key, column_config={
        "date": st.column_config.DateColumn("date"),
        "usd": st.column_config.TextColumn("USD to this power"),
        "map": st.column_config.LinkColumn("Map", display_text="Show on map")})


def _balance(f: Filters, comp, frame: pd.DataFrame, country: str) -> None:
    bal = comp.balance[comp.balance["country"] == country].reset_index(drop=True)
    shown = pd.DataFrame({"Power": bal["power"]})
    for key, heading in COLUMNS.items():
        shown[heading] = [usd(v) if v else "$0" for v in bal[key]] if key == "money" else bal[key].astype(int)
    shown["Facts by part"] = bal["facts_parts"]
    shown["Projects by part"] = bal["projects_parts"]
    shown["Money by part"] = bal["money_parts"]
    shown["Data"] = [data_link(f, country, a) for a in bal["actor"]]
    event = st.dataframe(shown, hide_index=True, key=f"cmp_balance_{country}", on_select="rerun",
                         selection_mode="single-cell", column_config={
                             "Data": st.column_config.LinkColumn("Data", display_text="All facts")})
    cells = list(_selection(event).get("cells") or [])
    if cells:
        row, column = (list(cells[0]) + [None, None])[:2]
        kind = HEADINGS.get(column, "facts")
        if isinstance(row, int) and 0 <= row < len(bal):  # Streamlit checks selections; still, never trust them
            power = bal["actor"].iloc[row]
            facts = facts_behind(comp, frame, country, power, kind)
            st.markdown(md_plain(f"{COLUMNS[kind]}: {actor_label(power)} in {CENTRAL_ASIA[country]} "
                                 f"({facts_text(len(facts))})"))
            _behind_table(f, facts, f"cmp_behind_{country}")


def _picked(event, powers: tuple[str, ...], field: str, allowed) -> tuple[str, str] | None:
    """The clicked bar's (power, x value), or None; values come from the browser, so are checked."""
    sel = _selection(event)
    picks = sel.get("pick") or []
    if not picks or not isinstance(picks[0], dict):
        return None
    power, value = picks[0].get("actor"), str(picks[0].get(field))
    return (power, value) if power in powers and allowed(value) else None


# chart → (heading, data, x, y, y title, x type, number format, text when empty)
CHARTS = {
    "money": ("Money committed by year", money_by_year, "year", "usd_m", "USD committed, millions", "O", "$,.1f",
              "No USD amounts among these facts."),
    "types": ("Facts by type", facts_by_type, "type", "facts", "Facts", "N", ",d", "No facts of these powers here."),
}


def _chart(f: Filters, comp, frame: pd.DataFrame, country: str, which: str) -> None:
    """One side-by-side chart; a clicked bar lists the facts behind it."""
    heading, data_of, x, y, y_title, x_type, fmt, empty = CHARTS[which]
    st.subheader(heading)
    data = data_of(comp, country)
    if data.empty:
        st.caption(empty)
        return
    event = st.altair_chart(side_by_side_chart(data, x=x, y=y, y_title=y_title, powers=comp.powers, x_type=x_type,
                                               fmt=fmt), key=f"cmp_{which}_{country}", on_select="rerun",
                            width="stretch")
    ok = (lambda v: v.isdigit() and len(v) == 4) if x == "year" else (lambda v: v in FACT_TYPES)
    pick = _picked(event, comp.powers, x, ok)
    if not pick:
        return
    power, value = pick
    if x == "year":
        facts = facts_behind(comp, frame, country, power, "money", year=int(value))
    else:
        facts = facts_behind(comp, frame, country, power, "facts")
        facts = facts[facts["type"].astype(str) == value]
    st.markdown(md_plain(f"{actor_label(power)}, {value} ({facts_text(len(facts))})"))
    _behind_table(f, facts, f"cmp_{which}_facts_{country}")


def compare_view(f: Filters) -> None:
    with_datasets = datasets_switch()
    frame = filtered_frame(f)
    comp = compare(frame, money_table(), f.countries, f.actors, datasets=with_datasets,
                   contrib=page_contributions(f, with_datasets))
    for notice in comp.notices:
        st.info(notice)
    if comp.balance.empty:
        return
    with st.expander("How these numbers are made", expanded=False):
        st.markdown(METHOD)
    st.caption(PICK_CELL)
    for country in comp.countries:
        st.header(CENTRAL_ASIA[country])
        st.subheader("Influence balance")
        _balance(f, comp, frame, country)
        left, right = st.columns(2)
        with left:
            _chart(f, comp, frame, country, "money")
        with right:
            _chart(f, comp, frame, country, "types")
