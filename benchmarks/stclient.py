"""A minimal Streamlit websocket client: one browser session without a browser.

It speaks the protocol the Streamlit front end speaks (protobuf ``BackMsg`` /
``ForwardMsg`` over ``/_stcore/stream``): ask for a rerun with a URL query string,
read messages until ``script_finished``. Used by ``benchmarks/load.py`` (many
sessions at once) and by the replica test (what one session on one replica sees).
Loopback only: :func:`connect` refuses any other host.
"""
from __future__ import annotations

import asyncio
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
    elif kind in ("text_input", "button"):
        widget = getattr(el, kind)
        run.widgets.append((kind, widget.label, widget.id))
    elif kind == "exception":
        run.exceptions.append(f"{el.exception.type}: {el.exception.message}")


def _ws_url(base: str) -> str:
    u = urlparse(base)
    if u.hostname not in LOOPBACK:
        raise NotLoopback(f"{base}: only servers on 127.0.0.1 are load-tested")
    return f"ws://{u.hostname}:{u.port}/_stcore/stream"


def connect(base: str, page: str = "", *, source: str | None = None):
    """``async with connect("http://127.0.0.1:8501") as session: await session.run("country=KAZ")``.

    ``source``: the local address to connect from (any of 127.0.0.0/8 on Linux), so that
    many sessions on one machine look like many browsers to a proxy hashing on addresses.
    """
    if source is not None and not source.startswith("127."):
        raise NotLoopback(f"{source}: load clients connect from loopback addresses only")
    return _Connect(_ws_url(base), page, source)


class _Connect:
    def __init__(self, url: str, page: str, source: str | None = None):
        self.url, self.page, self.source = url, page, source

    async def __aenter__(self) -> Session:
        extra = {"local_addr": (self.source, 0)} if self.source else {}
        self._cm = websockets.connect(self.url, subprotocols=["streamlit"], max_size=MAX_MESSAGE,
                                      open_timeout=30, ping_interval=None, **extra)
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
