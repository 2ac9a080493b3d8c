"""Serves the map's points resource (``GET /app/atlas/points?…``, :mod:`atlas.views.pointdata`).

The map page hooks the route into the running server on its first run
(:func:`serve_points`), handing over the function that gives the map's layer data for a
request (the page's own cached ``map data``, so a page and its points never disagree and
are computed once). Answers:

* 200 with gzip'd JSON, cacheable for good by the browser (the URL names the store version);
* 400 naming the bad field of a URL the page would never write;
* 404 when the URL's store version is no longer current (the page then asks for a new map);
* 500 with a reference id, never a traceback (the details go to the log under that id).

Building the payload runs in a worker thread, off the server's event loop: other
visitors' pages keep answering while 100,000 points are encoded.
"""
from __future__ import annotations

import gzip
import logging
import threading
import uuid
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Callable

from starlette.concurrency import run_in_threadpool
from starlette.responses import PlainTextResponse, Response

from atlas.db.store import Store
from atlas.views.maplayers import MapData
from atlas.views.pointdata import (POINTS_PATH, BadPointsRequest, PointsRequest, StalePoints, points_payload,
                                   read_points_request)
from ui.serverhooks import add_route
from ui.st_internals import quiet_missing_context

LOG = logging.getLogger("atlas.points")
CACHED_PAYLOADS = 8  # gzip'd payloads kept (~1.5 MB each at 100,000 points)
MSG_FAILED = "The map's points could not be built (reference {ref}). Reload the page; if it persists, tell the editors."

DataFor = Callable[[Store, PointsRequest], MapData]
WORKER_THREADS = "AnyIO worker thread"  # where run_in_threadpool runs the requests (anyio's name)
_hooked: dict[str, Any] = {}
_payloads: "OrderedDict[tuple, bytes]" = OrderedDict()
_making: dict[tuple, Future] = {}
_lock = threading.Lock()
_warmer = ThreadPoolExecutor(max_workers=1, thread_name_prefix=WORKER_THREADS + " (warm-up)")


def serve_points(get_store: Callable[[], Store], data_for: DataFor) -> bool:
    """Hook the points route into the running server; True if the browser can fetch points."""
    _hooked.update(store=get_store, data=data_for)
    quiet_missing_context(WORKER_THREADS)
    return add_route(POINTS_PATH, _endpoint)


def payload(store: Store, request: PointsRequest, data_for: DataFor) -> bytes:
    """The gzip'd points for ``request`` (kept for the last few requests); made once even when
    the page's warm-up (:func:`prepare`) and the browser's request ask at the same time."""
    key = (store.url, request)
    with _lock:
        if key in _payloads:
            _payloads.move_to_end(key)
            return _payloads[key]
        making = _making.get(key)
        if making is None:
            making = _making[key] = Future()
            mine = True
        else:
            mine = False
    if not mine:
        return making.result()
    try:
        body = points_payload(data_for(store, request))
    except BaseException as exc:
        making.set_exception(exc)
        raise
    finally:
        with _lock:
            _making.pop(key, None)
    with _lock:
        _payloads[key] = body
        while len(_payloads) > CACHED_PAYLOADS:
            _payloads.popitem(last=False)
    making.set_result(body)
    return body


def prepare(store: Store, request: PointsRequest) -> None:
    """Start making ``request``'s payload in the background (the page calls this as it sends
    the map): when the browser asks for the points a moment later they are ready or nearly."""
    data_for = _hooked.get("data")
    with _lock:  # every rerun of the map asks: only a payload neither made nor in the making is started
        known = (store.url, request) in _payloads or (store.url, request) in _making
    if data_for is not None and not known:
        _warmer.submit(_quietly, payload, store, request, data_for)


def _quietly(fn: Callable[..., Any], *args: Any) -> None:
    try:
        fn(*args)
    except Exception:  # noqa: BLE001 -- the browser's own request reports it (with a reference)
        LOG.debug("warming the points failed", exc_info=True)


def answer(pairs: list[tuple[str, str]], accepts_gzip: bool) -> Response:
    """The response to one points request (``pairs``: its query string's fields)."""
    try:
        store = _hooked["store"]()
        request = read_points_request(pairs, store.version())
        body = payload(store, request, _hooked["data"])
    except BadPointsRequest as exc:
        return PlainTextResponse(_short(str(exc)), status_code=400)
    except StalePoints as exc:
        return PlainTextResponse(_short(str(exc)), status_code=404, headers={"Cache-Control": "no-store"})
    except Exception:  # noqa: BLE001 -- a visitor gets a reference, the log gets the details
        ref = uuid.uuid4().hex[:8]
        LOG.exception("points request failed [ref %s]: %s", ref, pairs)
        return PlainTextResponse(MSG_FAILED.format(ref=ref), status_code=500)
    # The URL names the store version and the filters: what it returns never changes.
    headers = {"Cache-Control": "private, max-age=86400, immutable", "Vary": "Accept-Encoding"}
    if accepts_gzip:
        return Response(body, media_type="application/json", headers={**headers, "Content-Encoding": "gzip"})
    return Response(gzip.decompress(body), media_type="application/json", headers=headers)


def _short(message: str, limit: int = 300) -> str:
    """A refusal names the field and the start of its value, not 100 KB of it back."""
    return message if len(message) <= limit else message[: limit - 1] + "…"


async def _endpoint(request: Any) -> Response:
    pairs = list(request.query_params.multi_items())
    accepts_gzip = "gzip" in request.headers.get("accept-encoding", "")
    return await run_in_threadpool(answer, pairs, accepts_gzip)
