"""nginx in front of the replicas (``scripts/serve_replicas.py``): sticky per browser, balanced, failing over.

Real nginx from Debian, real HTTP servers on loopback standing in for two replicas
(each answers its own name), real HTTP clients standing in for browsers (they keep
the cookie nginx sets, as a browser does). A Streamlit session lives in one
replica's memory, so one browser must always reach the same replica; many browsers
must be spread evenly, even behind one address (one newsroom's NAT: nginx's
``ip_hash`` put every client of a /24 on one replica, and a hash of random ids split
35 browsers 2 to 1 in the load benchmark); and a browser whose replica is down must
be served by another.
"""
from __future__ import annotations

import http.client
import sys
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from serve_replicas import ROUTE_COOKIE, start_nginx, stop, wait_healthy  # noqa: E402


def _named_server(name: str) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            body = name.encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def backends():
    servers = {name: _named_server(name) for name in ("replica-a", "replica-b")}
    yield servers
    for server in servers.values():
        server.shutdown()
        server.server_close()


@pytest.fixture
def proxied(nginx_bin, tmp_path, backends):
    """nginx's port, in front of the two named backends with the replicas' nginx config."""
    proc, port = start_nginx([b.server_address[1] for b in backends.values()], tmp_path)
    try:
        wait_healthy(port, proc, timeout_s=30)  # any 200 from a backend
        yield port
    finally:
        stop(proc)


class Browser:
    """Keeps the routing cookie nginx sets, and sends it back, as a browser does."""

    def __init__(self, port: int):
        self.port, self.cookie = port, None
        self.set_cookies: list[str] = []

    def get(self) -> str:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request("GET", "/_stcore/health", headers={"Cookie": self.cookie} if self.cookie else {})
            resp = conn.getresponse()
            new = resp.headers.get_all("Set-Cookie") or []
            self.set_cookies += new
            if new:  # a browser replaces a cookie of the same name
                self.cookie = new[-1].split(";")[0]
            return resp.read().decode()
        finally:
            conn.close()


def test_one_browser_always_reaches_the_same_replica(proxied):
    for _ in range(5):
        browser = Browser(proxied)
        first = browser.get()
        assert {browser.get() for _ in range(6)} == {first}


def test_browsers_behind_one_address_are_spread_evenly(proxied):
    browsers = [Browser(proxied) for _ in range(20)]
    for b in browsers:
        b.get()  # the first visit: round-robin; it sets the cookie
    served = [b.get() for b in browsers]
    # 20 browsers at one address: any address hash sent all of them to one replica.
    assert sorted(Counter(served).values()) == [10, 10], Counter(served)


def test_the_routing_cookie_is_set_once_and_not_readable_by_scripts(proxied):
    browser = Browser(proxied)
    browser.get()
    browser.get()
    assert len(browser.set_cookies) == 1, browser.set_cookies  # not set again once the browser has it
    name, _, attrs = browser.set_cookies[0].partition(";")
    assert name in (f"{ROUTE_COOKIE}=r0", f"{ROUTE_COOKIE}=r1")
    assert {a.strip() for a in attrs.split(";")} == {"Path=/", "HttpOnly", "SameSite=Lax"}


def test_a_browser_whose_replica_is_down_is_served_by_the_other_and_moves_there(proxied, backends):
    browser = Browser(proxied)
    first = browser.get()
    backends[first].shutdown()
    backends[first].server_close()  # connections are refused now
    other = ({"replica-a", "replica-b"} - {first}).pop()
    assert [browser.get() for _ in range(3)] == [other] * 3
    assert len(browser.set_cookies) == 2, browser.set_cookies  # the cookie now names the other replica
    moved = Browser(proxied)
    moved.cookie = browser.set_cookies[-1].split(";")[0]
    assert moved.get() == other and moved.set_cookies == []


def test_a_cookie_naming_no_replica_is_replaced(proxied):
    browser = Browser(proxied)
    browser.cookie = f"{ROUTE_COOKIE}=r7"  # a replica removed since, or a hand-made cookie
    assert browser.get() in ("replica-a", "replica-b")
    assert browser.set_cookies[0].split(";")[0] in (f"{ROUTE_COOKIE}=r0", f"{ROUTE_COOKIE}=r1")
