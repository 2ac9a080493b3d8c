"""A real HTTP server on 127.0.0.1 for fetch tests: routes, ETags, gzip, request counts.

Pages are built from the seed article (real published text) and the fixture articles of
tests/fixtures/articles (written for the extraction tests; every page made from them says
so in a ``<meta name="atlas-test-note">``). Nothing here ever ships as data.
"""
from __future__ import annotations

import gzip
import html
import threading
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "articles"
TEST_NOTE = "written for a test of the atlas; not a real article"


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    gzip: bool = False
    hang: threading.Event | None = None  # the handler waits for this before answering (timeouts)


class FixtureServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route | Callable[[], Route]] = {}
        self.hits: Counter[str] = Counter()
        self.not_modified: Counter[str] = Counter()
        self.user_agents: set[str] = set()
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, *a):  # quiet
                pass

            def do_GET(self):  # noqa: N802
                with server._lock:
                    server.hits[self.path] += 1
                    server.user_agents.add(self.headers.get("User-Agent", ""))
                route = server.routes.get(self.path)
                if callable(route):
                    route = route()
                if route is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if route.hang is not None:
                    route.hang.wait(10)
                if route.etag and self.headers.get("If-None-Match") == route.etag:
                    with server._lock:
                        server.not_modified[self.path] += 1
                    self.send_response(304)
                    self.end_headers()
                    return
                body = route.body
                self.send_response(route.status)
                if route.content_type:
                    self.send_header("Content-Type", route.content_type)
                if route.etag:
                    self.send_header("ETag", route.etag)
                for k, v in route.headers.items():
                    self.send_header(k, v)
                if route.gzip and "gzip" in self.headers.get("Accept-Encoding", ""):
                    body = gzip.compress(body)
                    self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> "FixtureServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path: str) -> str:
        return self.base + path


def fixture_text(name: str) -> str:
    return (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")


def seed_text() -> str:
    return (ROOT / "seeds" / "000_c091979762de952d.txt").read_text(encoding="utf-8")


def article_html(text: str, *, lang: str = "en", title: str | None = None, published: str = "",
                 canonical: str = "", site: str = "Fixture News", written_for_test: bool = True,
                 charset_meta: str = "") -> str:
    """An article page around ``text`` (paragraphs from its lines), with metadata."""
    lines = [ln for ln in text.split("\n") if ln.strip()]
    head = [f"<title>{html.escape(title or lines[0])}</title>", f'<meta property="og:site_name" content="{site}">']
    if charset_meta:
        head.insert(0, f'<meta charset="{charset_meta}">')
    if published:
        head.append(f'<meta property="article:published_time" content="{published}">')
    if canonical:
        head.append(f'<link rel="canonical" href="{html.escape(canonical)}">')
    if written_for_test:
        head.append(f'<meta name="atlas-test-note" content="{TEST_NOTE}">')
    body = "".join(f"<p>{html.escape(ln)}</p>" for ln in lines[1:])
    return (f'<!DOCTYPE html><html lang="{lang}"><head>{"".join(head)}</head><body><article>'
            f"<h1>{html.escape(title or lines[0])}</h1>{body}</article></body></html>")


def rss(base: str, items: list[tuple[str, str, str]]) -> bytes:
    """RSS 2.0 with (path, title, RFC 822 date) items."""
    its = "".join(f"<item><title>{html.escape(t)}</title><link>{base}{p}</link><pubDate>{d}</pubDate></item>"
                  for p, t, d in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Fixture feed</title>'
            f"<link>{base}/</link><description>{TEST_NOTE}</description>{its}</channel></rss>").encode()


def atom(base: str, items: list[tuple[str, str, str]]) -> bytes:
    """Atom with (path, title, ISO datetime) entries."""
    es = "".join(f'<entry><title>{html.escape(t)}</title><link href="{base}{p}"/><id>{base}{p}</id>'
                 f"<updated>{d}</updated></entry>" for p, t, d in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>Fixture Atom</title><id>{base}/atom</id><updated>2024-07-17T00:00:00Z</updated>{es}</feed>").encode()


def sitemap(base: str, paths: list[str]) -> bytes:
    urls = "".join(f"<url><loc>{base}{p}</loc></url>" for p in paths)
    return (f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{urls}</urlset>").encode()


class TrickleServer:
    """A server on 127.0.0.1 that answers every page slowly, one piece every ``interval`` s.

    ``mode``: ``length`` (a Content-Length of 100,000, then one byte at a time), ``chunked``
    (one-byte chunks) or ``headers`` (the status line, then one header line at a time,
    never ending the headers). Each piece comes well inside a socket timeout, so only an
    overall deadline ends the request. ``/robots.txt`` answers 404 at once (unless
    ``robots_too``: then it trickles like the rest); the pacing is
    the server's own (an Event wait), and it stops when the client hangs up or on exit.
    """

    def __init__(self, mode: str, interval: float = 0.4, robots_too: bool = False) -> None:
        self.stop = threading.Event()
        self.asked = threading.Event()  # a page (not robots.txt) was requested
        self.requests: Counter[str] = Counter()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):  # quiet
                pass

            def _piece(self, data: bytes) -> bool:
                if server.stop.wait(interval):
                    return False
                try:
                    self.wfile.write(data)
                    self.wfile.flush()
                    return True
                except OSError:  # the client gave up
                    return False

            def do_GET(self):  # noqa: N802
                server.requests[self.path] += 1
                if self.path == "/robots.txt" and not robots_too:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                server.asked.set()
                self.close_connection = True
                if mode == "headers":
                    self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                    n = 0
                    while self._piece(f"X-Slow-{n}: {n}\r\n".encode()):
                        n += 1
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                if mode == "length":
                    self.send_header("Content-Length", "100000")
                else:
                    self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                piece = b"x" if mode == "length" else b"1\r\nx\r\n"
                while self._piece(piece):
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> "TrickleServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path: str) -> str:
        return self.base + path
