"""Browser fixtures: a real `streamlit run dashboard.py` on a free port and headless Chromium.

Every page aborts and records requests that leave 127.0.0.1 and collects uncaught
page errors; tests assert both lists are empty. Under CI=true a missing browser
fails the run; elsewhere the tests skip with the reason.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
SHOTS = ROOT / "screenshots"
XSS_TITLE = 'Evil <img src=x onerror="window.__pwned=1"> title'
XSS_TEXT = (
    "Kasachstan und China unterzeichnen in Astana ein Abkommen über den Bau einer Gaspipeline "
    "<script>window.__pwned=2</script> mit <img src=x onerror=\"window.__pwned=3\"> "
    "und <a href=\"javascript:window.__pwned=4\">Link</a> am 12. März 2024.\n"
    "Die Sanktionen der USA gegen Kasachstan wurden am 14. März 2024 in Astana verschärft.\n"
)


def _require_browser() -> None:
    reason = None
    if not Path(CHROMIUM).exists():
        reason = f"{CHROMIUM} is not installed (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "the playwright package is not installed (pip install -r requirements-dev.txt)"
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests are required under CI=true: {reason}")
        pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(proc: subprocess.Popen, url: str, log: Path) -> None:
    # Poll the health endpoint with a blocking timeout per try: no sleeps, bounded tries.
    for _ in range(600):
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=0.2) as r:
                if r.status == 200:
                    return
        except OSError:
            try:  # a bounded blocking wait on the server process paces the loop (no sleep)
                proc.wait(timeout=0.1)
            except subprocess.TimeoutExpired:
                pass
    raise RuntimeError(f"streamlit did not become healthy:\n{log.read_text(errors='replace')[-3000:]}")


@dataclass
class App:
    url: str
    db: Path
    xss_article: str
    xss_fact: str
    proc: subprocess.Popen = field(repr=False)


@pytest.fixture(scope="session")
def app(tmp_path_factory) -> App:
    _require_browser()
    from atlas.sources.ingest import ingest_paths
    from atlas.db.store import Store

    tmp = tmp_path_factory.mktemp("app")
    db = tmp / "atlas.sqlite"
    art_dir = tmp / "articles"
    art_dir.mkdir()
    (art_dir / "evil.txt").write_text(XSS_TEXT, encoding="utf-8")
    (art_dir / "evil.meta.yaml").write_text(f"title: '{XSS_TITLE}'\nlanguage: de\npublished: 2024-03-15\n",
                                           encoding="utf-8")
    store = Store(str(db))
    ingest_paths(store, [ROOT / "seeds", art_dir])
    evil = [a for a in store.articles() if a["title"] == XSS_TITLE][0]["id"]
    evil_facts = store.facts(article_id=evil)
    assert evil_facts, "the XSS article must yield at least one extracted fact"
    store.decide([f.id for f in evil_facts], "accepted", who="browser-test")
    store.dispose()

    url, proc = start_app(db, tmp / "streamlit.log")
    try:
        yield App(url, db, evil, evil_facts[0].id, proc)
    finally:
        stop_server(proc)


def start_app(db: Path, log: Path) -> tuple[str, subprocess.Popen]:
    """``streamlit run dashboard.py`` on a free port over the store ``db``, once healthy: (its URL, the process).
    No editor password and the default map design whatever this shell has set."""
    port = _free_port()
    env = {**os.environ, "ATLAS_DB": str(db), "PYTHONUNBUFFERED": "1"}
    for name in ("ATLAS_EDITOR_PASSWORD", "ATLAS_MAP_POINTS"):
        env.pop(name, None)
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"), "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        _wait_healthy(proc, f"http://127.0.0.1:{port}/_stcore/health", log)
    except RuntimeError:
        stop_server(proc)
        raise
    return f"http://127.0.0.1:{port}", proc


def stop_server(proc: subprocess.Popen) -> None:
    """Stop a server started with start_new_session=True: its whole process group."""
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def browser(app):
    # Module scope: while Playwright's sync API is active its event loop counts as running,
    # so asyncio.run() in a later test file on the same xdist worker would fail.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"],
        )
        yield b
        b.close()


@dataclass
class Watched:
    page: object
    outside: list = field(default_factory=list)
    errors: list = field(default_factory=list)


@pytest.fixture
def page_factory(browser):
    """Open guarded pages with other viewports or a dark colour scheme (all checked at teardown)."""
    opened: list[tuple[object, Watched]] = []

    def make(width: int = 1400, height: int = 1000, color_scheme: str = "light") -> Watched:
        ctx = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True,
                                  color_scheme=color_scheme)
        watched = Watched(ctx.new_page())

        def guard(route):
            host = urlparse(route.request.url).hostname
            if route.request.url.startswith(("data:", "blob:", "about:")) or host in ("127.0.0.1",):
                route.continue_()
            else:
                watched.outside.append(route.request.url)
                route.abort()

        ctx.route("**/*", guard)
        watched.page.on("pageerror", lambda exc: watched.errors.append(str(exc)))
        opened.append((ctx, watched))
        return watched

    yield make
    for ctx, watched in opened:
        ctx.close()
        assert watched.outside == [], f"requests left the machine: {watched.outside}"
        assert watched.errors == [], f"uncaught page errors: {watched.errors}"


@pytest.fixture
def page(page_factory):
    return page_factory()


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)
