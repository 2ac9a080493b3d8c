"""The map's own clustering (atlas/views/map_cluster.js) in Chromium, without the app: every
point is in exactly one item at every zoom, no two items drawn are closer than the merge
allows, and any point can be brought into view alone (or opened in a spider) by zoomToShowLayer."""
from __future__ import annotations

import pytest
import xstatic.pkg.leaflet

from .conftest import CHROMIUM, ROOT, _require_browser

pytestmark = pytest.mark.browser
LEAFLET = f"{xstatic.pkg.leaflet.BASE_DIR}/leaflet.js"
CLUSTER_JS = ROOT / "atlas" / "views" / "map_cluster.js"

# Seeded points over the region, with some stacked on one spot (a capital's many facts).
SETUP_JS = """([n, stacked]) => new Promise(done => {
  let seed = 7; const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  window.map = L.map('m', {minZoom: 2, maxZoom: 12, zoomSnap: 0.25}).setView([44, 66], 4);
  const markers = [];
  for (let i = 0; i < n; i++) {
    const ll = i < stacked ? [51.17, 71.45] : [36 + rnd() * 18, 51 + rnd() * 34];
    const m = L.marker(ll, {icon: L.divIcon({className: 'pt', iconSize: [8, 8]})}); m._pid = i; markers.push(m);
  }
  window.group = new AtlasClusterGroup({radius: 30, iconCreateFunction: c => L.divIcon({className: 'cl',
      html: String(c.getChildCount()), iconSize: [20, 20]})});
  map.addLayer(group);
  group.setMarkers(markers, () => done(true));
})"""

LEVELS_JS = """() => { const out = [], g = window.group, n = g.getLayers().length;
  for (let z = g._minZ; z <= g._maxZ; z++) {
    const seen = new Uint32Array(n), lv = g._levels[z]; let total = 0;
    for (let i = 0; i < lv.n; i++) { total += lv.c[i]; g._leaves(z, i, []).forEach(p => seen[p]++); }
    out.push({z, total, once: seen.every(k => k === 1)});
  }
  return out; }"""

DRAWN_JS = """() => { const pts = [];
  document.querySelectorAll('.pt, .cl').forEach(e => { const b = e.getBoundingClientRect();
    pts.push([b.left + b.width / 2, b.top + b.height / 2]); });
  let min = Infinity;
  for (let i = 0; i < pts.length; i++) for (let j = i + 1; j < pts.length; j++)
    min = Math.min(min, Math.hypot(pts[i][0] - pts[j][0], pts[i][1] - pts[j][1]));
  return {n: pts.length, min}; }"""


@pytest.fixture(scope="module")
def blank():
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"])
        page = b.new_page(viewport={"width": 900, "height": 700})
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.set_content("<div id='m' style='width:800px;height:600px'></div>")
        page.add_style_tag(path=LEAFLET.replace(".js", ".css"))
        page.add_script_tag(path=LEAFLET)
        page.add_script_tag(path=str(CLUSTER_JS))
        assert page.evaluate(SETUP_JS, [3000, 12])
        yield page
        b.close()
        assert errors == []


def test_every_point_is_in_exactly_one_item_at_every_zoom(blank):
    levels = blank.evaluate(LEVELS_JS)
    assert [lv["z"] for lv in levels] == list(range(2, 13))
    assert all(lv["total"] == 3000 and lv["once"] for lv in levels), levels


@pytest.mark.parametrize("zoom", [4, 6.25, 9])
def test_no_two_drawn_items_are_closer_than_a_few_pixels(blank, zoom):
    blank.evaluate("(z) => { map.setView([44, 66], z, {animate: false}); }", zoom)
    drawn = blank.evaluate(DRAWN_JS)
    assert drawn["n"] > 5 and drawn["min"] >= 6, drawn


@pytest.mark.parametrize("pid", [0, 5, 11, 200, 1999, 2999])  # the first 12 share one spot
def test_any_point_can_be_shown_and_clicked_alone(blank, pid):
    blank.evaluate("() => map.setView([44, 66], 4, {animate: false})")
    shown = blank.evaluate("""(pid) => new Promise(done => { const m = group.getLayers()[pid];
        group.zoomToShowLayer(m, () => { const el = m._icon; if (!el) return done(null);
          const b = el.getBoundingClientRect(), top = document.elementFromPoint(b.left + 4, b.top + 4);
          done({top: top === el, spider: !!m._spiderLeg, zoom: map.getZoom()}); }); })""", pid)
    assert shown and shown["top"], shown
    assert shown["spider"] == (pid < 12)  # stacked points never part: they open in a spider
