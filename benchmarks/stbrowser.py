"""A real ``streamlit run`` server and headless Chromium visitors that record the websocket:
the plumbing of benchmarks/browserbench.py (and of any benchmark that times a page).

Every websocket frame a Streamlit page receives is a protobuf ``ForwardMsg``; :class:`Visit`
keeps them and decodes each once (:meth:`Visit.kind`), so a benchmark can tell a script run's
start (``new_session``) and end (``script_finished``) and which element a frame adds. Requests
to any host but the loopback server are aborted and counted (``Visit.external``).
"""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
TIMEOUT_S = 180.0
POLL_MS = 50
# Any http(s) URL whose host is not the loopback server (matched inside the browser driver).
EXTERNAL = re.compile(r"^(?!https?://(127\.0\.0\.1|localhost)[:/])https?://")


class BenchFailed(RuntimeError):
    """The server did not start, or the page never reached the state being timed."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def streamlit_server(script: Path, db: Path, extra_env: dict[str, str] | None = None,
                     cwd: Path = ROOT) -> Iterator[int]:
    """``streamlit run script`` on 127.0.0.1 with ``ATLAS_DB=db``; yields the port, then kills
    the server's process group. ``ATLAS_MAP_POINTS`` comes only from ``extra_env``."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "ATLAS_MAP_POINTS"}
    env.update({"ATLAS_DB": str(db), **(extra_env or {})})
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
            cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
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
