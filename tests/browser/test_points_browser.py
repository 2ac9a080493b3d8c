"""Every fact on the map at a size where the previous design drew grid cells: the points come
from their own resource (atlas/views/pointdata.py), all of them are drawn (alone or inside a
cluster), a click on one opens it, and a map whose points went stale fetches the new ones."""
from __future__ import annotations

from dataclasses import replace

import pytest

from atlas.core.synthetic import synthetic_facts
from atlas.db.store import Store
from atlas.views.maplayers import POINT_LIMIT
from atlas.views.query import Filters, apply_filters, load_frame

from .conftest import start_app, stop_server
from .test_user_paths import MAP_FRAME

pytestmark = pytest.mark.browser
FACTS = 4000  # ~3,300 shown with unreviewed facts: above POINT_LIMIT, where the previous design drew cells
# Read from the page: the map's frame may not have its address yet when the page first has the iframe.
PAGE_READY_JS = f"""() => {{ const f = document.querySelector("{MAP_FRAME}");
    const s = f && f.contentWindow && f.contentWindow.atlasPointsState;
    return !!(s && s.state === 'ready'); }}"""


@pytest.fixture(scope="module")
def big_app(tmp_path_factory, browser):
    tmp = tmp_path_factory.mktemp("points")
    db = tmp / "atlas.sqlite"
    store = Store(str(db))
    store.bulk_insert_facts(list(synthetic_facts(FACTS, seed=25)))
    store.dispose()
    url, proc = start_app(db, tmp / "streamlit.log")
    try:
        yield url, db
    finally:
        stop_server(proc)


def located_ids(db) -> set[str]:
    store = Store(str(db))
    frame = apply_filters(load_frame(store), Filters(reviews=("accepted", "pending")))
    store.dispose()
    return set(frame.loc[frame["lon"].notna(), "id"])


def open_map(watched, url: str):
    page = watched.page
    frames: list[int] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(len(payload))))
    page.goto(url)
    page.wait_for_function(PAGE_READY_JS, timeout=120000)
    frame = next(f for f in page.frames if "streamlit_folium" in f.url)
    return page, frame, frames


def drawn_ids(frame) -> set[str]:
    return set(frame.evaluate("""() => { const ids = new Set();
        window.atlasCluster.getLayers().forEach(l => ids.add(l.feature.properties.id));
        window.atlasRouteLayers.forEach(g => g.eachLayer(l => ids.add(l.feature.properties.id)));
        return [...ids]; }"""))


def test_every_fact_is_drawn_and_the_page_message_stays_small(big_app, page):
    url, db = big_app
    want = located_ids(db)
    assert len(want) > POINT_LIMIT
    p, frame, frames = open_map(page, f"{url}/?review=all")
    state = frame.evaluate("window.atlasPointsState")
    assert state["url"].startswith("/app/atlas/points?v=") and "review=pending" in state["url"]
    assert drawn_ids(frame) == want and state["facts"] == len(want)
    # The points came over HTTP, not the websocket: the page's whole websocket traffic is
    # smaller than the points resource alone.
    points_bytes = frame.evaluate("""async (u) => (await (await fetch(u)).arrayBuffer()).byteLength""", state["url"])
    assert sum(frames) < points_bytes, (sum(frames), points_bytes)


def test_a_click_on_any_point_opens_that_fact(big_app, page):
    url, _ = big_app
    p, frame, _ = open_map(page, f"{url}/?review=all")
    fid = frame.evaluate("Object.keys(atlasById).filter(k => atlasById[k]._atlasRec).sort()[1234]")
    spot = frame.evaluate("(id) => atlasRevealFact(id)", fid)
    assert spot, fid
    box = p.locator(MAP_FRAME).bounding_box()
    p.mouse.click(box["x"] + spot["x"], box["y"] + spot["y"])
    p.locator(".st-key-detail").get_by_text(spot["title"], exact=False).first.wait_for(timeout=60000)
    p.wait_for_function("(fid) => location.search.includes('fact=' + fid)", arg=fid, timeout=60000)


def test_points_gone_stale_are_fetched_anew_with_the_new_fact(big_app, page):
    url, db = big_app
    p, frame, _ = open_map(page, f"{url}/?review=all")
    old = frame.evaluate("window.atlasPointsState.url")
    store = Store(str(db))
    new_fact = replace(next(iter(synthetic_facts(1, seed=3))), id="fact-added-later", origin="curated", review=None)
    store.bulk_insert_facts([new_fact])
    store.dispose()
    # The map asks for its (now stale) points again: 404, then the page draws a new map.
    assert frame.evaluate("async (u) => (await fetch(u)).status", old) == 404
    frame.evaluate("() => atlasFetch(window.map, ATLAS_POINTS, window.atlasPointsState.url)")
    p.wait_for_function(
        """(old) => { const w = document.querySelector("iframe[src*='streamlit_folium']").contentWindow;
                      return w.atlasPointsState && w.atlasPointsState.url !== old
                             && w.atlasPointsState.state === 'ready'; }""", arg=old, timeout=60000)
    frame = next(f for f in p.frames if "streamlit_folium" in f.url)
    assert "fact-added-later" in drawn_ids(frame)


def test_points_that_cannot_be_loaded_say_so_on_the_map(big_app, page):
    url, _ = big_app
    p = page.page
    p.route("**/app/atlas/points?**", lambda route: route.fulfill(status=500, body="no"))
    p.goto(f"{url}/?review=all")
    note = p.frame_locator(MAP_FRAME).locator(".atlas-points-note")
    note.wait_for(timeout=60000)
    p.wait_for_function(f"""() => {{ const f = document.querySelector("{MAP_FRAME}");
        return f && f.contentWindow.atlasPointsState && f.contentWindow.atlasPointsState.state === 'error'; }}""",
                        timeout=60000)
    assert note.inner_text() == "The map's facts could not be loaded (HTTP 500). Reload the page to try again."
