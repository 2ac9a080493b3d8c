"""ui/st_internals.py: each private Streamlit / streamlit-folium name the app uses still exists.

One test per name, so an upgrade that drops one fails loudly, naming the name and the installed
versions; and no other module reaches into those internals itself. The upload guard's result
is checked: a production server it could not guard serves only a one-line refusal.
"""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui import st_internals, upload_guard

ROOT = Path(__file__).resolve().parents[1]
NAMES = st_internals.private_names()
# What only the adapter may import or touch.
PRIVATE_MODULES = ("streamlit.runtime", "streamlit.web", "streamlit.elements")
PRIVATE_ATTRS = ("_session_mgr", "_on_script_error", "_convert_altair_to_vega_lite_spec", "_get_html",
                 "_get_header", "_get_map_string", "_component_func")


@pytest.mark.parametrize("name", sorted(NAMES))
def test_private_name_still_exists(name):
    try:
        assert NAMES[name]() is not None
    except (st_internals.StreamlitInternalsChanged, AttributeError, ImportError) as exc:
        pytest.fail(f"{name} is gone in {st_internals.versions()}: {exc}")


def test_a_missing_name_fails_naming_the_versions():
    with pytest.raises(st_internals.StreamlitInternalsChanged) as err:
        st_internals._need(st_internals.streamlit_folium, "_no_such_renderer")
    assert str(err.value) == (f"streamlit_folium._no_such_renderer is gone in {st_internals.versions()}: "
                              "update ui/st_internals.py")
    assert st_internals.versions().startswith("streamlit 1.")


def test_a_moved_private_name_fails_in_one_line_naming_the_version():
    # A fresh interpreter whose Streamlit lacks one private class (as after an upgrade that moved it).
    code = ("import streamlit.runtime.websocket_session_manager as m\n"
            "del m.WebsocketSessionManager\n"
            "import ui.st_internals")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    import streamlit

    assert proc.returncode == 1
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith(f"ui.st_internals.StreamlitInternalsChanged: streamlit {streamlit.__version__} changed: "
                           "cannot import name 'WebsocketSessionManager' from 'streamlit.runtime.websocket_session_"
                           "manager'")
    assert last.endswith("; update ui/st_internals.py")


def _reaches_inside(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(PRIVATE_MODULES):
            found.append(f"{path.name}:{node.lineno}: from {node.module}")
        elif isinstance(node, ast.Import) and any(a.name.startswith(PRIVATE_MODULES + ("streamlit_folium",))
                                                  for a in node.names):
            found.append(f"{path.name}:{node.lineno}: import")
        elif isinstance(node, ast.ImportFrom) and node.module == "streamlit" and any(
                a.name == "runtime" for a in node.names):
            found.append(f"{path.name}:{node.lineno}: from streamlit import runtime")
        elif isinstance(node, ast.Attribute) and node.attr in PRIVATE_ATTRS:
            found.append(f"{path.name}:{node.lineno}: .{node.attr}")
    return found


def test_only_the_adapter_reaches_into_streamlit():
    files = [p for d in ("ui", "pages", "atlas") for p in (ROOT / d).rglob("*.py")] + [ROOT / "dashboard.py"]
    # ui/fastmap.py keeps streamlit-folium's names on ``sf``, which is st_internals.folium_private.
    found = [f for p in files if p.name != "st_internals.py" for f in _reaches_inside(p)
             if not (p.name == "fastmap.py" and f.split(": ")[1].startswith("."))]
    assert found == []


def test_fastmap_uses_the_checked_renderers():
    from ui import fastmap

    assert fastmap.sf is st_internals.folium_private
    assert set(vars(fastmap.sf)) == set(st_internals.FOLIUM_NAMES)


def test_server_running_is_false_outside_streamlit_run():
    assert st_internals.server_running() is False  # no Runtime, or AppTest's mock one


PRODUCTION = "The atlas will not start in production"


def test_production_mode_refuses_an_unguarded_server(monkeypatch):
    assert upload_guard.MSG_UNGUARDED.startswith(PRODUCTION) and "\n" not in upload_guard.MSG_UNGUARDED
    monkeypatch.setattr(upload_guard, "_installed", False)
    monkeypatch.setattr(upload_guard, "install", lambda: False)  # no upload route found to guard
    monkeypatch.setattr(st_internals, "server_running", lambda: True)
    monkeypatch.setenv("ATLAS_ENV", "production")
    assert upload_guard.refuse_unguarded() == upload_guard.MSG_UNGUARDED
    monkeypatch.delenv("ATLAS_ENV")
    monkeypatch.delenv("ATLAS_EDITOR_PASSWORD", raising=False)
    assert upload_guard.refuse_unguarded() == ""  # development: served, unguarded
    monkeypatch.setenv("ATLAS_EDITOR_PASSWORD", "a long enough password")
    assert upload_guard.refuse_unguarded() == upload_guard.MSG_UNGUARDED


def test_unguarded_production_page_shows_only_the_refusal(monkeypatch, tmp_path):
    monkeypatch.setattr(upload_guard, "_installed", False)
    monkeypatch.setattr(upload_guard, "install", lambda: False)
    monkeypatch.setattr(st_internals, "server_running", lambda: True)
    monkeypatch.setenv("ATLAS_ENV", "production")
    monkeypatch.setenv("ATLAS_DB", str(tmp_path / "never-opened.sqlite"))
    at = AppTest.from_file(str(ROOT / "pages" / "8_Methodology.py"), default_timeout=30).run()
    assert not at.exception
    assert [e.value for e in at.error] == [upload_guard.MSG_UNGUARDED]
    assert not at.title and not (tmp_path / "never-opened.sqlite").exists()


def test_the_missing_context_warning_is_dropped_only_in_the_named_threads():
    import logging
    import threading

    seen: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record):
            seen.append(f"{threading.current_thread().name}: {record.getMessage()}")

    logger = logging.getLogger(st_internals.MISSING_CONTEXT_LOGGER)
    handler, before = Keep(), list(logger.filters)
    logger.addHandler(handler)
    logger.filters.clear()  # whatever an earlier page test installed in this process
    try:
        st_internals.quiet_missing_context("Points worker")
        st_internals.quiet_missing_context("Points worker", "Warm-up")  # once: one filter, names added
        assert len(logger.filters) == 1
        for name in ("Points worker 3", "Other thread"):
            t = threading.Thread(name=name, target=lambda: logger.warning("Thread 'x': missing ScriptRunContext!"))
            t.start()
            t.join()
        logger.warning("something else")
    finally:
        logger.removeHandler(handler)
        logger.filters[:] = before
    assert seen == ["Other thread: Thread 'x': missing ScriptRunContext!", "MainThread: something else"]
