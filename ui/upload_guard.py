"""Only a logged-in editor's session may upload files.

Streamlit accepts ``PUT /_stcore/upload_file/<session>/<file>`` from any session, with
or without an uploader on screen, and keeps each file in memory until the session is
shut down: anonymous visitors could fill the server's memory 6 MB at a time. Streamlit
has no setting for this, so :func:`install` wraps the upload route of the running
Starlette app (Streamlit 1.67 serves through Starlette/uvicorn) with a check that
refuses, with 403 and before reading a byte of the body, every session that
:func:`ui.editor.editor_gate` has not marked as an editor. A proxy in front should
also cap bodies (README, "Public deployment").

In production (:func:`production`: ``ATLAS_ENV=production`` or an editor password set) a
server whose upload route could not be guarded serves nothing but :data:`MSG_UNGUARDED`
(:func:`refuse_unguarded`, run by every page's set-up).
"""
from __future__ import annotations

import logging
import os
import threading
from typing import Any, Awaitable, Callable, Mapping

from starlette.routing import Route

from ui import st_internals
from ui.serverhooks import starlette_apps

UPLOAD_PREFIX = st_internals.UPLOAD_ROUTE
MSG_REFUSED = b"Uploads are accepted only from a logged-in editor's session.\n"
MSG_UNGUARDED = ("The atlas will not start in production: Streamlit's upload route could not be guarded "
                 "(ui/upload_guard.py); check the Streamlit version against requirements.txt.")
LOG = logging.getLogger("atlas.uploads")
_installed = False

_editors: set[str] = set()
_lock = threading.Lock()

ASGI = Callable[[dict, Callable[[], Awaitable[dict]], Callable[[dict], Awaitable[None]]], Awaitable[None]]


def set_editor(session_id: str, allowed: bool) -> None:
    """Mark whether ``session_id`` may upload (called by the editor gate on every run)."""
    with _lock:
        if allowed:
            _editors.add(session_id)
        else:
            _editors.discard(session_id)


def may_upload(session_id: str) -> bool:
    with _lock:
        if session_id not in _editors:
            return False
    try:  # a session that has ended may not upload, even if it was an editor's
        ended = st_internals.is_ended_session(session_id)
    except Exception:  # no runtime (tests of the guard alone): the registry decides
        ended = False
    if ended:
        set_editor(session_id, False)
        return False
    return True


def guard(app: ASGI) -> ASGI:
    """Wrap the ASGI app of the upload route: refuse non-editor sessions before the body is read."""

    async def guarded(scope: dict, receive: Any, send: Any) -> None:
        session_id = (scope.get("path_params") or {}).get("session_id", "")
        if scope.get("type") == "http" and scope.get("method") == "PUT" and not may_upload(session_id):
            LOG.warning("upload refused: not an editor's session (%s)", scope.get("client"))
            await send({"type": "http.response.start", "status": 403,
                        "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"connection", b"close"),
                                    (b"content-length", str(len(MSG_REFUSED)).encode())]})
            await send({"type": "http.response.body", "body": MSG_REFUSED})
            return
        await app(scope, receive, send)

    guarded.atlas_upload_guard = True  # type: ignore[attr-defined]
    return guarded


def install() -> bool:
    """Guard the upload route of every running Starlette app in this process; True if one is guarded.

    Idempotent: a route already guarded is left as it is.
    """
    global _installed
    found = False
    for app in starlette_apps():
        for route in app.router.routes:
            if isinstance(route, Route) and UPLOAD_PREFIX in route.path and "PUT" in (route.methods or ()):
                if not getattr(route.app, "atlas_upload_guard", False):
                    route.app = guard(route.app)
                    LOG.info("upload guard installed: only editor sessions may upload")
                found = True
    _installed = _installed or found
    return found


def production(env: Mapping[str, str] | None = None) -> bool:
    """Production mode: ``ATLAS_ENV=production``, or an editor password set (editing, so uploads, on).

    >>> production({"ATLAS_ENV": "production"}), production({"ATLAS_EDITOR_PASSWORD": "x" * 12}), production({})
    (True, True, False)
    """
    env = os.environ if env is None else env
    return env.get("ATLAS_ENV", "").strip().lower() == "production" or bool(env.get("ATLAS_EDITOR_PASSWORD"))


def unguarded_refusal(installed: bool, server_running: bool, env: Mapping[str, str] | None = None) -> str:
    """:data:`MSG_UNGUARDED` when a production server runs without the guard, else ''.

    No server (AppTest, scripts) has no upload route to guard.

    >>> unguarded_refusal(False, True, {"ATLAS_ENV": "production"}) == MSG_UNGUARDED
    True
    >>> unguarded_refusal(True, True, {"ATLAS_ENV": "production"}), unguarded_refusal(False, True, {})
    ('', '')
    """
    return MSG_UNGUARDED if server_running and not installed and production(env) else ""


def refuse_unguarded() -> str:
    """Install the guard if it is not yet; the refusal message when this server must not serve."""
    installed = _installed or install()
    message = unguarded_refusal(installed, st_internals.server_running())
    if message:
        LOG.critical(message)
    return message
