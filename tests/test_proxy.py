"""nginx in front of the replicas (``scripts/serve_replicas.py``): sticky per browser, spread across replicas.

Real nginx from Debian, real HTTP servers on loopback standing in for two replicas
(each answers its own name), real HTTP clients standing in for browsers (they keep
the cookie nginx sets, as a browser does). A Streamlit session lives in one
replica's memory, so one browser must always reach the same replica; and many
browsers must not all land on one, even behind one address (one newsroom's NAT:
nginx's ``ip_hash`` put every client of a /24 on one replica).
"""
from __future__ import annotations

import http.client
import sys
import threading
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
def proxied(nginx_bin, tmp_path):
    """(nginx port, {backend port: name}) for two named backends behind the replicas' nginx config."""
    backends = [_named_server("replica-a"), _named_server("replica-b")]
    ports = [b.server_address[1] for b in backends]
    proc, port = start_nginx(ports, tmp_path)
    try:
        wait_healthy(port, proc, timeout_s=30)  # any 200 from a backend
        yield port
    finally:
        stop(proc)
        for b in backends:
            b.shutdown()


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
            self.set_cookies += resp.headers.get_all("Set-Cookie") or []
            if self.set_cookies and not self.cookie:
                self.cookie = self.set_cookies[0].split(";")[0]
            return resp.read().decode()
        finally:
            conn.close()


def test_one_browser_always_reaches_the_same_replica(proxied):
    for _ in range(5):
        browser = Browser(proxied)
        first = browser.get()
        assert {browser.get() for _ in range(6)} == {first}


def test_browsers_behind_one_address_are_spread_over_the_replicas(proxied):
    browsers = [Browser(proxied) for _ in range(20)]
    for b in browsers:
        b.get()  # the first visit: the page itself, any replica; it sets the cookie
    served = [b.get() for b in browsers]
    # 20 browsers at one address: any address hash sent all of them to one replica. With 20
    # random ids one replica gets none about 2 times in a million (4 in 100,000 even if the
    # consistent-hash ring gave it only 40 % of the ids).
    assert set(served) == {"replica-a", "replica-b"}, served


def test_the_routing_cookie_is_set_once_and_not_readable_by_scripts(proxied):
    browser = Browser(proxied)
    browser.get()
    browser.get()
    assert len(browser.set_cookies) == 1, browser.set_cookies  # not set again once the browser has it
    name, _, attrs = browser.set_cookies[0].partition(";")
    assert name.startswith(f"{ROUTE_COOKIE}=") and len(name.split("=")[1]) == 32
    assert {a.strip() for a in attrs.split(";")} == {"Path=/", "HttpOnly", "SameSite=Lax"}
