"""st.navigation: the first page is "Map"; every page is reachable from the entry script.

The URLs themselves (``/Articles?article=…``, ``/Data?country=…``) are checked in a real
browser by tests/browser/test_user_paths.py."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.dash_data import ARTICLE
from tests.helpers import PAGE_TIMEOUT as TIMEOUT  # atlas_db: tests/conftest.py
from ui.page import PAGES, PAGES_DIR

ROOT = Path(__file__).resolve().parents[1]


def test_first_page_is_map_and_every_page_file_exists():
    assert [title for _, title in PAGES] == ["Map", "Timeline", "Articles", "Data", "Countries", "Compare",
                                             "Methodology", "Ingest", "Review"]
    assert all((PAGES_DIR / name).is_file() for name, _ in PAGES)


def test_entry_runs_map_then_switches_to_a_deep_linked_page(atlas_db):  # noqa: F811
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Central Asia Influence Atlas"
    assert any(m.label == "Facts shown" for m in at.metric)  # the map page's header
    at.query_params["article"] = ARTICLE.id
    at.switch_page("pages/2_Articles.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Articles"
    assert at.selectbox(key="article").value == ARTICLE.id


def test_every_page_runs_under_navigation(atlas_db):  # noqa: F811
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT).run()
    for name, title in PAGES[1:]:
        at.switch_page(f"pages/{name}").run()
        assert not at.exception, (name, [e.value for e in at.exception])
        assert at.title[0].value.startswith(title)
