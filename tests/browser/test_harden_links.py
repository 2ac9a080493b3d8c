"""A value typed into the URL is shown in its warning as code, never turned into a live link."""
from __future__ import annotations

from urllib.parse import quote

import pytest

pytestmark = pytest.mark.browser

HOSTILE = "![x](http://evil.example/steal)"


def test_a_url_in_a_query_warning_is_code_not_a_link(app, page):
    p = page.page
    p.goto(f"{app.url}/?minconf={quote(HOSTILE)}")
    alert = p.locator("[data-testid='stAlert']", has_text="minconf")
    alert.first.wait_for(timeout=60000)
    assert alert.count() == 1
    assert alert.locator("a").count() == 0, alert.inner_html()
    assert alert.locator("img").count() == 0
    assert alert.locator("code").inner_text() == HOSTILE
    assert "is not a number between 0 and 1" in alert.inner_text()
