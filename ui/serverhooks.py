"""Hooks into the running Streamlit server (Starlette, since Streamlit 1.67) for what
Streamlit has no setting for: guarding its upload route, serving the map's vendor
files straight from the installed packages, and the map's points resource (ui/pointserver.py).

The server's Starlette app exists before any page script runs; page code finds it once
per process (:func:`starlette_apps`) and edits its route list, which Starlette reads on
every request. Under AppTest there is no server and every hook reports False.
"""
from __future__ import annotations

import logging
from typing import Any

from starlette.responses import FileResponse, PlainTextResponse
from starlette.routing import Route

from atlas.core.webassets import URL_PREFIX, vendor_files
from ui import st_internals

LOG = logging.getLogger("atlas.server")
_apps: list[Any] | None = None
_vendor_done: bool | None = None


def starlette_apps() -> list[Any]:
    """The Starlette applications alive in this process (scanned once)."""
    global _apps
    if _apps is None:
        _apps = st_internals.starlette_apps()
    return _apps


def serve_vendor_from_packages() -> bool:
    """Answer ``/app/static/vendor/<file>`` from the installed xstatic packages; True if hooked.

    Only the files :func:`atlas.core.webassets.vendor_files` lists are served, so the route
    cannot be walked to any other path.
    """
    global _vendor_done
    if _vendor_done is not None:
        return _vendor_done
    apps = starlette_apps()
    if not apps:
        _vendor_done = False
        return False
    files = vendor_files()

    async def vendor(request: Any) -> Any:
        src = files.get(request.path_params["path"])
        if src is None:
            return PlainTextResponse("Not found", status_code=404)
        return FileResponse(src, headers={"Cache-Control": "public, max-age=86400"})

    for app in apps:
        # First in the list: ahead of Streamlit's own /app/static route.
        app.router.routes.insert(0, Route(URL_PREFIX + "/{path:path}", vendor, methods=["GET", "HEAD"]))
    LOG.info("serving %d map vendor files from the installed packages", len(files))
    _vendor_done = True
    return True


_routes_added: dict[str, bool] = {}


def add_route(path: str, endpoint: Any, methods: tuple[str, ...] = ("GET", "HEAD")) -> bool:
    """Answer ``path`` with ``endpoint`` (ahead of Streamlit's own routes), once per process;
    True if a running server was hooked (False under AppTest and in scripts)."""
    if path in _routes_added:
        return _routes_added[path]
    apps = starlette_apps()
    for app in apps:
        app.router.routes.insert(0, Route(path, endpoint, methods=list(methods)))
    _routes_added[path] = bool(apps)
    if apps:
        LOG.info("serving %s", path)
    return bool(apps)
