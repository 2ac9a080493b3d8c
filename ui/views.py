"""Streamlit glue for the map page and the other views: caches, clicks, panels.

Pages call these; the shaping itself lives in atlas/ (maps, detail, timeline, reader).
Caches here are keyed by the store's version and the filters, so a rerun that only
changes other widgets reuses the built layer data and the map component stays
mounted (same script → same component id).
"""
from __future__ import annotations

import copy
from datetime import date

from urllib.parse import urlencode

import pandas as pd
import streamlit as st
import streamlit.components.v1 as components
from altair.utils.schemapi import debug_mode
from streamlit.errors import StreamlitPageNotFoundError

from atlas.views import detail, events
from atlas.core import markup
from atlas.views import timeline
from atlas.core.errors import UnknownFact
from atlas.views.export import article_index, csv_text, geojson_text, xlsx_bytes
from atlas.views.query import Filters, filter_mask, select_facts, sort_for_display
from atlas.views.reader import NO_MENTIONS, facts_citing, reader_document
from ui.cache import fact_frame, fact_frame_at, get_store
from ui import mapcontrols
from ui.filters import request_filters
from ui.page import app_root_url
from ui.routes import FACT_KEY, MAP_PAGE
from ui.urlstate import current_filters
from ui.st_internals import altair_to_vega_lite_spec

_CLICKED = "_atlas_fact_clicked"  # the fact last chosen by a click on the map
_SCROLL = "_atlas_scroll_to_detail"
# On a phone the detail panel sits below the map: bring it into view after a tap.
SCROLL_JS = """<script>var d = window.parent.document.querySelector('.st-key-detail');
if (d && window.parent.innerWidth < 700) { d.scrollIntoView({behavior: 'smooth', block: 'start'}); }</script>"""
_TL_SEEN = "_atlas_timeline_seen"
FACT_GONE = "This fact is not in the atlas any more."
PICK_HINT = "Click a marker or a route on the map to see the fact here; click a country to filter to it."


@st.cache_resource(max_entries=16, show_spinner=False)
def _events(url: str, version: str, f: Filters) -> events.Events:
    frame = _filtered(url, version, f)
    return events.events_of_frame(frame, events.split_ids(get_store()))


def cached_events(f: Filters) -> events.Events:
    store = get_store()
    return _events(store.url, store.version(), f)


# Few entries: at 100,000 facts a filtered frame can be ~35 MB (about 350 bytes a row).
@st.cache_resource(max_entries=4, show_spinner=False)
def _filtered(url: str, version: str, f: Filters) -> pd.DataFrame:
    frame = fact_frame_at(url, version)
    mask = filter_mask(frame, f)
    return frame if mask.all() else frame[mask]  # nothing filtered out: no copy


def filtered_frame(f: Filters) -> pd.DataFrame:
    """The facts passing ``f``, shared by every caller (read it, never change it in place).

    Filtering copies every column; it ran up to four times per rerun (the page, the map,
    its events, the timeline), now once per (version, filters). The cached map, events and
    timeline call ``_filtered`` with the version they are keyed on: no second version read.
    """
    store = get_store()
    return _filtered(store.url, store.version(), f)


@st.cache_resource(max_entries=16, show_spinner=False)
def _years(url: str, version: str, f: Filters) -> tuple[int, ...]:  # the map's year slider
    return tuple(sorted(int(y) for y in _filtered(url, version, f)["date_start"].dropna().dt.year.unique()))


@st.cache_resource(max_entries=32, show_spinner=False)
def _timeline_spec(url: str, version: str, f: Filters, lanes: str) -> dict:
    # Building and validating the Altair chart was most of a rerun; its spec is plain data.
    # Converted exactly as st.altair_chart converts it (Streamlit 1.67's own function).
    frame = _filtered(url, version, f)
    with debug_mode(False):  # no schema validation per channel while building; to_dict still validates
        chart = timeline.timeline_chart(frame, lanes)
    return altair_to_vega_lite_spec(chart)


NO_MATCH = "No facts match these filters. Widen them, or reset them all."


def header_metrics(frame: pd.DataFrame) -> None:
    origin = frame["origin"].astype(str) if len(frame) else pd.Series(dtype=str)
    c1, c2, c3, c4 = st.columns(4, wrap=False)  # one row on a phone too
    c1.metric("Facts shown", f"{len(frame):,}")
    c2.metric("Curated", f"{int((origin == 'curated').sum()):,}")
    c3.metric("From datasets", f"{int((origin == 'dataset').sum()):,}")
    c4.metric("Extracted", f"{int((origin == 'extracted').sum()):,}")
    if frame.empty:
        empty_state()


def empty_state() -> None:
    """Say that nothing matches, with one button back to the default filters."""
    c1, c2 = st.columns([4, 1], vertical_alignment="center")
    c1.info(NO_MATCH)
    if c2.button("Reset filters", key="reset_filters", type="primary"):
        request_filters(Filters())


def selected_fact() -> str | None:
    """The clicked fact: session state first, else the URL's ``fact``; mirrored to the URL."""
    fid = st.session_state.get(FACT_KEY) or st.query_params.get(FACT_KEY)
    if fid:
        st.session_state[FACT_KEY] = fid
        if st.query_params.get(FACT_KEY) != fid:
            st.query_params[FACT_KEY] = fid
    return fid or None


def clear_fact() -> None:
    st.session_state.pop(FACT_KEY, None)
    if FACT_KEY in st.query_params:
        del st.query_params[FACT_KEY]


def detail_panel(f: Filters | None = None) -> None:
    """The clicked fact with its evidence (and, with ``f``, every source of its event), or a hint."""
    with st.container(key="detail"):
        _detail_panel(f)
    if st.session_state.pop(_SCROLL, False):
        components.html(SCROLL_JS, height=0)


def _detail_panel(f: Filters | None) -> None:
    st.subheader("Selected fact")
    fid = selected_fact()
    if not fid:
        st.info(PICK_HINT)
        return
    store = get_store()
    try:
        fact = store.fact(fid)
    except UnknownFact:
        st.warning(FACT_GONE)
        return
    article = store.article(fact.article_id) if fact.article_id else None
    st.html(detail.detail_html(fact, article, (f or current_filters()).to_query()))
    st.caption("Cite this fact")
    st.code(detail.citation(fact, detail.fact_url(app_root_url(), fact.id), date.today(), article),
            language=None, wrap_lines=True)
    if f is not None:
        event_panel(store, fact.id, f)
    if st.button("Close", key="close_fact"):
        clear_fact()
        st.rerun()


def event_panel(store, fact_id: str, f: Filters) -> None:
    """Every source reporting the clicked fact's event, with quotes and why each was merged."""
    view = events.event_view(store, fact_id, cached_events(f))
    if view is None:
        return
    titles = {}
    for s in view.supports:
        aid = s.fact.article_id
        if aid and aid not in titles and s.fact.origin != "curated":
            art = store.article(aid)
            titles[aid] = ((art.publisher + ": ") if art and art.publisher else "") + (art.title if art else aid)
    st.html(events.event_html(view, titles))


def timeline_view(frame: pd.DataFrame, f: Filters, lanes: str = "country", *, key: str = "timeline") -> None:
    """The lanes chart; an x-interval selection sets the since/until filters."""
    if not frame["date_start"].notna().any():
        st.info("No dated facts match the filters.")
    else:
        store = get_store()
        spec = _timeline_spec(store.url, store.version(), f, lanes)
        # A copy: Streamlit takes the datasets out of the spec it is given.
        event = st.vega_lite_chart(copy.deepcopy(spec), on_select="rerun", key=key, width="stretch")
        window = timeline.window_from_selection(event)
        seen = (key, window)
        if window is None:
            st.session_state.pop(_TL_SEEN, None)
        elif seen != st.session_state.get(_TL_SEEN):
            st.session_state[_TL_SEEN] = seen
            if (f.since, f.until) != window:
                request_filters(f.with_(since=window[0], until=window[1]))
        st.caption(timeline.SHAPE_NOTE + " Drag across the timeline to narrow the time window; the map follows.")
    if st.button("Clear time window", key="clear_window", disabled=not (f.since or f.until)):
        request_filters(f.with_(since=None, until=None))


# -- reader ---------------------------------------------------------------------------

NO_ARTICLES = "No articles are stored yet. Add some on the Ingest page."
ARTICLE_GONE = "The linked article is not in the atlas."


def article_choice() -> str | None:
    """Selectbox of stored articles (key ``article``), seeded from ``?article=ID``."""
    store = get_store()
    arts = store.articles()
    if not arts:
        st.info(NO_ARTICLES)
        return None
    ids = [a["id"] for a in arts]
    titles = {a["id"]: f"{a['title'] or a['path'] or a['id']} ({a['published'] or 'date unknown'})" for a in arts}
    wanted = st.query_params.get("article")
    if wanted and wanted not in ids:
        st.warning(ARTICLE_GONE)
    if "article" not in st.session_state or (wanted in ids and st.session_state.get("_atlas_article_url") != wanted):
        st.session_state["article"] = wanted if wanted in ids else ids[0]
    chosen = st.selectbox("Article", ids, key="article", format_func=lambda i: titles.get(i, i))
    if st.query_params.get("article") != chosen:
        st.query_params["article"] = chosen
    st.session_state["_atlas_article_url"] = chosen
    return chosen


def back_to_map() -> None:
    """A link to the Map with the same filters, map view and year (and the fact being read)."""
    params = {**current_filters().to_query(), **mapcontrols.last_view_params()}
    fid = st.query_params.get(FACT_KEY)
    if fid:
        params[FACT_KEY] = fid
    try:
        st.page_link(MAP_PAGE, label="← Back to the map", query_params=params)
    except StreamlitPageNotFoundError:  # the page file run on its own, without st.navigation
        st.markdown(f"[← Back to the map](./?{urlencode(params, doseq=True)})")


def reader_view(article_id: str) -> None:
    """The article with mentions and evidence highlighted, and the facts drawn from it."""
    store = get_store()
    article = store.article(article_id)
    if article is None:
        st.warning(ARTICLE_GONE)
        return
    facts = facts_citing(store, article_id)
    back_to_map()
    ids = [""] + list(facts)
    wanted = st.query_params.get(FACT_KEY) or st.session_state.get(FACT_KEY) or ""
    if "reader_fact" not in st.session_state or st.session_state.get("_atlas_reader_for") != (article_id, wanted):
        st.session_state["reader_fact"] = wanted if wanted in facts else ""
    meta = " · ".join(x for x in (article.publisher, article.published.isoformat() if article.published else "",
                                   article.language or "") if x)
    st.html(f"<div><b>{markup.esc(article.title or article.id)}</b><br><span style='color:#666'>{markup.esc(meta)}"
            f"</span><br>{markup.link_or_text(article.url, article.url) if article.url else ''}</div>")
    focus = st.selectbox("Highlight the evidence of", ids, key="reader_fact",
                         format_func=lambda i: "— no fact —" if not i else f"{facts[i].title} [{facts[i].trust_label}]")
    st.session_state["_atlas_reader_for"] = (article_id, focus)
    if focus:
        st.session_state[FACT_KEY] = focus
        if st.query_params.get(FACT_KEY) != focus:
            st.query_params[FACT_KEY] = focus
    elif FACT_KEY in st.query_params:
        del st.query_params[FACT_KEY]
    extraction = store.article_extraction(article_id)
    if extraction is None:
        st.caption(NO_MENTIONS)
    # An iframe: the scroll-to-evidence script needs JS; every text inside is escaped.
    st.iframe(reader_document(article, extraction, facts.values(), focus or None), height=620)
    if facts:
        st.subheader(f"Facts from this article ({len(facts)})")
        st.dataframe(pd.DataFrame([{
            "id": f.id, "title": f.title, "type": f.type, "date": f.date_start, "origin": f.origin,
            "trust": f.trust_label, "quote": f.evidence[0].quote if f.evidence else "",
        } for f in facts.values()]), hide_index=True, key="reader_facts")


# -- data table and downloads -----------------------------------------------------------

TABLE_COLUMNS = ["id", "title", "type", "date_start", "date_end", "date_precision", "countries", "actors",
                 "status", "origin", "review", "confidence", "geo_precision", "lon", "lat",
                 "dataset_record", "amount", "sector"]


def download_contents(store, f: Filters, frame: pd.DataFrame, kind: str):
    """The download's contents, made only when the button is clicked. Streamlit runs
    this on another thread, outside the script run: plain atlas calls only, no st.*."""
    def make() -> str | bytes:
        # downloads carry records withdrawn from a newer release too, flagged "withdrawn"
        facts, articles = select_facts(store, f.with_(withdrawn=True), frame), article_index(store)
        if kind == "xlsx":
            return xlsx_bytes(facts, articles)
        return csv_text(facts, articles) if kind == "csv" else geojson_text(facts, articles)

    return make


def data_view(f: Filters) -> None:
    """The filtered facts as a sortable table, and downloads of exactly those facts."""
    frame = sort_for_display(filtered_frame(f))
    store, everything = get_store(), fact_frame()
    c1, c2, c3 = st.columns(3)
    # on_click="ignore": a download changes nothing on the page, so no rerun (a rerun racing
    # the deferred export could drop the file).
    c1.download_button("Download CSV", download_contents(store, f, everything, "csv"), on_click="ignore",
                       file_name="atlas-facts.csv", mime="text/csv", key="dl_csv")
    c2.download_button("Download GeoJSON", download_contents(store, f, everything, "geojson"), on_click="ignore",
                       file_name="atlas-facts.geojson", mime="application/geo+json", key="dl_geojson")
    c3.download_button("Download XLSX", download_contents(store, f, everything, "xlsx"), on_click="ignore",
                       file_name="atlas-facts.xlsx", key="dl_xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    table = frame[TABLE_COLUMNS].copy()
    for c in ("countries", "actors"):
        table[c] = table[c].fillna("").str.replace("|", ", ", regex=False)
    st.dataframe(table, hide_index=True, key="facts_table", column_config={
        "date_start": st.column_config.DateColumn("start"), "date_end": st.column_config.DateColumn("end"),
        "confidence": st.column_config.NumberColumn(format="%.2f"),
    })
