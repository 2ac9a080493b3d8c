"""A link straight to a page other than the Map (/Compare, /Articles?article=…) shows the app's own
page list, with that page chosen: no extra "dashboard" entry from Streamlit's pages/ folder."""
from __future__ import annotations

import pytest

from ui.routes import PAGES

from .test_user_paths import MAP_FRAME

pytestmark = pytest.mark.browser
TITLES = [title for _, title in PAGES]
NAV_JS = "() => [...document.querySelectorAll('[data-testid=stSidebarNavLink]')].map(a => a.innerText.trim())"


@pytest.mark.parametrize("path, heading", [("Compare", "Compare powers"), ("Data?country=KGZ", "Data")])
def test_a_deep_link_shows_the_apps_own_pages_and_moves_on_from_there(app, page, path, heading):
    p = page.page
    p.goto(f"{app.url}/{path}")
    p.get_by_role("heading", name=heading, exact=True).first.wait_for(timeout=60000)
    p.wait_for_function("(n) => document.querySelectorAll('[data-testid=stSidebarNavLink]').length === n",
                        arg=len(TITLES), timeout=60000)
    assert p.evaluate(NAV_JS) == TITLES
    active = p.locator("[data-testid=stSidebarNavLink][aria-current=page]")
    assert active.inner_text().strip() == path.split("?")[0]
    p.locator("[data-testid=stSidebarNavLink]", has_text="Map").first.click()
    p.wait_for_selector(MAP_FRAME, state="attached", timeout=60000)
    assert p.evaluate(NAV_JS) == TITLES
