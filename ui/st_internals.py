"""The one place the app reaches into Streamlit's and streamlit-folium's private parts.

Pinned versions (requirements.txt) have each name below; a newer release may not, so
``tests/test_st_internals.py`` checks every one by name and fails naming the installed
version. Everything else in ``ui/`` calls these functions instead of importing
``streamlit.runtime``, ``streamlit.web``, ``streamlit.elements`` or streamlit-folium's
underscore names itself. :func:`private_names` lists what is used, for that test.
"""
from __future__ import annotations

import gc
import inspect
import logging
import threading
from importlib.metadata import version
from types import SimpleNamespace
from typing import Any, Callable

import streamlit
import streamlit_folium
from starlette.applications import Starlette
from streamlit import runtime


class StreamlitInternalsChanged(RuntimeError):
    """A private Streamlit/streamlit-folium name the app relies on is gone (after an upgrade)."""


try:  # private modules: a newer Streamlit may move them; say so in one line instead of a bare ImportError
    from streamlit.elements import vega_charts
    from streamlit.runtime.runtime import Runtime
    from streamlit.runtime.scriptrunner import get_script_run_ctx
    from streamlit.runtime.scriptrunner_utils import script_run_context
    from streamlit.runtime.scriptrunner_utils.script_run_context import ScriptRunContext
    from streamlit.runtime.websocket_session_manager import WebsocketSessionManager
    from streamlit.web.server import server
except ImportError as exc:
    raise StreamlitInternalsChanged(f"streamlit {streamlit.__version__} changed: {exc}; update ui/st_internals.py"
                                    ) from exc

# Streamlit's upload route (``PUT /_stcore/upload_file/<session>/<file>``), guarded by ui.upload_guard.
UPLOAD_ROUTE = "/_stcore/upload_file/"
# streamlit-folium's private renderers, used by ui.fastmap to render a map once and reuse it.
FOLIUM_NAMES = ("_get_html", "_get_header", "_get_map_string", "_component_func", "get_full_id",
                "generate_js_hash")


def versions() -> str:
    return f"streamlit {streamlit.__version__}, streamlit-folium {_folium_version()}"


def _folium_version() -> str:
    return version("streamlit-folium")


def _need(owner: Any, name: str) -> Any:
    try:
        return getattr(owner, name)
    except AttributeError:
        raise StreamlitInternalsChanged(
            f"{getattr(owner, '__name__', type(owner).__name__)}.{name} is gone in {versions()}: "
            "update ui/st_internals.py") from None


# streamlit-folium's renderers as one namespace (``sf._get_html(m)`` etc. in ui.fastmap).
folium_private = SimpleNamespace(**{n: _need(streamlit_folium, n) for n in FOLIUM_NAMES})


def private_names() -> dict[str, Callable[[], Any]]:
    """Each private name the app uses -> a function returning it (raising when it is gone)."""
    def session_manager() -> Any:
        return _need(runtime.get_instance(), "_session_mgr")

    return {
        "streamlit.runtime.scriptrunner.get_script_run_ctx": lambda: get_script_run_ctx,
        "ScriptRunContext.page_script_hash": lambda: _ctx_field("page_script_hash"),
        "ScriptRunContext.session_id": lambda: _ctx_field("session_id"),
        "ScriptRunContext.on_script_error": lambda: _ctx_field("on_script_error"),
        "streamlit.runtime.exists": lambda: _need(runtime, "exists"),
        "streamlit.runtime.get_instance": lambda: _need(runtime, "get_instance"),
        "Runtime.is_active_session": lambda: _need(Runtime, "is_active_session"),
        "Runtime._session_mgr": _session_mgr_attribute,
        "SessionManager._on_script_error": _on_script_error_attribute,
        "streamlit.elements.vega_charts._convert_altair_to_vega_lite_spec":
            lambda: _need(vega_charts, "_convert_altair_to_vega_lite_spec"),
        "route /_stcore/upload_file/": _upload_route,
        "logger " + MISSING_CONTEXT_LOGGER: _missing_context_logger,
        **{f"streamlit_folium.{n}": (lambda n=n: _need(streamlit_folium, n)) for n in FOLIUM_NAMES},
    }


def _ctx_field(name: str) -> Any:
    fields = getattr(ScriptRunContext, "__dataclass_fields__", {})
    if name not in fields and not hasattr(ScriptRunContext, name):
        raise StreamlitInternalsChanged(f"ScriptRunContext.{name} is gone in {versions()}: update ui/st_internals.py")
    return name


def _session_mgr_attribute() -> str:  # set in Runtime.__init__, not declared: read its source
    if "self._session_mgr" not in inspect.getsource(Runtime.__init__):
        raise StreamlitInternalsChanged(f"Runtime._session_mgr is gone in {versions()}: update ui/st_internals.py")
    return "_session_mgr"


def _on_script_error_attribute() -> str:  # likewise, in WebsocketSessionManager.__init__
    if "self._on_script_error =" not in inspect.getsource(WebsocketSessionManager.__init__):
        raise StreamlitInternalsChanged(
            f"SessionManager._on_script_error is gone in {versions()}: update ui/st_internals.py")
    return "_on_script_error"


def _missing_context_logger() -> str:
    logger = getattr(script_run_context, "_LOGGER", None)
    if logger is None or logger.name != MISSING_CONTEXT_LOGGER:
        raise StreamlitInternalsChanged(f"{MISSING_CONTEXT_LOGGER} no longer logs there in {versions()}: "
                                        "update ui/st_internals.py")
    return MISSING_CONTEXT_LOGGER


def _upload_route() -> str:
    if _need(server, "UPLOAD_FILE_ENDPOINT").rstrip("/") + "/" != UPLOAD_ROUTE:
        raise StreamlitInternalsChanged(f"the upload route is {server.UPLOAD_FILE_ENDPOINT!r}, not {UPLOAD_ROUTE!r}, "
                                        f"in {versions()}: update ui/st_internals.py")
    return UPLOAD_ROUTE


# -- what the app calls ------------------------------------------------------------------------

def current_page_hash() -> str:
    """The running page's script hash ('' outside a script run)."""
    ctx = get_script_run_ctx()
    return ctx.page_script_hash if ctx is not None else ""


def session_id() -> str:
    """This browser session's id (Streamlit's own; the upload URL carries it too)."""
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else "no-session"


def set_script_error_handler(handler: Callable[..., Any]) -> None:
    """Use ``handler`` for uncaught errors of this script run."""
    ctx = get_script_run_ctx()
    if ctx is not None and ctx.on_script_error is not handler:
        ctx.on_script_error = handler


def set_new_session_error_handler(handler: Callable[..., Any]) -> bool:
    """Use ``handler`` in sessions that start later (the runtime's session manager); True if set."""
    if not runtime.exists():
        return False
    manager = getattr(runtime.get_instance(), "_session_mgr", None)
    if manager is None or not hasattr(manager, "_on_script_error"):
        return False
    manager._on_script_error = handler
    return True


def server_running() -> bool:
    """True inside ``streamlit run`` (a real Runtime); False in scripts and under AppTest (whose
    Runtime is a mock, ``MagicMock(spec=Runtime)``, so ``isinstance`` would say yes)."""
    return runtime.exists() and issubclass(type(runtime.get_instance()), Runtime)


def is_ended_session(session_id: str) -> bool:
    """True when a Streamlit runtime runs here and ``session_id`` is not one of its live sessions."""
    return runtime.exists() and not runtime.get_instance().is_active_session(session_id)


def altair_to_vega_lite_spec(chart: Any) -> dict:
    """The spec ``st.altair_chart`` would send for ``chart`` (Streamlit's own conversion)."""
    return vega_charts._convert_altair_to_vega_lite_spec(chart)


# Streamlit's logger that warns when a cached function runs outside a script run.
MISSING_CONTEXT_LOGGER = "streamlit.runtime.scriptrunner_utils.script_run_context"


class _SkipMissingContext(logging.Filter):
    def __init__(self, thread_names: tuple[str, ...]):
        super().__init__()
        self.thread_names = thread_names

    def filter(self, record: logging.LogRecord) -> bool:
        return not ("missing ScriptRunContext" in record.getMessage()
                    and threading.current_thread().name.startswith(self.thread_names))


def quiet_missing_context(*thread_names: str) -> None:
    """Drop Streamlit's "missing ScriptRunContext" warning in threads named so: the points
    route (ui/pointserver.py) reads the page's caches from the server's worker threads on
    purpose, and a warning per request would bury real ones in the log."""
    logger = logging.getLogger(MISSING_CONTEXT_LOGGER)
    mine = next((f for f in logger.filters if isinstance(f, _SkipMissingContext)), None)
    if mine is None:
        logger.addFilter(_SkipMissingContext(tuple(thread_names)))
    else:
        mine.thread_names = tuple(dict.fromkeys(mine.thread_names + tuple(thread_names)))


def starlette_apps() -> list[Any]:
    """The Starlette applications alive in this process (Streamlit's server keeps no public handle)."""
    return [obj for obj in gc.get_objects() if isinstance(obj, Starlette)]
