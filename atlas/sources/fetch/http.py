"""A polite, bounded HTTP GET for feeds and article pages (standard library only).

Every request names the atlas in its User-Agent, honours robots.txt (and its Crawl-delay),
waits its turn per host, sends ``If-None-Match``/``If-Modified-Since`` when it has them, follows at most
:data:`MAX_REDIRECTS` redirects (a loop is an error), stops reading at the 5 MB article
limit of :mod:`atlas.sources.files` (also after gunzip), and gives up after ``timeout`` seconds
per socket operation and ``deadline`` seconds per request in all (headers, body, redirects
and decoding): a watchdog shuts the socket when the deadline passes, so a server trickling
one byte at a time cannot hold a run. Failures are :class:`FetchFailure`
with a ``kind`` (``dns``, ``http``, ``timeout``, ``too-large``, ``redirects``, ``robots``,
``connection``, ``not-html``, ``charset``, ``malformed``, ``private``) so a run can record and go on.
Only public addresses are fetched unless ``allow_private`` (tests, an intranet feed): an
editor's source URL must not reach the machine's own services; the address is checked
after DNS and the connection pinned to it.
"""
from __future__ import annotations

import codecs
import http.client
import ipaddress
import re
import socket
import ssl
import threading
import time
import zlib
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urljoin, urlsplit

from ...core.errors import AtlasError
from ..files import MAX_ARTICLE_BYTES
from .robots import MAX_ROBOTS_BYTES, Robots, capped_lines
from .sockets import Pinned, PinnedTLS, Watchdog

USER_AGENT = "CentralAsiaInfluenceAtlas/1.0 (+news feed reader; respects robots.txt)"
ROBOTS_AGENT = "CentralAsiaInfluenceAtlas"
MAX_REDIRECTS = 5
ROBOTS_RETRY_S = 600.0  # a robots.txt that failed (timeout, connection) is asked again after this
MAX_CRAWL_DELAY = 60.0  # seconds; a larger robots.txt Crawl-delay is capped, not obeyed forever
CHUNK = 64 * 1024


class FetchFailure(AtlasError):
    """A URL that could not be fetched; ``kind`` says which way it failed."""

    def __init__(self, kind: str, url: str, message: str, status: int | None = None):
        self.kind, self.url, self.status = kind, url, status
        super().__init__(f"{url}: {message}")

    @property
    def permanent(self) -> bool:
        """Trying again will not help: the page is gone (404, 410), disallowed, or not an article."""
        return self.status in (404, 410) or self.kind in ("robots", "not-html", "too-large")


@dataclass(frozen=True)
class Response:
    url: str  # after redirects
    status: int  # 200, or 304 when the conditional GET says unchanged
    body: bytes
    content_type: str  # media type only, lower case
    charset: str | None  # from the Content-Type header
    etag: str | None
    last_modified: str | None
    deadline_at: float | None = None  # time.monotonic() by which decoding must be done too


def check_deadline(resp: Response, step: str) -> None:
    """A ``timeout`` failure when ``resp``'s request deadline has passed (after decoding, parsing)."""
    if resp.deadline_at is not None and time.monotonic() > resp.deadline_at:
        raise FetchFailure("timeout", resp.url, f"{step} went past the page deadline")


class RateLimiter:
    """At most one request per ``interval`` seconds to each host; threads wait their turn."""

    def __init__(self, interval: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.interval, self._clock, self._sleep = interval, clock, sleep
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()
        self.slower: dict[str, float] = {}  # hosts asking for more (robots.txt Crawl-delay)

    def wait(self, host: str) -> None:
        interval = max(self.interval, self.slower.get(host, 0.0))
        if interval <= 0:
            return
        with self._lock:
            now = self._clock()
            slot = max(now, self._next.get(host, now))
            self._next[host] = slot + interval
        if slot > now:
            self._sleep(slot - now)


def content_type(header: str | None) -> tuple[str, str | None]:
    """Media type and charset of a Content-Type header.

    >>> content_type('text/html; charset="Windows-1251"')
    ('text/html', 'windows-1251')
    >>> content_type(None)
    ('', None)
    """
    if not header:
        return "", None
    parts = [p.strip() for p in header.split(";")]
    charset = None
    for p in parts[1:]:
        k, _, v = p.partition("=")
        if k.strip().lower() == "charset" and v.strip():
            charset = v.strip().strip("\"'").lower()
    return parts[0].lower(), charset


_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?([A-Za-z0-9_.:-]{1,40})""", re.I)


# Text charsets a news page may declare (codec names as :func:`codecs.lookup` gives them).
# Anything else, e.g. ``punycode`` or ``utf-7`` (slow, and not how web pages are written)
# or a bytes codec, is refused: decoding stays linear in the page's size.
TEXT_CHARSETS = frozenset({
    "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "ascii", "tis-620",
    *(f"iso8859-{n}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 13, 14, 15, 16)),
    *(f"cp{n}" for n in (1250, 1251, 1252, 1253, 1254, 1255, 1256, 1257, 1258, 866, 874)),
    "koi8-r", "koi8-u", "mac-cyrillic", "mac-roman", "gbk", "gb2312", "gb18030", "big5", "shift_jis",
    "euc_jp", "euc_kr", "cp949", "cp932", "iso2022_jp",
})
# Single-byte charsets: a UTF-8 page mislabelled as one of these decodes without error, as mojibake.
SINGLE_BYTE = frozenset({"tis-620", "koi8-r", "koi8-u", "mac-cyrillic", "mac-roman"}
                        | {c for c in TEXT_CHARSETS if c.startswith(("iso8859-", "cp12", "cp8"))})


def text_codec(charset: str, url: str) -> str:
    """The codec of a declared charset when it is a text charset on the allow-list.

    >>> text_codec("Windows-1251", "u"), text_codec("latin1", "u")
    ('cp1251', 'iso8859-1')
    >>> text_codec("punycode", "u")
    Traceback (most recent call last):
    atlas.sources.fetch.http.FetchFailure: u: 'punycode' is not a text charset the fetcher reads
    """
    try:
        name = codecs.lookup(charset).name
    except LookupError:
        raise FetchFailure("charset", url, f"unknown charset {charset!r}") from None
    if name not in TEXT_CHARSETS:
        raise FetchFailure("charset", url, f"{charset!r} is not a text charset the fetcher reads")
    return name


def decode_html(body: bytes, header_charset: str | None, url: str) -> str:
    """HTML bytes as text: charset from the header, else ``<meta charset>``, else UTF-8.

    A charset the bytes do not fit is a ``charset`` failure, never mojibake; a page
    declared single-byte (windows-1251, koi8-r, …) whose bytes are UTF-8 is read as UTF-8.

    >>> decode_html('<meta charset="windows-1251"><p>Астана'.encode("cp1251"), None, "u")[-6:]
    'Астана'
    >>> decode_html('<p>Астана'.encode("utf-8"), "koi8-r", "u")
    '<p>Астана'
    >>> decode_html(b"\\xff\\xfe<p>", "utf-8", "u")
    Traceback (most recent call last):
    atlas.sources.fetch.http.FetchFailure: u: the page is not valid utf-8 text (byte 0); the declared charset is wrong
    """
    charset = header_charset
    if not charset:
        m = _META_CHARSET.search(body[:4096])
        charset = m.group(1).decode("ascii").lower() if m else "utf-8"
    codec = text_codec(charset, url)
    if codec in SINGLE_BYTE and not body.isascii():
        try:
            text = body.decode("utf-8")  # multi-byte sequences throughout: UTF-8, whatever the label says
            return text[1:] if text.startswith("\ufeff") else text
        except UnicodeDecodeError:
            pass  # really single-byte
    try:
        text = body.decode(codec)
    except UnicodeDecodeError as exc:
        raise FetchFailure("charset", url, f"the page is not valid {charset} text (byte {exc.start}); "
                                           "the declared charset is wrong") from None
    return text[1:] if text.startswith("\ufeff") else text


class HttpClient:
    """GET with the politeness and limits above. Thread-safe; one per run."""

    def __init__(self, *, timeout: float = 10.0, deadline: float = 30.0, per_host_interval: float = 1.0,
                 max_bytes: int = MAX_ARTICLE_BYTES, user_agent: str = USER_AGENT, allow_private: bool = False):
        self.timeout, self.deadline, self.max_bytes, self.user_agent = timeout, deadline, max_bytes, user_agent
        self.allow_private = allow_private
        self.limiter = RateLimiter(per_host_interval)
        # Optional: told (bytes read so far, declared length or None) as a body streams in, so a
        # long download (a dataset release) can show progress.
        self.on_bytes: Callable[[int, int | None], None] | None = None
        self._robots: dict[str, Robots] = {}
        self._robots_failed: dict[str, tuple[FetchFailure, float]] = {}  # base -> (failure, retry after)
        self._robots_lock = threading.Lock()

    # -- robots.txt
    def allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        base = f"{parts.scheme}://{parts.netloc}"
        with self._robots_lock:
            rp = self._robots.get(base)
            failed = self._robots_failed.get(base)
        if rp is None and failed is not None and time.monotonic() < failed[1]:
            raise failed[0]  # robots.txt just timed out or failed: not another 30 s per page of that host
        if rp is None:
            try:
                rp = self._load_robots(base)
            except FetchFailure as exc:
                with self._robots_lock:
                    self._robots_failed[base] = (exc, time.monotonic() + ROBOTS_RETRY_S)
                raise
            with self._robots_lock:
                self._robots[base] = rp
            delay = rp.crawl_delay(ROBOTS_AGENT)
            if delay:
                self.limiter.slower[parts.hostname or ""] = min(float(delay), MAX_CRAWL_DELAY)
        return rp.can_fetch(ROBOTS_AGENT, url)

    def _load_robots(self, base: str) -> Robots:
        rp = Robots(base + "/robots.txt")
        try:
            resp = self._get(base + "/robots.txt", {}, robots=False, keep=MAX_ROBOTS_BYTES)
            rp.parse(capped_lines(resp.body))
        except FetchFailure as exc:
            if exc.kind == "http" and " 401 " not in str(exc) and " 403 " not in str(exc):
                rp.allow_all = True  # no robots.txt (404 and kin): everything is allowed
            elif exc.kind == "http":
                rp.disallow_all = True
            else:
                raise
        return rp

    # -- GET
    def get(self, url: str, etag: str | None = None, last_modified: str | None = None) -> Response:
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return self._get(url, headers, robots=True)

    def _get(self, url: str, headers: dict[str, str], robots: bool, keep: int | None = None) -> Response:
        """``keep``: read only the first ``keep`` bytes of the body (robots.txt), never a size failure."""
        deadline_at: float | None = None  # set after the first politeness wait, which is ours, not the server's
        seen: list[str] = []
        current = url
        while True:
            parts = urlsplit(current)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise FetchFailure("http", current, "only http and https URLs are fetched")
            if robots and not self.allowed(current):
                raise FetchFailure("robots", current, "robots.txt disallows this URL for the atlas")
            if current in seen:
                raise FetchFailure("redirects", url, f"redirect loop ({' -> '.join(seen + [current])})")
            seen.append(current)
            self.limiter.wait(parts.hostname)
            if deadline_at is None:
                deadline_at = time.monotonic() + self.deadline
            status, resp_headers, body = self._once(current, headers, deadline_at, keep)
            if status in (301, 302, 303, 307, 308):
                location = resp_headers.get("location")
                if not location:
                    raise FetchFailure("http", current, f"HTTP {status} without a Location header")
                if len(seen) > MAX_REDIRECTS:
                    raise FetchFailure("redirects", url, f"more than {MAX_REDIRECTS} redirects")
                current = urljoin(current, location)
                continue
            if status == 304:
                return Response(current, 304, b"", "", None, headers.get("If-None-Match"),
                                headers.get("If-Modified-Since"), deadline_at)
            if status != 200:
                raise FetchFailure("http", current, f"HTTP {status} {http.client.responses.get(status, '')}".rstrip(),
                                   status)
            ctype, charset = content_type(resp_headers.get("content-type"))
            return Response(current, 200, body, ctype, charset, resp_headers.get("etag"),
                            resp_headers.get("last-modified"), deadline_at)

    def _once(self, url: str, extra: dict[str, str], deadline_at: float,
              keep: int | None = None) -> tuple[int, dict[str, str], bytes]:
        parts = urlsplit(url)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        headers = {"User-Agent": self.user_agent, "Accept-Encoding": "gzip",
                   "Accept": "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
                             "application/xml;q=0.9,*/*;q=0.5", **extra}
        late = FetchFailure("timeout", url, f"no complete answer within the page deadline of {self.deadline:g} s")
        remaining = deadline_at - time.monotonic()
        if remaining <= 0:
            raise late
        conn = None
        watchdog = None
        try:
            conn = self._connection(url, parts, min(self.timeout, remaining))
            watchdog = Watchdog(conn, remaining)
            conn.connect()
            conn.request("GET", path, headers=headers)
            resp = conn.getresponse()
            resp_headers = {k.lower(): v for k, v in resp.getheaders()}
            if resp.status != 200:  # redirects, 304 and errors: the status is all we need
                return resp.status, resp_headers, b""
            declared = resp_headers.get("content-length", "")
            if declared.isdigit() and int(declared) > self.max_bytes and keep is None:
                raise FetchFailure("too-large", url, f"{int(declared):,} bytes is over the limit of "
                                                     f"{self.max_bytes:,} bytes (5 MB)")
            body = self._read(resp, url, resp_headers.get("content-encoding", "").lower(), keep)
            if watchdog.fired.is_set():  # the socket was shut under a read: what came is cut short
                raise late
            return resp.status, resp_headers, body
        except socket.gaierror as exc:
            raise FetchFailure("dns", url, f"host {parts.hostname!r} not found ({exc.strerror})") from None
        except (socket.timeout, TimeoutError):
            if watchdog is not None and watchdog.fired.is_set():
                raise late from None
            raise FetchFailure("timeout", url, f"no answer within {self.timeout:g} s") from None
        except (ConnectionError, http.client.HTTPException, ssl.SSLError, OSError) as exc:
            if isinstance(exc, FetchFailure):
                raise
            if watchdog is not None and watchdog.fired.is_set():
                raise late from None
            raise FetchFailure("connection", url, f"connection failed: {exc}") from None
        finally:
            if watchdog is not None:
                watchdog.cancel()
            if conn is not None:
                conn.close()

    def _connection(self, url: str, parts, timeout: float) -> http.client.HTTPConnection:
        """A connection pinned to an address checked here, so DNS cannot swap in another later."""
        https = parts.scheme == "https"
        port = parts.port or (443 if https else 80)
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
        ip = infos[0][4][0]
        if not self.allow_private:
            for info in infos:
                addr = ipaddress.ip_address(info[4][0].split("%", 1)[0])
                if not addr.is_global:
                    raise FetchFailure("private", url, f"{parts.hostname} is a private or local address "
                                                       f"({addr}); the fetcher only reads the public internet")
        if https:
            return PinnedTLS(parts.hostname, port, ip, timeout=timeout, context=ssl.create_default_context())
        return Pinned(parts.hostname, port, ip, timeout=timeout)

    def _read(self, resp: http.client.HTTPResponse, url: str, encoding: str, keep: int | None = None) -> bytes:
        gz = zlib.decompressobj(16 + zlib.MAX_WBITS) if encoding in ("gzip", "x-gzip") else None
        out = bytearray()
        raw = 0
        declared = resp.getheader("content-length") or ""
        total = int(declared) if declared.isdigit() else None
        while True:
            chunk = resp.read1(CHUNK)  # whatever has arrived, so the size limit applies as bytes come
            if not chunk:
                break
            raw += len(chunk)
            if self.on_bytes is not None:
                self.on_bytes(raw, total)
            out += gz.decompress(chunk, self.max_bytes + 1 - len(out)) if gz else chunk
            if keep is not None and len(out) >= keep:
                return bytes(out[:keep])
            if len(out) > self.max_bytes or raw > self.max_bytes:
                raise FetchFailure("too-large", url, f"over the limit of {self.max_bytes:,} bytes (5 MB)")
        if gz:
            out += gz.flush()
            if len(out) > self.max_bytes:
                raise FetchFailure("too-large", url, f"over the limit of {self.max_bytes:,} bytes (5 MB)")
        return bytes(out)
