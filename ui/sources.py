"""Streamlit glue for the Ingest page's "Sources" and "Events" sections (logic: atlas.sources.fetch.panel, atlas.views.events)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from atlas.views import events
from atlas.core.auth import EditorState
from atlas.core.errors import UnknownFact
from atlas.sources.fetch import panel
from atlas.core.markup import md_plain
from atlas.core.models import CENTRAL_ASIA, LANGUAGES

ANY_LANGUAGE = "detect per article"


def sources_section(store, editor: EditorState) -> None:
    st.header("Sources")
    st.caption(panel.FETCH_HINT)
    table = st.container()  # filled last, so it shows what the buttons below just changed
    if editor.can_edit:
        _source_forms(store, editor)
    with table:
        rows = panel.source_table(store)
        if rows:
            st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")  # rendered as text, never HTML
        else:
            st.info(panel.MSG_NO_SOURCES)


def _source_forms(store, editor: EditorState) -> None:
    with st.form("source_add_form", clear_on_submit=False):
        c1, c2 = st.columns(2)
        name = c1.text_input("Name", key="source_name", max_chars=200)
        url = c2.text_input("Feed, sitemap or page URL", key="source_url")
        language = c1.selectbox("Language", (ANY_LANGUAGE,) + LANGUAGES, key="source_language")
        every = c2.text_input("Fetch every", value="1h", key="source_every", help="e.g. 30m, 2h, 1d")
        countries = st.multiselect("Country focus (optional)", list(CENTRAL_ASIA), key="source_countries",
                                   format_func=CENTRAL_ASIA.get)
        added = st.form_submit_button("Add source")
    if added:
        out = panel.add_source(store, name=name, url=url, language=None if language == ANY_LANGUAGE else language,
                               every=every, countries=countries, who=editor.who)
        (st.success if out.ok else st.error)(md_plain(out.message))
    names = [r["name"] for r in panel.source_table(store)]
    if names:
        c1, c2, c3 = st.columns([3, 1, 1])
        pick = c1.selectbox("Source", names, key="source_pick")
        for col, label, key, paused in ((c2, "Pause", "source_pause", True), (c3, "Resume", "source_resume", False)):
            if col.button(label, key=key):
                out = panel.pause(store, pick, paused)
                (st.success if out.ok else st.error)(md_plain(out.message))


def split_section(store, editor: EditorState) -> None:
    """Reviewers take a fact out of an event the rule merged wrongly (audited)."""
    if not editor.can_edit:
        return
    st.header("Events")
    st.caption("The map draws facts that report the same event once (same type, overlapping dates, same place, "
               "actors and countries). If a fact was merged wrongly, split it off: it then stands alone.")
    fid = st.text_input("Fact id to split from its event", key="event_split_fact")
    if st.button("Split from its event", key="event_split") and fid.strip():
        try:
            msg = events.split(store, fid.strip(), who=editor.who)
        except UnknownFact as exc:
            st.error(md_plain(str(exc)))
        else:
            st.success(md_plain(msg))
