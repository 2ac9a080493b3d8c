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
  map frame is ready again with a different ``atlasPointsState.url`` (or, without that
  object, with an untagged ``window.map``: the rerun drew a new map).
- *click*: ``await window.atlasRevealFact(id)`` (previous design: markercluster's
  ``zoomToShowLayer``) gives the marker's centre in the frame; a real mouse click there
  (offset by the iframe's box) is timed until ``.st-key-detail`` shows the fact's title.
Bytes: every websocket frame the page receives is a protobuf ``ForwardMsg``; it is decoded
(:func:`element_name`) and the map's message is the one whose new element is the
``streamlit_folium`` component instance (the deck.gl chart's for pydeck). Requests to any
host but 127.0.0.1 are aborted and counted (``external_requests``): the atlas is offline.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from io import BytesIO
from pathlib import Path
from typing import Callable, Iterator

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
APP = ROOT / "dashboard.py"
PYDECK_SCRIPT = ROOT / "benchmarks" / "pydeck_map.py"
UNFILTERED = "review=all"  # every non-rejected fact: Filters(reviews=("accepted", "pending"))
FILTER_COUNTRY = "Kazakhstan"  # chosen in the sidebar's f_countries multiselect
TIMEOUT_S = 180.0
POLL_MS = 50
# Any http(s) URL whose host is not the loopback server (matched inside the browser driver).
EXTERNAL = re.compile(r"^(?!https?://(127\.0\.0\.1|localhost)[:/])https?://")

# One poll of the map frame. Returns {ready, facts, ...}; `seen` is the tag put on a map
# before a filter change, so a rerun's new map can be told from the old one.
STATE_JS = """() => {
  const s = window.atlasPointsState, map = window.map, seen = !!(map && map._atlasBenchSeen);
  if (s) return {design: 'resource', state: s.state, ready: s.state === 'ready', url: s.url || null,
                 facts: s.facts, markers: s.markers, lines: s.lines, seen};
  if (!map || !window.atlasCluster || !window.atlasByLayer) return {design: 'inline', ready: false, seen};
  let want = 0;
  atlasByLayer.forEach((ms, k) => { if (map.hasLayer(atlasPlaceholders[k]))
      ms.forEach(m => { if (atlasVisible(m._atlasRec)) want++; }); });
  const layers = atlasCluster.getLayers();
  const drawn = want === 0 || !!document.querySelector('.atlas-mk, .atlas-cluster');
  if (layers.length !== want || !drawn) return {design: 'inline', ready: false, have: layers.length, want, seen};
  const ids = new Set(); let cells = 0, lines = 0;
  const add = l => { const p = l.feature && l.feature.properties;
      if (p && p.id) ids.add(p.id); else if (p && p.n) cells += 1; };
  layers.forEach(add);
  if (window.atlasFocusGroup) atlasFocusGroup.eachLayer(add);
  (window.atlasRouteLayers || []).forEach(g => g.eachLayer(l => { lines += 1; add(l); }));
  return {design: 'inline', ready: true, url: null, facts: ids.size, markers: layers.length, lines,
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


class BenchFailed(RuntimeError):
    """The server did not start, or the page never reached the state being timed."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def streamlit_server(script: Path, db: Path, extra_env: dict[str, str] | None = None) -> Iterator[int]:
    """``streamlit run script`` on 127.0.0.1 with ``ATLAS_DB=db``; yields the port, then kills
    the server's process group. ``ATLAS_MAP_POINTS`` comes only from ``extra_env``."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "ATLAS_MAP_POINTS"}
    env.update({"ATLAS_DB": str(db), **(extra_env or {})})
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            deadline = time.perf_counter() + 120
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1)
                    break
                except OSError:
                    if proc.poll() is not None or time.perf_counter() > deadline:
                        log.seek(0)
                        tail = log.read().decode(errors="replace").strip().splitlines()[-5:]
                        raise BenchFailed(f"{script.name}: server did not answer: {' | '.join(tail)}") from None
                    try:
                        proc.wait(timeout=0.1)  # a short poll: returns early if the server exits
                    except subprocess.TimeoutExpired:
                        pass
            yield port
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, 15)
            proc.wait(timeout=30)


@contextmanager
def chromium() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM,
                                     args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            yield browser
        finally:
            browser.close()


def decode(payload: bytes):
    """A websocket frame as Streamlit's ``ForwardMsg`` (None if it is not one)."""
    from google.protobuf.message import DecodeError
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    msg = ForwardMsg()
    try:
        msg.ParseFromString(payload)
    except DecodeError:
        return None
    return msg


def element_name(payload: bytes) -> str | None:
    """The kind of element a websocket frame adds: a component's name for custom components
    (``streamlit_folium.st_folium``), else the element type; None for other frames."""
    msg = decode(payload)
    if msg is None or msg.WhichOneof("type") != "delta" or msg.delta.WhichOneof("type") != "new_element":
        return None
    element = msg.delta.new_element
    kind = element.WhichOneof("type")
    return element.component_instance.component_name if kind == "component_instance" else kind


class Visit:
    """One browser context (a new visitor): its page, websocket frames and blocked requests."""

    def __init__(self, browser) -> None:
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.frames: list[bytes] = []
        self._kinds: dict[int, tuple[str | None, str | None]] = {}
        self.external: list[str] = []
        self.context.route(EXTERNAL, self._block)  # only these reach Python: local requests are not slowed
        self.page = self.context.new_page()
        self.page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _block(self, route) -> None:
        self.external.append(route.request.url)
        route.abort()

    def _frame(self, payload) -> None:
        self.frames.append(payload if isinstance(payload, bytes) else payload.encode())

    def kind(self, i: int) -> tuple[str | None, str | None]:
        """(ForwardMsg type, element name) of frame ``i``, decoded once."""
        if i not in self._kinds:
            msg = decode(self.frames[i])
            self._kinds[i] = (msg.WhichOneof("type") if msg is not None else None, element_name(self.frames[i]))
        return self._kinds[i]

    def idle(self) -> bool:
        """Every script run the session started (``new_session``) has ended (``script_finished``)."""
        types = [self.kind(i)[0] for i in range(len(self.frames))]
        return types.count("new_session") > 0 and types.count("new_session") <= types.count("script_finished")

    def settle(self, quiet_s: float = 0.6) -> None:
        """Wait until no script run is in flight and no frame arrived for ``quiet_s``: the map's
        own moves (a reveal's zoom) ask for reruns after streamlit-folium's 250 ms debounce."""
        last = {"n": -1, "at": 0.0}

        def quiet() -> bool:
            if len(self.frames) != last["n"] or not self.idle():
                last.update(n=len(self.frames), at=time.perf_counter())
                return False
            return time.perf_counter() - last["at"] >= quiet_s

        self.poll(quiet, "a quiet session")

    def run_bytes(self, start: int, match: Callable[[str], bool]) -> tuple[int, int]:
        """Bytes of the script run whose first frame is ``start``, through its ``script_finished``
        (waited for), and the largest single frame whose element ``match``es (0 if none)."""
        def stop() -> int | None:  # one past the run's script_finished frame
            return next((i + 1 for i in range(start, len(self.frames)) if self.kind(i)[0] == "script_finished"), None)

        run = range(start, self.poll(stop, "end of the script run"))
        matched = [len(self.frames[i]) for i in run if (name := self.kind(i)[1]) and match(name)]
        return sum(len(self.frames[i]) for i in run), max(matched, default=0)

    def poll(self, check: Callable[[], object], what: str, timeout_s: float = TIMEOUT_S):
        """``check()``'s first truthy value; Playwright's own wait between tries lets events arrive."""
        deadline = time.perf_counter() + timeout_s
        while True:
            got = check()
            if got:
                return got
            if time.perf_counter() > deadline:
                raise BenchFailed(f"no {what} within {timeout_s:.0f} s")
            self.page.wait_for_timeout(POLL_MS)

    def close(self) -> None:
        self.context.close()


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

    def redrawn(s: dict) -> bool:
        return s["url"] != old_url if s["design"] == "resource" else not s["seen"]

    new = visit.poll(lambda: map_state(visit.page, redrawn), "map after the filter change")
    out = {"browser_filter_s": round(time.perf_counter() - t, 2), "points_drawn_filtered": new.get("facts")}
    out["ws_bytes_filter"], out["ws_map_bytes_filter"] = visit.run_bytes(start, lambda name: "streamlit_folium" in name)
    visit.page.keyboard.press("Escape")
    return out


def measure_map(db: Path, inline: bool = False, fact: tuple[str, str] | None = None) -> dict:
    """First visit (bytes, points, click), second visit (filter change) to a fresh server."""
    fact = fact or pick_fact(db)
    is_map = lambda name: "streamlit_folium" in name  # noqa: E731
    with chromium() as browser, streamlit_server(APP, db, {"ATLAS_MAP_POINTS": "inline"} if inline else None) as port:
        url = f"http://127.0.0.1:{port}/?{UNFILTERED}"
        first = Visit(browser)
        t = time.perf_counter()
        first.page.goto(url)
        state = first.poll(lambda: map_state(first.page, lambda s: True), "ready map")
        out: dict = {"browser_first_load_s": round(time.perf_counter() - t, 2), "design": state["design"]}
        out["ws_bytes_total"], out["ws_map_bytes_all"] = first.run_bytes(0, is_map)
        out.update({"points_drawn_all": state.get("facts"), "markers_all": state.get("markers"),
                    "lines_all": state.get("lines"), "grid_cells_all": state.get("grid_cells")})
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


def red_pixels(png: bytes) -> int:
    """Pixels of pydeck_map.POINT_COLOR (±40 a channel) in a screenshot."""
    import numpy as np
    from PIL import Image

    from pydeck_map import POINT_COLOR

    rgb = np.asarray(Image.open(BytesIO(png)).convert("RGB")).astype(int)
    return int((np.abs(rgb - np.array(POINT_COLOR)).max(axis=2) <= 40).sum())


def measure_pydeck(db: Path) -> dict:
    """``st.pydeck_chart`` with every located fact (benchmarks/pydeck_map.py): first visit until
    the deck.gl canvas shows the points. deck.gl draws into WebGL without keeping the drawing
    buffer and exposes no hook to the page, so the signal is the composited picture: a
    screenshot of the chart holding at least min(points, 20) pixels of the points' colour. A
    layer is drawn in one pass, so the first such frame shows all of them."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    with chromium() as browser, streamlit_server(PYDECK_SCRIPT, db) as port:
        visit = Visit(browser)
        t = time.perf_counter()
        visit.page.goto(f"http://127.0.0.1:{port}/")
        chart = visit.page.locator("[data-testid='stDeckGlJsonChart']")
        chart.wait_for(timeout=TIMEOUT_S * 1000)
        spec = visit.poll(lambda: deck_points(visit.frames), "deck.gl chart message")
        need = min(spec, 20)
        visit.poll(lambda: red_pixels(chart.screenshot()) >= need, "points drawn on the deck.gl canvas")
        out = {"pydeck_first_load_s": round(time.perf_counter() - t, 2), "pydeck_points": spec}
        out["pydeck_ws_bytes_total"], out["pydeck_ws_bytes"] = visit.run_bytes(
            0, lambda name: name == "deck_gl_json_chart")
        out["pydeck_external_requests"] = len(visit.external)
        visit.close()
    return out


def deck_points(frames: list[bytes]) -> int | None:
    """Rows of the deck.gl chart's layer data, once its message has arrived."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    for f in frames:
        if element_name(f) == "deck_gl_json_chart":
            msg = ForwardMsg()
            msg.ParseFromString(f)
            spec = json.loads(msg.delta.new_element.deck_gl_json_chart.json)
            return sum(len(layer.get("data") or []) for layer in spec.get("layers", [])) or None
    return None


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("db", type=Path, help="SQLite store to serve (ATLAS_DB)")
    ap.add_argument("--inline", action="store_true", help="the previous design (ATLAS_MAP_POINTS=inline)")
    ap.add_argument("--pydeck", action="store_true", help="st.pydeck_chart with every point instead of the app")
    args = ap.parse_args(argv)
    if not args.db.exists():
        ap.error(f"{args.db}: no such file")
    result = measure_pydeck(args.db) if args.pydeck else measure_map(args.db, inline=args.inline)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
