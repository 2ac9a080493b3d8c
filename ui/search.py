"""The "Search" box every page shows (URL ``q=``), and its ranked results.

The search itself is :func:`atlas.views.search.search`; this is the widget, the URL mirror
and the result buttons. A result opens its fact on the Map page with the filters kept.
"""
from __future__ import annotations

import streamlit as st
import streamlit.components.v1 as components

from atlas.core.labels import actor_label
from atlas.views.search import search
from atlas.views.search_syntax import notice
from atlas.core.markup import md_plain
from ui.cache import get_store
from ui.routes import FACT_KEY, MAP_PAGE
from ui.urlstate import current_filters, page_changed

KEY = "q"  # widget key and URL parameter
_SAVED = "_atlas_search"  # survives page switches, which drop widget state
MAX_HITS = 12
NO_HITS = "Nothing found. Try fewer or other words, or a name such as Line D, Xi'an or Turkey."
SEARCH_HELP = ('Titles, summaries, evidence quotes and article text. Rogun OR Kambarata: either; "Line D": the '
               "phrase; pipe*: words starting so. Spellings and transliterations (Xian, Xi'an, Сиань) find each other.")
VIA = {"fact": "", "actor": " · involves this power", "article": " · in its article"}


@st.cache_resource(max_entries=64, show_spinner=False)
def _hits(url: str, version: str, text: str) -> list:
    return search(get_store(), text, MAX_HITS)


def hit_line(h) -> str:
    """What a result is, under its title: date, countries, origin, powers, type, why it matched.

    >>> from atlas.views.search import SearchHit
    >>> hit_line(SearchHit("f", "t", "energy", "", "article", "2023-05-19", ("KAZ", "UZB"), ("CHN",), "curated"))
    '2023-05-19 · KAZ, UZB · curated · China · energy · in its article'
    """
    parts = [h.date or "undated", ", ".join(h.countries) or "no country", h.origin or "?",
             ", ".join(actor_label(a) for a in h.actors) or "no outside power", h.type]
    return " · ".join(parts) + VIA[h.via]


_CLOSE_SIDEBAR = "_atlas_close_sidebar"
# On a phone the sidebar covers the page: once a result is chosen, close it to show the fact.
CLOSE_SIDEBAR_JS = """<script>var d = window.parent.document;
if (window.parent.innerWidth < 700) {
  var b = d.querySelector('[data-testid="stSidebarCollapseButton"] button') ||
          d.querySelector('[data-testid="stSidebarCollapseButton"]');
  if (b && d.querySelector('[data-testid="stSidebar"][data-collapsed="false"]')) { b.click(); }
}</script>"""


def _open(fact_id: str) -> None:
    st.session_state[FACT_KEY] = fact_id
    st.session_state[_CLOSE_SIDEBAR] = True
    params = {**current_filters().to_query(), FACT_KEY: fact_id}
    if st.session_state.get(KEY):
        params[KEY] = st.session_state[KEY]
    st.switch_page(MAP_PAGE, query_params=params)


def search_box() -> str:
    """Draw the search input and its results in the sidebar; return the query text."""
    if st.session_state.pop(_CLOSE_SIDEBAR, False):
        components.html(CLOSE_SIDEBAR_JS, height=0)
    if page_changed("search") or KEY not in st.session_state:  # a page switch resets the widget
        st.session_state[KEY] = st.query_params.get(KEY) or st.session_state.get(_SAVED, "")
    text = st.sidebar.text_input("Search", key=KEY, max_chars=200, placeholder="e.g. Line D, Xi'an, Turkey",
                                 help=SEARCH_HELP)
    st.session_state[_SAVED] = text
    if text:
        if st.query_params.get(KEY) != text:
            st.query_params[KEY] = text
    elif KEY in st.query_params:
        del st.query_params[KEY]
    if not text.strip():
        return text
    problem = notice(text)
    if problem:
        st.sidebar.caption(problem)
        return text
    store = get_store()
    hits = _hits(store.url, store.version(), text.strip())
    box = st.sidebar.container(key="search_results")
    if not hits:
        box.caption(NO_HITS)
    for i, h in enumerate(hits):
        # Button labels are markdown: titles from data are escaped to plain text.
        if box.button(md_plain(h.title[:90]), key=f"search_hit_{i}", help=md_plain(h.snippet) or None,
                      width="stretch"):
            _open(h.fact_id)
        box.caption(md_plain(hit_line(h)))
    return text
