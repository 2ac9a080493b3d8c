"""The analyst's paths in a real browser: one filter state across pages, search, the country
profile, no map control over a marker, the phone's first screen, the dark theme's legibility."""
from __future__ import annotations

import re

import pytest

from .conftest import shot
from .test_user_paths import MAP_FRAME, expected_ids, idle, open_page, query, wait_for_ids

pytestmark = pytest.mark.browser

READ_FACT = "us-treasury-rosenberg-astana-2023"  # a curated Astana fact quoting the seed article


def nav(p, title: str) -> None:
    p.locator("[data-testid=stSidebarNavLink]", has_text=re.compile(f"^{title}$")).first.click()


def wait_metric(p, value: str) -> None:
    p.wait_for_function("(v) => { const m = document.querySelector('[data-testid=stMetricValue]');"
                        " return m && m.innerText.replace(/,/g, '') === v; }", arg=value, timeout=60000)


def wait_query(p, path: str, **params: str) -> None:
    p.wait_for_function("([path, want]) => location.pathname.endsWith(path) && Object.entries(want).every("
                        "([k, v]) => new URLSearchParams(location.search).getAll(k).includes(v))",
                        arg=[path, params], timeout=60000)


def test_filters_kept_across_map_timeline_data_reader_and_back(app, page):
    p = open_page(page, f"{app.url}/?country=KAZ&fact={READ_FACT}")
    ids, frame = expected_ids(app, countries=("KAZ",))
    wait_for_ids(p, ids)
    n = str(len(frame))
    wait_metric(p, n)
    for title in ("Timeline", "Data"):
        nav(p, title)
        wait_query(p, "/" + title, country="KAZ")
        wait_metric(p, n)  # the Data page counts exactly the map's facts
        p.locator(".st-key-f_countries", has_text="Kazakhstan").wait_for(timeout=60000)
    nav(p, "Map")
    wait_query(p, "/", country="KAZ")
    p.locator(".atlas-detail a", has_text="Read the article").click()
    wait_query(p, "/Articles", country="KAZ", fact=READ_FACT)
    p.locator(".st-key-f_countries", has_text="Kazakhstan").wait_for(timeout=60000)
    p.get_by_text("← Back to the map").click()
    wait_query(p, "/", country="KAZ", fact=READ_FACT)
    p.wait_for_selector(MAP_FRAME, state="attached", timeout=60000)
    wait_for_ids(p, ids)
    wait_metric(p, n)


def test_search_line_d_selects_the_line_d_fact(app, page):
    p = open_page(page, app.url)
    box = p.locator(".st-key-q input")
    box.fill("Line D")
    box.press("Enter")
    # The curated Line D fact among the results (dataset records about Line D may rank beside it).
    hit = p.locator("[class*=st-key-search_hit_] button", has_text="gas pipeline, Line D").first
    hit.wait_for(timeout=60000)
    idle(p)  # a click during the rerun that drew the results could land on a button being replaced
    hit.click()
    wait_query(p, "/", fact="cagp-line-d", q="Line D")
    detail = p.locator(".atlas-detail")
    detail.wait_for(timeout=60000)
    assert "Line D" in detail.locator("h4").inner_text()
    # Drawn highlighted on the map (while the page switches, the old map frame may linger).
    p.wait_for_function("(sel) => [...document.querySelectorAll(sel)].some(f => f.contentWindow"
                        " && f.contentWindow.ATLAS_FOCUS === 'cagp-line-d')", arg=MAP_FRAME, timeout=60000)
    shot(p, "search_line_d")


def test_country_profile_shows_kazakhstan_and_a_chart(app, page):
    p = page.page
    p.goto(f"{app.url}/Countries?country=KAZ")
    p.get_by_role("heading", name="Kazakhstan").wait_for(timeout=60000)
    # The first chart is facts per year by outside power: its bars are drawn.
    bars = ".vega-embed svg.marks g.role-mark path"
    p.wait_for_function("(sel) => document.querySelectorAll(sel).length > 0", arg=bars, timeout=60000)
    assert "Outside power" in p.locator(".vega-embed").first.inner_text()
    assert query(p)["country"] == ["KAZ"]
    shot(p, "countries_kaz")


# Every drawn marker's and cluster's centre and half size, and the map's controls' boxes.
MARKERS_JS = """() => { const m = window.map, s = m.getSize();
    const pts = Object.values(m._layers).filter(l => l._icon && l.getLatLng && m.hasLayer(l))
        .map(l => { const c = m.latLngToContainerPoint(l.getLatLng()), b = l._icon.getBoundingClientRect();
                    return {id: l.feature ? l.feature.properties.id : ('cluster:' + l.getChildCount()),
                            cluster: !l.feature, x: c.x, y: c.y, r: Math.max(b.width, b.height) / 2}; })
        .filter(p => p.x >= 0 && p.y >= 0 && p.x <= s.x && p.y <= s.y);
    const box = document.querySelector('.leaflet-container').getBoundingClientRect();
    const controls = [...document.querySelectorAll('.leaflet-control')].map(e => e.getBoundingClientRect())
        .map(r => ({l: r.left - box.left, t: r.top - box.top, r: r.right - box.left, b: r.bottom - box.top}));
    return {pts, controls, zoom: m.getZoom()}; }"""


def test_no_marker_under_a_map_control(app, page_factory):
    p = open_page(page_factory(1440, 900), app.url)
    frame = next(f for f in p.frames if "streamlit_folium" in f.url)
    frame.wait_for_function("() => document.querySelectorAll('.atlas-mk, .atlas-cluster').length >= 10",
                            timeout=60000)
    got = frame.evaluate(MARKERS_JS)
    assert len(got["pts"]) >= 10
    covered = [pt["id"] for pt in got["pts"] for c in got["controls"]
               if c["l"] - pt["r"] < pt["x"] < c["r"] + pt["r"] and c["t"] - pt["r"] < pt["y"] < c["b"] + pt["r"]]
    assert covered == []
    shot(p, "light_1440")


def test_phone_shows_the_map_on_the_first_screen(app, page_factory):
    p = open_page(page_factory(390, 844), app.url)
    box = p.locator(MAP_FRAME).bounding_box()
    assert box["y"] < 844 - 200, box  # the map's top, and a good part of it, on the first screen
    assert box["width"] > 300, box  # the map takes the phone's width (the detail panel goes below it)
    assert p.frame_locator(MAP_FRAME).locator(".leaflet-control-layers-expanded").count() == 0
    counts = p.locator('[data-testid="stMetricValue"]')
    assert counts.count() == 4
    for i in range(4):  # every header count inside the screen's width, none cut off
        b = counts.nth(i).bounding_box()
        assert b["x"] >= 0 and b["x"] + b["width"] <= 390, (i, b)
    shot(p, "phone")


def _rgb(css: str) -> tuple[float, ...]:
    return tuple(float(x) for x in re.findall(r"[\d.]+", css)[:3])


def contrast(fg: str, bg: str) -> float:
    def lum(rgb):
        c = [v / 255 for v in rgb]
        c = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]

    a, b = sorted((lum(_rgb(fg)), lum(_rgb(bg))), reverse=True)
    return (a + 0.05) / (b + 0.05)


# The text colour of an element and the first opaque background behind it.
COLORS_JS = """(el) => { let e = el, bg = 'rgba(0, 0, 0, 0)';
    while (e) { bg = getComputedStyle(e).backgroundColor; if (!/rgba\\(.*, 0\\)$/.test(bg) && bg !== 'transparent') break;
                e = e.parentElement; }
    return [getComputedStyle(el).color, bg]; }"""


def test_dark_theme_map_key_and_reader_are_legible(app, page_factory):
    p = open_page(page_factory(color_scheme="dark"), app.url)
    fg, bg = p.locator(".atlas-map-legend").first.evaluate(COLORS_JS)
    assert sum(_rgb(bg)) < 3 * 80, bg  # Streamlit follows the OS into its dark theme
    assert contrast(fg, bg) >= 4.5, (fg, bg)
    shot(p, "dark_map")
    p.goto(f"{app.url}/Articles?article={app.xss_article}")
    reader = next(f for f in p.frames if f != p.main_frame and f.url == "about:srcdoc") if False else None
    body = p.frame_locator("iframe[srcdoc]").first.locator("body")
    body.wait_for(timeout=60000)
    fg, bg = body.evaluate(COLORS_JS)
    assert contrast(fg, bg) >= 4.5, (fg, bg)
    shot(p, "dark_reader")
