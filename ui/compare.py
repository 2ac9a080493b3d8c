"""The Compare page: chosen outside powers side by side per state (engine: :mod:`atlas.compare`).

Countries and powers are the shared filters (``/Compare?country=UZB&actor=CHN&actor=RUS``).
Every number opens the facts behind it: click a cell of the balance table or a bar.
"""
from __future__ import annotations

from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from atlas.compare import (COLUMNS, METHOD, compare, facts_behind, facts_by_type, facts_text, money_by_year,
                           side_by_side_chart)
from atlas.datasets.layer import usd
from atlas.labels import actor_label
from atlas.markup import md_plain
from atlas.models import CENTRAL_ASIA, FACT_TYPES
from atlas.query import Filters
from ui.measures import datasets_switch, money_table
from ui.profile import map_link
from ui.views import filtered_frame

PICK_CELL = "Click a number in the table, or a bar, to list the facts behind it."
HEADINGS = {v: k for k, v in COLUMNS.items()}


def data_link(f: Filters, country: str, power: str) -> str:
    """The Data page with this state and power as filters (the other filters kept)."""
    return "Data?" + urlencode(f.with_(countries=(country,), actors=(power,)).to_query(), doseq=True)


def _behind_table(f: Filters, facts: pd.DataFrame, key: str) -> None:
    st.dataframe(facts.assign(usd=[usd(v) if v == v else "" for v in facts["usd"]],
                              map=[map_link(f, i) for i in facts["id"]]),
                 hide_index=True, key=key, column_config={
                     "date_start": st.column_config.DateColumn("date"),
                     "usd": st.column_config.TextColumn("USD to this power"),
                     "map": st.column_config.LinkColumn("Map", display_text="Show on map")})


def _balance(f: Filters, comp, frame: pd.DataFrame, country: str) -> None:
    bal = comp.balance[comp.balance["country"] == country].reset_index(drop=True)
    shown = pd.DataFrame({"Power": bal["power"]})
    for key, heading in COLUMNS.items():
        shown[heading] = [usd(v) if v else "$0" for v in bal[key]] if key == "money" else bal[key].astype(int)
    shown["Facts by part"] = bal["facts_parts"]
    shown["Money by part"] = bal["money_parts"]
    shown["Data"] = [data_link(f, country, a) for a in bal["actor"]]
    event = st.dataframe(shown, hide_index=True, key=f"cmp_balance_{country}", on_select="rerun",
                         selection_mode="single-cell", column_config={
                             "Data": st.column_config.LinkColumn("Data", display_text="All facts")})
    cells = list(getattr(event, "selection", {}).get("cells", []) or [])
    if cells:
        row, column = cells[0]
        kind = HEADINGS.get(column, "facts")
        if 0 <= int(row) < len(bal):
            power = bal["actor"].iloc[int(row)]
            facts = facts_behind(comp, frame, country, power, kind)
            st.markdown(md_plain(f"{COLUMNS[kind]}: {actor_label(power)} in {CENTRAL_ASIA[country]} "
                                 f"({facts_text(len(facts))})"))
            _behind_table(f, facts, f"cmp_behind_{country}")


def _picked(event, powers: tuple[str, ...], field: str, allowed) -> tuple[str, str] | None:
    """The clicked bar's (power, x value), or None; values come from the browser, so are checked."""
    sel = getattr(event, "selection", None) or {}
    picks = sel.get("pick") or []
    if not picks or not isinstance(picks[0], dict):
        return None
    power, value = picks[0].get("actor"), str(picks[0].get(field))
    return (power, value) if power in powers and allowed(value) else None


def compare_view(f: Filters) -> None:
    with_datasets = datasets_switch()
    frame = filtered_frame(f)
    comp = compare(frame, money_table(), f.countries, f.actors, datasets=with_datasets)
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
            st.subheader("Money committed by year")
            by_year = money_by_year(comp, country)
            if by_year.empty:
                st.caption("No USD amounts among these facts.")
            else:
                event = st.altair_chart(side_by_side_chart(by_year, x="year", y="usd", y_title="USD committed",
                                                           powers=comp.powers), key=f"cmp_money_{country}",
                                        on_select="rerun", width="stretch")
                pick = _picked(event, comp.powers, "year", lambda v: v.isdigit() and len(v) == 4)
                if pick:
                    facts = facts_behind(comp, frame, country, pick[0], "money", year=int(pick[1]))
                    st.markdown(md_plain(f"{actor_label(pick[0])}, {pick[1]} ({facts_text(len(facts))})"))
                    _behind_table(f, facts, f"cmp_money_facts_{country}")
        with right:
            st.subheader("Facts by type")
            by_type = facts_by_type(comp, country)
            if by_type.empty:
                st.caption("No facts of these powers here.")
            else:
                event = st.altair_chart(side_by_side_chart(by_type, x="type", y="facts", y_title="Facts",
                                                           powers=comp.powers, x_type="N", fmt=",d"),
                                        key=f"cmp_types_{country}", on_select="rerun", width="stretch")
                pick = _picked(event, comp.powers, "type", lambda v: v in FACT_TYPES)
                if pick:
                    facts = facts_behind(comp, frame, country, pick[0], "facts")
                    facts = facts[facts["type"].astype(str) == pick[1]]
                    st.markdown(md_plain(f"{actor_label(pick[0])}: {pick[1]} ({facts_text(len(facts))})"))
                    _behind_table(f, facts, f"cmp_type_facts_{country}")
