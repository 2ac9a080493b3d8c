"""The Compare page in a real browser: amounts in the balance table, a chart whose bars are drawn,
a clicked bar listing its facts; and the Methodology page."""
from __future__ import annotations

import pytest

from .conftest import shot
from .test_user_paths import idle

pytestmark = pytest.mark.browser

BARS = ".vega-embed svg.marks g.role-mark path"


def wait_table(p, text: str) -> None:
    """Until a table's cells (drawn a moment after the table) hold ``text``."""
    p.wait_for_function("(s) => [...document.querySelectorAll('[data-testid=stDataFrame]')]"
                        ".some(e => e.textContent.includes(s))", arg=text, timeout=60000)


def expected_money(app, country: str, power: str) -> str:
    """What the engine says the power committed in the state, for the page's default filters."""
    from atlas.core.labels import usd
    from atlas.views.measures import by_power, contributions, money_index
    from atlas.views.query import Filters, apply_filters, load_frame
    from atlas.db.store import Store

    store = Store(str(app.db))
    try:
        c = contributions(apply_filters(load_frame(store), Filters(countries=(country,))), money_index(store))
        return usd(dict(by_power(c[c["country"] == country], "money"))[power].total)
    finally:
        store.dispose()


def test_compare_shows_amounts_and_a_chart(app, page):
    p = page.page
    p.goto(f"{app.url}/Compare?country=KGZ&actor=CHN&actor=RUS")
    p.get_by_role("heading", name="Kyrgyzstan").wait_for(timeout=60000)
    wait_table(p, "Money committed (USD)")
    idle(p)
    table = [t for t in p.locator("[data-testid=stDataFrame]").all_text_contents() if "Money committed (USD)" in t and "Security ties" in t][0]
    assert "China" in table and "Russian Federation" in table
    money = expected_money(app, "KGZ", "CHN")
    assert money.startswith("$") and money in table  # formatted, as the engine sums it
    p.wait_for_function("(sel) => document.querySelectorAll(sel).length > 0", arg=BARS, timeout=60000)
    chart = p.locator(".vega-embed", has_text="USD committed").first
    assert "USD committed" in chart.inner_text() and "Outside power" in chart.inner_text()
    shot(p, "compare_kgz")
    # Click the tallest money bar: the facts behind it are listed below the chart.
    box = p.evaluate("(sel) => { const chart = [...document.querySelectorAll('.vega-embed')]"
                     ".find(e => e.textContent.includes('USD committed'));"
                     " const bars = [...chart.querySelectorAll(sel)];"
                     " const r = bars.map(b => b.getBoundingClientRect()).sort((a, b) => b.height - a.height)[0];"
                     " return {x: r.x + r.width / 2, y: r.y + r.height - 2}; }", BARS)
    tables = p.locator("[data-testid=stDataFrame]").count()
    p.mouse.click(box["x"], box["y"])
    p.wait_for_function("(n) => { const t = [...document.querySelectorAll('[data-testid=stDataFrame]')];"
                        " return t.length > n && t.some(e => e.textContent.includes('USD to this power')); }",
                        arg=tables, timeout=60000)
    idle(p)
    behind = [t for t in p.locator("[data-testid=stDataFrame]").all_text_contents() if "USD to this power" in t][0]
    assert "$" in behind  # the records behind the bar, with the money each gives
    shot(p, "compare_kgz_clicked")


def test_methodology_page_names_layers_and_licences(app, page):
    p = page.page
    p.goto(f"{app.url}/Methodology")
    p.get_by_role("heading", name="Methodology and sources").wait_for(timeout=60000)
    p.get_by_role("heading", name="Licences and attributions").wait_for(timeout=60000)
    idle(p)
    wait_table(p, "AidData GCDF 3.0")
    body = p.locator("[data-testid=stMain]").inner_text()
    assert "What each measure counts" in body and "ODC-By 1.0" in body and "constant 2021 USD" in body
    shot(p, "methodology")


def test_a_facts_panel_offers_a_citation_with_its_atlas_link(app, page):
    """The detail panel's citation names the source and the atlas's own link to the fact, ready to copy."""
    from .test_user_paths import open_page

    p = open_page(page, f"{app.url}/?fact=c5-summit-xian-2023")
    code = p.locator("[data-testid=stCode]", has_text="Central Asia Influence Atlas")
    code.wait_for(timeout=60000)
    text = code.inner_text()
    assert "?fact=c5-summit-xian-2023" in text and app.url in text and "accessed" in text
    assert "Ministry of Foreign Affairs of the People's Republic of China" in text  # the curated fact's source
    shot(p, "citation")
