"""A minimal Streamlit websocket client: one browser session without a browser.

It speaks the protocol the Streamlit front end speaks (protobuf ``BackMsg`` /
``ForwardMsg`` over ``/_stcore/stream``): ask for a rerun with a URL query string,
read messages until ``script_finished``. Like a browser, it first GETs the page and
sends back the cookies it set (nginx in front of replicas routes on one). Used by
``benchmarks/load.py`` (many sessions at once) and by the replica tests (what one
session sees).
Loopback only: :func:`connect` refuses any other host.
"""
from __future__ import annotations

import asyncio
import http.client
import time
from dataclasses import dataclass, field
from urllib.parse import urlparse

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

LOOPBACK = ("127.0.0.1", "localhost", "::1")
MAX_MESSAGE = 64 * 2**20


class NotLoopback(ValueError):
    """The load tools talk to servers on this machine only."""


@dataclass
class Run:
    """One script run as the client saw it."""

    seconds: float
    status: str  # FINISHED_SUCCESSFULLY, FINISHED_WITH_COMPILE_ERROR, ...
    metrics: dict[str, str] = field(default_factory=dict)  # st.metric label → value
    texts: list[str] = field(default_factory=list)  # markdown, alerts, captions, in order
    exceptions: list[str] = field(default_factory=list)
    widgets: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, label, widget id)
    bytes: int = 0

    def widget_id(self, kind: str, label: str, nth: int = 0) -> str:
        return [w for k, lab, w in self.widgets if (k, lab) == (kind, label)][nth]


class Session:
    """One Streamlit session on a server at ``http://HOST:PORT`` (a page path may follow)."""

    def __init__(self, ws, page: str = ""):
        self.ws, self.page = ws, page

    async def run(self, query_string: str = "", timeout_s: float = 60.0, *,
                  strings: dict[str, str] | None = None, click: str | None = None) -> Run:
        """Rerun the page with this URL query and wait for the script to finish.

        ``strings``: text-input values by widget id (sent on every run, as the browser does);
        ``click``: the widget id of a button pressed for this run.
        """
        msg = BackMsg()
        msg.rerun_script.query_string = query_string
        msg.rerun_script.page_name = self.page
        for wid, value in (strings or {}).items():
            w = msg.rerun_script.widget_states.widgets.add()
            w.id, w.string_value = wid, value
        if click:
            w = msg.rerun_script.widget_states.widgets.add()
            w.id, w.trigger_value = click, True
        t0 = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        run = Run(0.0, "")
        deadline = t0 + timeout_s
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"no script_finished within {timeout_s} s")
            raw = await asyncio.wait_for(self.ws.recv(), timeout=left)
            run.bytes += len(raw)
            fwd = ForwardMsg()
            fwd.ParseFromString(raw)
            kind = fwd.WhichOneof("type")
            if kind == "delta":
                _collect(fwd.delta, run)
            elif kind == "script_finished":
                run.status = ForwardMsg.ScriptFinishedStatus.Name(fwd.script_finished)
                if run.status in ("FINISHED_SUCCESSFULLY", "FINISHED_WITH_COMPILE_ERROR",
                                  "FINISHED_EARLY_FOR_RERUN"):
                    run.seconds = time.perf_counter() - t0
                    return run


def _collect(delta, run: Run) -> None:
    if delta.WhichOneof("type") != "new_element":
        return
    el = delta.new_element
    kind = el.WhichOneof("type")
    if kind == "metric":
        run.metrics[el.metric.label] = el.metric.body
    elif kind == "markdown":
        run.texts.append(el.markdown.body)
    elif kind == "alert":
        run.texts.append(el.alert.body)
    elif kind in ("text_input", "text_area", "button"):
        widget = getattr(el, kind)
        run.widgets.append((kind, widget.label, widget.id))
    elif kind == "exception":
        run.exceptions.append(f"{el.exception.type}: {el.exception.message}")


def _ws_url(base: str) -> str:
    u = urlparse(base)
    if u.hostname not in LOOPBACK:
        raise NotLoopback(f"{base}: only servers on 127.0.0.1 are load-tested")
    return f"ws://{u.hostname}:{u.port}/_stcore/stream"


def connect(base: str, page: str = ""):
    """``async with connect("http://127.0.0.1:8501") as session: await session.run("country=KAZ")``."""
    return _Connect(_ws_url(base), page)


def first_visit(ws_url: str) -> str | None:
    """GET the page as a browser does before it opens the websocket; the cookies it set, as a
    ``Cookie`` header (a proxy in front of replicas routes on one), or None."""
    u = urlparse(ws_url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    try:
        conn.request("GET", "/")
        resp = conn.getresponse()
        resp.read()
        cookies = [c.split(";")[0].strip() for c in resp.headers.get_all("Set-Cookie") or []]
    finally:
        conn.close()
    return "; ".join(cookies) or None


class _Connect:
    def __init__(self, url: str, page: str):
        self.url, self.page = url, page

    async def __aenter__(self) -> Session:
        cookie = await asyncio.to_thread(first_visit, self.url)
        self._cm = websockets.connect(self.url, subprotocols=["streamlit"], max_size=MAX_MESSAGE,
                                      open_timeout=30, ping_interval=None,
                                      additional_headers={"Cookie": cookie} if cookie else None)
        ws = await self._cm.__aenter__()
        return Session(ws, self.page)

    async def __aexit__(self, *exc) -> None:
        await self._cm.__aexit__(*exc)


def run_sync(coro):
    """``asyncio.run(coro)`` in a fresh thread: callable even where a loop already runs
    (a Playwright test earlier in the same pytest worker leaves one behind)."""
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()
