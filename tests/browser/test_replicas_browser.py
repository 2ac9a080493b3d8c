"""Two replicas behind nginx, in a real browser: the page works through the proxy, and every
request of one browser (the page's websocket included) reaches one replica, by nginx's
routing cookie. Real Chromium, real nginx, real Streamlit processes on one PostgreSQL.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from .conftest import CHROMIUM, _require_browser

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from serve_replicas import ROUTE_COOKIE, Replicas, stop  # noqa: E402

pytestmark = pytest.mark.browser
LOG_LINE = re.compile(r'^\S+ "(?P<cookie>[^"]*)" (?P<upstream>\S+) "(?P<request>[^"]*)" (?P<status>\d+)$')


@pytest.fixture
def replicas(pg_url, nginx_bin):
    _require_browser()
    with Replicas(2, pg_url, proxy=True) as r:
        yield r


def shown_count(url: str, **filters) -> str:
    """The "Facts shown" value the page should display, from the database itself."""
    from atlas.views.query import Filters, apply_filters, load_frame
    from atlas.db.store import Store

    store = Store(url)
    try:
        return f"{len(apply_filters(load_frame(store), Filters(**filters))):,}"
    finally:
        store.dispose()


def test_a_browser_stays_on_one_replica_through_nginx(replicas, pg_url):
    from playwright.sync_api import expect, sync_playwright

    tjk, everything = shown_count(pg_url, countries=("TJK",)), shown_count(pg_url)
    assert tjk != everything
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--no-sandbox", "--disable-gpu", "--disable-quic"])
        ctx = browser.new_context()
        page = ctx.new_page()
        page.goto(f"{replicas.proxy_url}/?country=TJK")
        shown = page.locator("[data-testid='stMetric']", has_text="Facts shown")
        expect(shown).to_contain_text(tjk, timeout=60_000)
        page.goto(f"{replicas.proxy_url}/")  # a new page load, a new session: same replica
        expect(shown).to_contain_text(everything, timeout=60_000)
        # The map's points come through nginx too, from the replica that drew the page, out of PostgreSQL.
        state = """() => { const f = document.querySelector("iframe[src*='streamlit_folium']");
            const s = f && f.contentWindow && f.contentWindow.atlasPointsState;
            return s && s.state === 'ready' ? s.facts : null; }"""
        page.wait_for_function(state, timeout=60_000)
        drawn = page.evaluate(state)
        cookies = {c["name"]: c for c in ctx.cookies()}
        ctx.close()  # closes the websockets, so nginx logs them
        browser.close()
    stop(replicas.nginx)  # and waits for nginx to finish writing its log

    assert cookies[ROUTE_COOKIE]["httpOnly"] and cookies[ROUTE_COOKIE]["value"] in ("r0", "r1")
    lines = [LOG_LINE.match(line) for line in (replicas.dir / "access.log").read_text().splitlines()]
    assert all(lines), "unexpected nginx log lines"
    with_cookie = [m for m in lines if m["cookie"] == cookies[ROUTE_COOKIE]["value"]]
    streams = [m for m in with_cookie if m["request"].startswith("GET /_stcore/stream")]
    assert len(streams) == 2, [m["request"] for m in with_cookie]  # both page loads' websockets carried it
    assert len({m["upstream"] for m in with_cookie}) == 1, {m["upstream"] for m in with_cookie}
    points = [m for m in with_cookie if m["request"].startswith("GET /app/atlas/points?")]
    assert points and all(m["status"] == "200" for m in points), [m["request"] for m in with_cookie]
    assert drawn == located_count(pg_url)


def located_count(url: str) -> int:
    """Facts the map draws under the default filters (one per merged event), from the database."""
    from atlas.sources.files import load_boundaries
    from atlas.views import events, maplayers
    from atlas.views.query import Filters, apply_filters, load_frame
    from atlas.db.store import Store

    store = Store(url)
    try:
        frame = apply_filters(load_frame(store), Filters())
        frame = events.collapse(frame, events.events_of_frame(frame, events.split_ids(store)))
        data = maplayers.map_data(frame, load_boundaries(), point_limit=maplayers.WHOLE_POINT_LIMIT)
        return len({r[3] for r in data.rows()} | {f["properties"]["id"] for f in data.routes["features"]})
    finally:
        store.dispose()
