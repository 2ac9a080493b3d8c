"""The app's navigation and the one set-up every page runs first.

``streamlit run dashboard.py`` runs :func:`navigation`; the first page is "Map"
(``pages/0_Map.py``, served at ``/``), the others keep their file-derived URLs
(``/Timeline``, ``/Articles?article=…``, ``/Data``, ``/Ingest``, ``/Review``), so deep
links made before still work. Each page file calls :func:`page_setup` at its top, so
it also runs on its own (``AppTest.from_file("pages/3_Data.py")``).
"""
from __future__ import annotations

import os
import threading
from urllib.parse import urlsplit, urlunsplit

import streamlit as st

from atlas.views.query import Filters
from ui.cache import fact_frame
from ui.filters import sidebar_filters
from ui.routes import PAGES, PAGES_DIR  # noqa: F401  (PAGES_DIR re-exported: tests and pages use ui.page's)
from ui.search import search_box
from ui.st_internals import server_running
from ui.upload_guard import refuse_unguarded

APP_TITLE = "Central Asia Influence Atlas"
APP_ICON = "🗺️"


# On a phone: a smaller title and metrics, less padding, so the map starts on the first screen.
PAGE_CSS = """<style>
/* The map page's map and detail panel: side by side when wide, the panel below the map when narrow. */
@media (max-width: 1000px) {
  [data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] .st-key-detail) { flex-wrap: wrap !important; }
  [data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] .st-key-detail) > [data-testid="stColumn"] {
    flex: 1 1 100% !important; width: 100% !important; min-width: 100% !important; }
}
@media (max-width: 700px) {
  [data-testid="stMainBlockContainer"] { padding-top: 3rem; }
  h1 { font-size: 1.45rem !important; padding-bottom: 0.2rem !important; }
  [data-testid="stMetricValue"] { font-size: 1.15rem !important; }
  [data-testid="stMetricLabel"] p { font-size: 0.75rem !important; white-space: normal !important; }
  /* Four header counts must share one phone row: let columns shrink below their content. */
  [data-testid="stHorizontalBlock"]:has([data-testid="stMetric"]) > [data-testid="stColumn"] { min-width: 0 !important; }
}
</style>"""


_through_navigation = threading.local()


def navigation():
    """The app's pages in order (call ``.run()`` on the result in the entry script)."""
    return st.navigation([st.Page(PAGES_DIR / name, title=title, default=i == 0)
                          for i, (name, title) in enumerate(PAGES)])


def run_navigation() -> None:
    """What ``dashboard.py`` does: the chosen page, run through :func:`navigation`."""
    _through_navigation.on = True
    try:
        navigation().run()
    finally:
        _through_navigation.on = False


def _own_navigation_if_opened_directly() -> None:
    # A link straight to a page (/Compare, /Articles?article=…) makes Streamlit, because a
    # pages/ folder exists, run that file itself under its own page list, which adds the entry
    # script ("dashboard") to the sidebar. Declaring ours here puts the sidebar right; the page
    # asked for is the same file, already running.
    if not getattr(_through_navigation, "on", False) and server_running():
        navigation()


def page_setup(title: str, *, heading: str | None = None, filters: bool = True) -> Filters | None:
    """Browser title, page heading and (unless ``filters=False``) the shared sidebar filters.

    Returns the filters the sidebar set, or None for pages without them.
    """
    st.set_page_config(page_title=APP_TITLE if title == PAGES[0][1] else f"{title} · {APP_TITLE}",
                       page_icon=APP_ICON, layout="wide")
    _own_navigation_if_opened_directly()
    refusal = refuse_unguarded()
    if refusal:  # production without the upload guard: serve nothing but the reason
        st.error(refusal)
        st.stop()
    st.html(PAGE_CSS)
    st.title(heading or title)
    search_box()
    return sidebar_filters(fact_frame()) if filters else None


def app_root_url() -> str:
    """The app's root address as the browser sees it (ATLAS_PUBLIC_URL wins), '' when unknown."""
    if os.environ.get("ATLAS_PUBLIC_URL"):
        return os.environ["ATLAS_PUBLIC_URL"]
    parts = urlsplit(getattr(st.context, "url", None) or "")  # None without a browser (tests, bare mode)
    if not parts.scheme:
        return ""
    path = parts.path.rstrip("/")
    last = path.rsplit("/", 1)[-1]
    if last in {name.split("_", 1)[1].removesuffix(".py") for name, _ in PAGES}:
        path = path[: -len(last)]  # a page's URL: its root is the folder above
    return urlunsplit((parts.scheme, parts.netloc, path.rstrip("/") + "/", "", ""))
