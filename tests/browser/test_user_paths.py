"""What a user does, in a real browser: open, filter, click, read, deep-link, download.

One Streamlit server for the whole file (session fixture `app`). Every test fails if a
request leaves 127.0.0.1 or the page throws (fixture `page`). No sleeps: every wait is
on a condition in the page.
"""
from __future__ import annotations

import csv
import io
import json
from urllib.parse import parse_qs, urlparse

import pytest

from atlas.views.query import Filters, apply_filters, load_frame
from atlas.db.store import Store
from atlas.views.timeline import lane_rows

from .conftest import XSS_TITLE, shot

pytestmark = pytest.mark.browser

MAP_FRAME = "iframe[src*='streamlit_folium']"
# JS run in the main page: the map lives in a same-origin iframe, read through contentWindow.
MAP_JS = "document.querySelector(\"" + MAP_FRAME.replace('"', '\\"') + "\").contentWindow.map"
# Facts drawn on the map: layers on the map, and markers held in the point clusters (atlas/map_points.js).
FACT_IDS_JS = f"""() => {{ const w = document.querySelector("{MAP_FRAME}").contentWindow, m = w && w.map;
    // Points arrive from their own resource after the map (atlas/views/pointdata.py): wait for all.
    if (!m || !w.atlasPointsState || w.atlasPointsState.state !== 'ready') return null;
    const ids = new Set(Object.values(m._layers).filter(l => l.feature && l.feature.properties.id)
                             .map(l => l.feature.properties.id));
    if (w.atlasCluster) w.atlasCluster.getLayers().forEach(l => l.feature.properties.id && ids.add(l.feature.properties.id));
    return [...ids].sort(); }}"""
# One Vega mark per fact and lane; the brush's own rects are not facts.
TIMELINE_MARKS = ".st-key-timeline svg.marks g.role-mark[class*='_marks'] > path"


def expected_ids(app, **filters) -> list[str]:
    store = Store(str(app.db))
    df = apply_filters(load_frame(store), Filters(**filters))
    store.dispose()
    located = df[df["lon"].notna()]
    from atlas.sources.datasets.layer import drawn_as_curated  # records a curated fact already draws

    return sorted(set(located["id"]) - drawn_as_curated(df)), df


def open_page(watched, url: str):
    page = watched.page
    page.goto(url)
    page.wait_for_selector(MAP_FRAME, state="attached", timeout=60000)
    page.wait_for_function(f"() => {{ const ids = ({FACT_IDS_JS})(); return ids && ids.length > 0; }}",
                           timeout=60000)
    return page


def wait_for_ids(page, ids: list[str]) -> None:
    page.wait_for_function(f"(want) => JSON.stringify(({FACT_IDS_JS})()) === JSON.stringify(want)", arg=ids,
                           timeout=60000)


def map_ids(page) -> list[str]:
    return page.evaluate(FACT_IDS_JS)


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def fact_point(page, fact_id: str) -> dict:
    """Zoom the map to a fact as a user would; its marker's position on the page."""
    frame = next(f for f in page.frames if "streamlit_folium" in f.url)
    # Leaflet ignores setView while a zoom animation runs (the first fitBounds). A marker held in
    # a cluster is brought out as a user would (zoom in, open the cluster); a line or a marker on
    # its own is centred at zoom 9.
    frame.wait_for_function("""(fid) => { const m = window.map;
        if (!m || m._animatingZoom) return false;
        const l = Object.values(m._layers).find(l => l.feature && l.feature.properties.id === fid);
        if (!l) { const c = window.atlasCluster && window.atlasCluster.getLayers().find(
                      l => l.feature.properties.id === fid);
                  if (c && window.__atlasShowing !== fid) { window.__atlasShowing = fid;
                      window.atlasCluster.zoomToShowLayer(c, () => { window.__atlasShowing = null; }); }
                  return false; }
        if (l._atlasRec) {  // a marker: wait until the cluster's spider animation is over and it is on top
            if (window.atlasCluster._inZoomAnimation || document.querySelector('.leaflet-cluster-anim')) return false;
            const c = m.latLngToContainerPoint(l.getLatLng()), s = m.getSize();
            const inside = c.x > 10 && c.y > 10 && c.x < s.x - 10 && c.y < s.y - 10;
            const top = inside && document.elementFromPoint(c.x, c.y);
            return !!top && !!l._icon && l._icon.contains(top); }
        const ll = l.getLatLng ? l.getLatLng() : l.getBounds().getCenter();
        const c = m.latLngToContainerPoint(ll), s = m.getSize();
        const there = m.getZoom() === 9 && Math.abs(c.x - s.x / 2) <= 2 && Math.abs(c.y - s.y / 2) <= 2;
        if (!there) m.setView(ll, 9, {animate: false});
        return there; }""", arg=fact_id, timeout=30000)
    p = frame.evaluate("""(fid) => { const m = window.map;
        const l = Object.values(m._layers).find(l => l.feature && l.feature.properties.id === fid);
        const pt = m.latLngToContainerPoint(l.getLatLng ? l.getLatLng() : l.getBounds().getCenter());
        return {x: pt.x, y: pt.y}; }""", fact_id)
    box = page.locator(MAP_FRAME).bounding_box()
    return {"x": box["x"] + p["x"], "y": box["y"] + p["y"]}


def click_fact(page, fact_id: str) -> None:
    point = fact_point(page, fact_id)
    page.mouse.click(point["x"], point["y"])


def idle(page) -> None:
    """Wait until the Streamlit script run is over (its status widget shows only while running)."""
    page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]')", timeout=60000)


def choose(page, key: str, option_text: str) -> None:
    box = page.locator(f".st-key-{key} input")
    box.click()
    box.fill(option_text)
    page.locator("[role=option]", has_text=option_text).first.click()
    page.keyboard.press("Escape")


def test_1_open_shows_polygons_markers_and_line_d(app, page):
    p = open_page(page, app.url)
    ids, _ = expected_ids(app)
    wait_for_ids(p, ids)
    assert "cagp-line-d" in map_ids(p)
    counts = p.evaluate(f"""() => {{ const m = {MAP_JS}; const ls = Object.values(m._layers);
        return {{countries: ls.filter(l => l.feature && l.feature.properties.iso_a3).length,
                 lines: ls.filter(l => l.feature && l.feature.geometry.type === 'LineString').length}}; }}""")
    assert counts["countries"] >= 11  # the five states and their neighbours, offline
    assert counts["lines"] >= 5  # Lines A–D, the oil pipeline, the railway
    # Drawn for real: the overlay canvas/svg has pixels, and the base map is not tiles.
    frame = p.frame_locator(MAP_FRAME)
    assert frame.locator(".leaflet-tile").count() == 0
    assert frame.locator(".leaflet-overlay-pane canvas, .leaflet-overlay-pane svg").count() >= 1
    shot(p, "01_open")


def test_2_countries_filter_narrows_map_and_timeline_and_url(app, page):
    p = open_page(page, app.url)
    choose(p, "f_countries", "Kazakhstan")
    ids, frame = expected_ids(app, countries=("KAZ",))
    wait_for_ids(p, ids)
    assert query(p)["country"] == ["KAZ"]
    assert all("KAZ" in c.split("|") for c in frame["countries"])
    want_marks = len(lane_rows(frame))
    p.wait_for_function("([sel, n]) => document.querySelectorAll(sel).length === n", arg=[TIMELINE_MARKS, want_marks],
                        timeout=60000)
    assert p.locator("[data-testid=stMetricValue]").first.inner_text().replace(",", "") == str(len(frame))
    shot(p, "02_kazakhstan")


def test_3_click_marker_shows_evidence_then_reader_highlights_it(app, page):
    p = open_page(page, app.url)
    fid = "us-treasury-rosenberg-astana-2023"
    quote = "Dies geschah nach einem Besuch von US-Beamten"
    click_fact(p, fid)
    p.wait_for_function("(fid) => location.search.includes('fact=' + fid)", arg=fid, timeout=60000)
    mark = p.locator(".atlas-detail blockquote mark")
    mark.wait_for(timeout=60000)
    assert mark.inner_text().startswith(quote)
    shot(p, "03_detail")
    p.locator(".atlas-detail a", has_text="Read the article").click()
    p.wait_for_url("**/Articles?**", timeout=60000)
    assert query(p)["fact"] == [fid]
    reader = p.frame_locator(".st-key-reader iframe, iframe[srcdoc]").first
    focus = reader.locator(".k-focus").first
    focus.wait_for(timeout=60000)
    # Highlighted segments in order, as exact text (mentions inside the quote split it).
    text = reader.locator(".k-focus").evaluate_all("els => els.map(e => e.textContent).join('')")
    assert text.startswith(quote)
    shot(p, "03_reader")


def test_4_deep_link_restores_filters(app, page):
    p = open_page(page, f"{app.url}/?country=KAZ&type=sanctions")
    ids, _ = expected_ids(app, countries=("KAZ",), types=("sanctions",))
    assert ids
    wait_for_ids(p, ids)
    assert "Kazakhstan" in p.locator(".st-key-f_countries").inner_text()
    assert "sanctions" in p.locator(".st-key-f_types").inner_text()
    shot(p, "04_deep_link")


def test_5_hostile_article_is_shown_literally_and_nothing_runs(app, page):
    p = open_page(page, f"{app.url}/?fact={app.xss_fact}")
    detail = p.locator(".atlas-detail")
    detail.wait_for(timeout=60000)
    assert "<script>window.__pwned=2</script>" in detail.inner_text()
    assert XSS_TITLE in detail.inner_text()
    # The marker's tooltip, opened by hovering like a user.
    point = fact_point(p, app.xss_fact)
    p.mouse.move(point["x"], point["y"])
    p.frame_locator(MAP_FRAME).locator(".leaflet-tooltip").first.wait_for(timeout=30000)
    shot(p, "05_xss_map")
    p.goto(f"{app.url}/Articles?article={app.xss_article}&fact={app.xss_fact}")
    reader = p.frame_locator("iframe[srcdoc]").first
    reader.locator(".k-focus").first.wait_for(timeout=60000)
    body = reader.locator("body").inner_text()
    assert '<img src=x onerror="window.__pwned=3">' in body and "javascript:window.__pwned=4" in body
    assert XSS_TITLE in p.locator("body").inner_text()
    shot(p, "05_xss_reader")
    pwned = p.evaluate("() => [window, ...Array.from(document.querySelectorAll('iframe'))"
                       ".map(f => { try { return f.contentWindow; } catch (e) { return null; } })]"
                       ".filter(Boolean).map(w => w.__pwned).filter(v => v !== undefined)")
    assert pwned == []


def test_6_downloads_are_exactly_the_facts_shown(app, page):
    p = page.page
    p.goto(f"{app.url}/Data?country=UZB&type=energy")
    p.locator("[data-testid=stDataFrame]").wait_for(timeout=60000)  # drawn after the buttons
    idle(p)
    _, frame = expected_ids(app, countries=("UZB",), types=("energy",))
    want = sorted(frame["id"])
    assert want
    shot(p, "06_data_before")
    with p.expect_download() as dl:
        p.locator(".st-key-dl_csv button").click()
    rows = list(csv.DictReader(io.StringIO(open(dl.value.path(), encoding="utf-8").read())))
    assert sorted(r["id"] for r in rows) == want
    with p.expect_download() as dl:
        p.locator(".st-key-dl_geojson button").click()
    gj = json.load(open(dl.value.path(), encoding="utf-8"))
    assert sorted(f["properties"]["id"] for f in gj["features"]) == want
    assert p.locator("[data-testid=stMetricValue]").first.inner_text().replace(",", "") == str(len(want))
    shot(p, "06_data")


def test_7_timeline_window_narrows_the_map(app, page):
    p = open_page(page, app.url)
    before = map_ids(p)
    chart = p.locator(".st-key-timeline svg.marks").first
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    # Drag across the right part of the plot (recent years), as a user would.
    y = box["y"] + box["height"] * 0.3
    p.mouse.move(box["x"] + box["width"] * 0.55, y)
    p.mouse.down()
    p.mouse.move(box["x"] + box["width"] * 0.75, y, steps=8)
    p.mouse.up()
    p.wait_for_function("() => location.search.includes('since=') && location.search.includes('until=')",
                        timeout=60000)
    q = query(p)
    from datetime import date

    since, until = date.fromisoformat(q["since"][0]), date.fromisoformat(q["until"][0])
    ids, _ = expected_ids(app, since=since, until=until)
    wait_for_ids(p, ids)
    assert len(ids) < len(before)
    shot(p, "07_timeline_window")
