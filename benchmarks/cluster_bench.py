"""The clustered map in headless Chromium at a given size: page size, time until every marker is
clustered, and the closest two visible markers or clusters at several zooms.

    .venv/bin/python benchmarks/cluster_bench.py 2400 10000

Builds synthetic facts at run time (tests/dash_data.random_facts), renders the map with
atlas.views.maps, serves it and the vendored Leaflet files from a temporary folder on 127.0.0.1,
and prints one JSON line per size. Needs /usr/bin/chromium and playwright.
"""
from __future__ import annotations

import functools
import http.server
import json
import socketserver
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GAP_JS = """(z) => { const m = Object.values(window).find(v => v && v._container && v.setView);
    m.setView([42, 68], z, {animate: false});
    // Measure once the clusters' own split/merge animation is over (markers fly from a cluster's centre).
    const settled = () => !window.atlasCluster._inZoomAnimation && !m._animatingZoom
        && !document.querySelector('.leaflet-cluster-anim');
    return new Promise(done => { const poll = () => settled() ? setTimeout(measure, 100) : setTimeout(poll, 50);
      const measure = () => {
        const pts = [...document.querySelectorAll('.atlas-mk, .atlas-cluster')].map(e => {
            const b = e.getBoundingClientRect(); return [b.x + b.width / 2, b.y + b.height / 2]; })
            .filter(p => p[0] >= 0 && p[1] >= 0 && p[0] <= innerWidth && p[1] <= innerHeight);
        let d = Infinity;
        for (let i = 0; i < pts.length; i++) for (let j = i + 1; j < pts.length; j++)
            d = Math.min(d, Math.hypot(pts[i][0] - pts[j][0], pts[i][1] - pts[j][1]));
        done([pts.length, pts.length > 1 ? Math.round(d * 10) / 10 : null]); };
      setTimeout(poll, 50); }); }"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def main(sizes: list[int]) -> None:
    from playwright.sync_api import sync_playwright

    from atlas.views import maplayers
    from atlas.views import maps
    from atlas.sources.files import BOUNDARIES, load_boundaries
    from atlas.views.query import load_frame
    from atlas.db.store import Store
    from atlas.core.webassets import VENDOR_DIR, ensure_vendor
    from tests.dash_data import random_facts

    ensure_vendor()
    boundaries = load_boundaries(BOUNDARIES)
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp)
        (site / "app" / "static").mkdir(parents=True)
        (site / "app" / "static" / "vendor").symlink_to(VENDOR_DIR)
        pages = {}
        for n in sizes:
            store = Store("sqlite://")
            store.bulk_insert_facts(random_facts(n))
            data = maplayers.map_data(load_frame(store), boundaries)
            html = maps.map_from_data(data, height=600).get_root().render()
            (site / f"map{n}.html").write_text(html, encoding="utf-8")
            pages[n] = (len(html.encode("utf-8")), data.aggregated)
        srv = socketserver.TCPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])
                for n in sizes:
                    page = browser.new_page(viewport={"width": 1200, "height": 800})
                    errors: list[str] = []
                    page.on("pageerror", lambda e: errors.append(str(e)))
                    t0 = time.perf_counter()
                    page.goto(f"http://127.0.0.1:{srv.server_address[1]}/map{n}.html")
                    page.wait_for_function("() => window.atlasCluster && window.atlasCluster.getLayers().length"
                                           " === window.ATLAS_POINTS.rows.length", timeout=120000)
                    clustered_s = time.perf_counter() - t0
                    gaps = {z: page.evaluate(GAP_JS, z) for z in (4.25, 6, 8)}
                    print(json.dumps({"facts": n, "map_bytes": pages[n][0], "aggregated": list(pages[n][1]),
                                      "points": page.evaluate("() => window.ATLAS_POINTS.rows.length"),
                                      "all_clustered_s": round(clustered_s, 2),
                                      "visible_and_min_gap_px_by_zoom": gaps, "page_errors": errors}))
                    page.close()
                browser.close()
        finally:
            srv.shutdown()


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [2400])
