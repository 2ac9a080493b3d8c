"""The map page in headless Chromium against a real ``streamlit run`` server (issue 25's contract).

    python benchmarks/browserbench.py /tmp/store.sqlite            # the current design
    python benchmarks/browserbench.py /tmp/store.sqlite --inline   # ATLAS_MAP_POINTS=inline
    python benchmarks/browserbench.py /tmp/store.sqlite --pydeck   # st.pydeck_chart, every point

Prints one JSON line. ``benchmarks/bench.py --browser`` calls :func:`measure_map` and
:func:`measure_pydeck` for each store size. The page is the unfiltered one (``?review=all``:
``Filters.from_query`` gives reviews ("accepted", "pending"), bench.py's ``shown_all``).

Signals (all read inside the ``streamlit_folium`` frame, see :data:`STATE_JS`):
- *map ready*: ``window.atlasPointsState.state === 'ready'`` when the page exposes it (the
  points resource of issue 25); otherwise (the previous design) every marker the map's
  records put on it is inside ``atlasCluster`` (markercluster's chunked loading is over)
  and at least one marker or cluster icon is in the DOM.
- *filter change*: before choosing "Kazakhstan" in the sidebar's country multiselect the
  current map is tagged (``window.map._atlasBenchSeen``) and its points URL kept; done when a
  map frame is ready again with a different ``atlasPointsState.url`` or an untagged
  ``window.map`` (the inline designs: the rerun drew a new map).
- *pydeck drawn*: deck.gl's instanced draw call of as many instances as points (a WebGL hook,
  :data:`DECK_DRAWS_JS`), then a screenshot must show the points' colour.
- *click*: ``await window.atlasRevealFact(id)`` (previous design: markercluster's
  ``zoomToShowLayer``) gives the marker's centre in the frame; a real mouse click there
  (offset by the iframe's box) is timed until ``.st-key-detail`` shows the fact's title.
Bytes: every websocket frame the page receives is a protobuf ``ForwardMsg``; it is decoded
(``stbrowser.element_name``) and the map's message is the one whose new element is the
``streamlit_folium`` component instance (the deck.gl chart's for pydeck). Requests to any
host but 127.0.0.1 are aborted and counted (``external_requests``): the atlas is offline.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from io import BytesIO
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from stbrowser import POLL_MS, TIMEOUT_S, BenchFailed, Visit, chromium, decode, streamlit_server  # noqa: E402
PYDECK_SCRIPT = ROOT / "benchmarks" / "pydeck_map.py"
UNFILTERED = "review=all"  # every non-rejected fact: Filters(reviews=("accepted", "pending"))
FILTER_COUNTRY = "Kazakhstan"  # chosen in the sidebar's f_countries multiselect

# One poll of the map frame. Returns {ready, facts, ...}; `seen` is the tag put on a map
# before a filter change, so a rerun's new map can be told from the old one.
STATE_JS = """() => {
  const s = window.atlasPointsState, map = window.map, seen = !!(map && map._atlasBenchSeen);
  if (s) return {design: s.url ? 'resource' : 'inline', state: s.state, ready: s.state === 'ready',
                 url: s.url || null, facts: s.facts, markers: s.markers, lines: s.lines, ms: s.ms || null,
                 error: s.state === 'error' ? String(s.error || 'error') : null, seen};
  // main before issue 25: no atlasPointsState, points inline
  if (!map || !window.atlasCluster || !window.atlasByLayer) return {design: 'main', ready: false, seen};
  let want = 0;
  atlasByLayer.forEach((ms, k) => { if (map.hasLayer(atlasPlaceholders[k]))
      ms.forEach(m => { if (atlasVisible(m._atlasRec)) want++; }); });
  const layers = atlasCluster.getLayers();
  const drawn = want === 0 || !!document.querySelector('.atlas-mk, .atlas-cluster');
  if (layers.length !== want || !drawn) return {design: 'main', ready: false, have: layers.length, want, seen};
  const ids = new Set(); let cells = 0, lines = 0;
  const add = l => { const p = l.feature && l.feature.properties;
      if (p && p.id) ids.add(p.id); else if (p && p.n) cells += 1; };
  layers.forEach(add);
  if (window.atlasFocusGroup) atlasFocusGroup.eachLayer(add);
  (window.atlasRouteLayers || []).forEach(g => g.eachLayer(l => { lines += 1; add(l); }));
  return {design: 'main', ready: true, url: null, facts: ids.size, markers: layers.length, lines,
          grid_cells: cells, seen};
}"""
TAG_JS = "() => { if (window.map) window.map._atlasBenchSeen = true; }"
# The previous design has no atlasRevealFact: the same thing with markercluster's own API.
REVEAL_JS = """async (id) => {
  const timeout = new Promise(done => setTimeout(() => done('timeout'), 60000));
  if (typeof window.atlasRevealFact === 'function') return await Promise.race([window.atlasRevealFact(id), timeout]);
  if (!window.atlasCluster) return null;
  const m = atlasCluster.getLayers().find(l => l.feature && l.feature.properties.id === id);
  if (!m) return null;
  const shown = new Promise(done => atlasCluster.zoomToShowLayer(m, done));
  if (await Promise.race([shown, timeout]) === 'timeout') return 'timeout';
  const map = window.map, busy = () => map._animatingZoom || atlasCluster._inZoomAnimation
      || document.querySelector('.leaflet-cluster-anim');
  await new Promise(done => { const poll = () => busy() ? setTimeout(poll, 30) : done(); poll(); });
  if (!m._icon) return null;
  const b = m._icon.getBoundingClientRect(), t = document.createElement('textarea');
  t.innerHTML = m.feature.properties.title;  // escaped on the server for tooltips
  return {x: b.x + b.width / 2, y: b.y + b.height / 2, title: t.value};
}"""
# The panel's heading is the fact's title (atlas/views/detail.py): a whole line, so "fact 51"
# is not taken for "fact 515".
DETAIL_JS = """(title) => { const d = document.querySelector('.st-key-detail');
  return !!d && d.innerText.split('\\n').some(line => line.trim() === title); }"""


def map_frames(page) -> list:
    return [f for f in page.frames if "streamlit_folium" in f.url]


def map_state(page, accept: Callable[[dict], bool]) -> dict | None:
    """The first map frame's state that is ready and accepted, else None."""
    from playwright.sync_api import Error as PlaywrightError

    for frame in map_frames(page):
        try:
            state = frame.evaluate(STATE_JS)
        except PlaywrightError:  # a frame being replaced by the rerun's new one
            continue
        if state.get("error") and state["error"] != "stale":  # stale: the page asks for a new map itself
            raise BenchFailed(f"the map frame reports an error: {state['error']}")
        if state.get("ready") and accept(state):
            return {**state, "frame": frame}
    return None


def pick_fact(db: Path) -> tuple[str, str]:
    """A located single-point fact of the unfiltered page (curated first; the middle one by id):
    the fact the click measurement opens, chosen from the store so any design is asked the same."""
    sys.path.insert(0, str(ROOT))
    from atlas.db.store import Store
    from atlas.views.query import Filters, apply_filters, load_frame

    store = Store(str(db))
    try:
        frame = apply_filters(load_frame(store), Filters(reviews=("accepted", "pending")))
    finally:
        store.dispose()
    points = frame[(frame["geom_type"] == "Point") & frame["lon"].notna() & frame["lat"].notna()]
    curated = points[points["origin"] == "curated"]
    pool = (curated if len(curated) else points).sort_values("id")
    if not len(pool):
        raise BenchFailed(f"{db}: no located point fact to click")
    row = pool.iloc[len(pool) // 2]
    return str(row["id"]), str(row["title"])


def click_fact(visit: Visit, state: dict, fact: tuple[str, str]) -> dict:
    """Reveal ``fact`` on the map, click it with the mouse, time until the detail panel shows it."""
    fid, title = fact
    visit.settle()
    visit.page.locator("iframe[src*='streamlit_folium']").first.scroll_into_view_if_needed()
    t = time.perf_counter()
    spot = state["frame"].evaluate(REVEAL_JS, fid)
    reveal_s = round(time.perf_counter() - t, 2)
    if not isinstance(spot, dict):  # null: not drawn as a single marker (e.g. inside a grid cell)
        return {"browser_click_s": None, "click_fact": fid, "click_note": f"reveal gave {spot!r}"}
    visit.settle()  # the reruns the reveal's zoom asked for are over: the click's own is timed
    box = visit.page.locator("iframe[src*='streamlit_folium']").first.bounding_box()
    t = time.perf_counter()
    visit.page.mouse.click(box["x"] + spot["x"], box["y"] + spot["y"])
    visit.page.wait_for_function(DETAIL_JS, arg=title, timeout=TIMEOUT_S * 1000, polling=POLL_MS)
    return {"browser_click_s": round(time.perf_counter() - t, 2), "browser_reveal_s": reveal_s, "click_fact": fid}


def change_filter(visit: Visit, state: dict) -> dict:
    """Choose FILTER_COUNTRY in the sidebar's country multiselect; time until a new map is ready."""
    old_url = state.get("url")
    visit.settle()  # a rerun in flight would be cut short by the change
    state["frame"].evaluate(TAG_JS)
    box = visit.page.locator(".st-key-f_countries input")
    box.click()
    option = visit.page.get_by_role("option", name=FILTER_COUNTRY)
    option.wait_for(timeout=30000)
    start = len(visit.frames)
    t = time.perf_counter()
    option.click()

    def redrawn(s: dict) -> bool:  # a new points URL, or a new map object (the inline designs)
        return s["url"] != old_url or not s["seen"]

    new = visit.poll(lambda: map_state(visit.page, redrawn), "map after the filter change")
    out = {"browser_filter_s": round(time.perf_counter() - t, 2), "points_drawn_filtered": new.get("facts")}
    out["ws_bytes_filter"], out["ws_map_bytes_filter"] = visit.run_bytes(start, lambda name: "streamlit_folium" in name)
    visit.page.keyboard.press("Escape")
    return out


def measure_map(db: Path, inline: bool = False, fact: tuple[str, str] | None = None, app_root: Path = ROOT) -> dict:
    """First visit (bytes, points, click), second visit (filter change) to a fresh server
    running ``app_root``'s dashboard.py (another checkout's, to compare branches)."""
    fact = fact or pick_fact(db)
    is_map = lambda name: "streamlit_folium" in name  # noqa: E731
    env = {"ATLAS_MAP_POINTS": "inline"} if inline else None
    with chromium() as browser, streamlit_server(app_root / "dashboard.py", db, env, cwd=app_root) as port:
        url = f"http://127.0.0.1:{port}/?{UNFILTERED}"
        first = Visit(browser)
        t = time.perf_counter()
        first.page.goto(url)
        state = first.poll(lambda: map_state(first.page, lambda s: True), "ready map")
        out: dict = {"browser_first_load_s": round(time.perf_counter() - t, 2), "design": state["design"]}
        out["ws_bytes_total"], out["ws_map_bytes_all"] = first.run_bytes(0, is_map)
        out.update({"points_drawn_all": state.get("facts"), "markers_all": state.get("markers"),
                    "lines_all": state.get("lines"), "grid_cells_all": state.get("grid_cells"),
                    "points_ms": state.get("ms")})
        out.update(click_fact(first, state, fact))
        first.close()
        second = Visit(browser)
        t = time.perf_counter()
        second.page.goto(url)
        state = second.poll(lambda: map_state(second.page, lambda s: True), "ready map (second visit)")
        out["browser_second_visit_s"] = round(time.perf_counter() - t, 2)
        out.update(change_filter(second, state))
        out["external_requests"] = len(first.external) + len(second.external)
        second.close()
    return out


# deck.gl (luma.gl, WebGL2) draws a scatter layer as one instanced draw call with one instance
# per point; this init script records the largest instance count drawn so far. It is cheap to
# poll, unlike a screenshot (seconds each on this machine while the page is busy).
DECK_DRAWS_JS = """(() => {
  window.atlasDeckInstances = 0;
  for (const C of [window.WebGL2RenderingContext, window.WebGLRenderingContext]) {
    for (const name of ['drawArraysInstanced', 'drawElementsInstanced']) {
      const draw = C && C.prototype[name];
      if (!draw) continue;
      C.prototype[name] = function(...a) {
        window.atlasDeckInstances = Math.max(window.atlasDeckInstances, name === 'drawArraysInstanced' ? a[3] : a[4]);
        return draw.apply(this, a); };
    }
  }
})();"""


def red_pixels(png: bytes) -> int:
    """Pixels of pydeck_map.POINT_COLOR (±40 a channel) in a screenshot."""
    import numpy as np
    from PIL import Image

    from pydeck_map import POINT_COLOR

    rgb = np.asarray(Image.open(BytesIO(png)).convert("RGB")).astype(int)
    return int((np.abs(rgb - np.array(POINT_COLOR)).max(axis=2) <= 40).sum())


def measure_pydeck(db: Path) -> dict:
    """``st.pydeck_chart`` with every located fact (benchmarks/pydeck_map.py): first visit until
    deck.gl has drawn every point (:data:`DECK_DRAWS_JS`: an instanced draw of as many instances
    as the chart's data has rows). Then, untimed, a screenshot of the chart must show the points'
    colour (``pydeck_red_pixels``): the draw reached the screen."""
    with chromium() as browser, streamlit_server(PYDECK_SCRIPT, db) as port:
        visit = Visit(browser)
        visit.context.add_init_script(DECK_DRAWS_JS)
        t = time.perf_counter()
        visit.page.goto(f"http://127.0.0.1:{port}/")
        rows = visit.poll(lambda: deck_points(visit), "deck.gl chart message")
        visit.poll(lambda: visit.page.evaluate("() => window.atlasDeckInstances") >= rows, "every point drawn")
        out = {"pydeck_first_load_s": round(time.perf_counter() - t, 2), "pydeck_points": rows}
        out["pydeck_ws_bytes_total"], out["pydeck_ws_bytes"] = visit.run_bytes(
            0, lambda name: name == "deck_gl_json_chart")
        out["pydeck_red_pixels"] = red_pixels(visit.page.locator("[data-testid='stDeckGlJsonChart']").screenshot())
        out["pydeck_external_requests"] = len(visit.external)
        visit.close()
    return out


def deck_points(visit: Visit) -> int | None:
    """Rows of the deck.gl chart's layer data, once its message has arrived."""
    for i in range(len(visit.frames)):
        if visit.kind(i)[1] == "deck_gl_json_chart":
            spec = json.loads(decode(visit.frames[i]).delta.new_element.deck_gl_json_chart.json)
            return sum(len(layer.get("data") or []) for layer in spec.get("layers", [])) or None
    return None


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("db", type=Path, help="SQLite store to serve (ATLAS_DB)")
    ap.add_argument("--inline", action="store_true", help="the previous design (ATLAS_MAP_POINTS=inline)")
    ap.add_argument("--pydeck", action="store_true", help="st.pydeck_chart with every point instead of the app")
    ap.add_argument("--app-root", type=Path, default=ROOT, help="checkout whose dashboard.py to serve (default: this one)")
    args = ap.parse_args(argv)
    if not args.db.exists():
        ap.error(f"{args.db}: no such file")
    result = measure_pydeck(args.db) if args.pydeck else measure_map(args.db, inline=args.inline, app_root=args.app_root)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
