"""Issue 13 items 7, 10, 11 in the app: no visitor sees a traceback; busy, empty and corrupt
stores get a clear message; details are logged under a reference id."""
from __future__ import annotations

import logging
import re
import sqlite3
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui import failsafe

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["dashboard.py", "pages/1_Timeline.py", "pages/2_Articles.py", "pages/3_Data.py", "pages/5_Review.py"]


def run(page: str) -> AppTest:
    return AppTest.from_file(str(ROOT / page), default_timeout=60).run()


def test_pinned_messages():
    assert failsafe.MSG_FAILED.format(ref="ab12cd34") == (
        "Something went wrong showing this page. It has been logged; if it keeps happening, "
        "tell the maintainers reference ab12cd34.")
    assert failsafe.MSG_BUSY == ("The atlas is busy (another process is writing to it). Nothing was lost; "
                                 "try again in a moment.")


@pytest.mark.parametrize("page", PAGES)
def test_empty_store_file_is_refused_on_every_page(tmp_path, monkeypatch, page):
    db = tmp_path / "atlas.sqlite"
    db.write_bytes(b"")
    monkeypatch.setenv("ATLAS_DB", str(db))
    at = run(page)
    [error] = [e.value for e in at.error]
    assert error.startswith(f"The atlas database cannot be used right now: {db}: the database file is empty")
    assert re.search(r"\(reference [0-9a-f]{8}\)$", error)
    assert db.read_bytes() == b""  # never re-seeded over


def test_corrupt_store_details_are_logged_not_shown(tmp_path, monkeypatch, caplog):
    db = tmp_path / "atlas.sqlite"
    db.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)  # the right header, garbage after it
    monkeypatch.setenv("ATLAS_DB", str(db))
    caplog.set_level(logging.ERROR, logger="atlas.app")
    at = run("dashboard.py")
    [error] = [e.value for e in at.error]
    ref = re.search(r"reference ([0-9a-f]{8})", error).group(1)
    assert "SELECT" not in error and "Traceback" not in error
    assert f"page error, reference {ref}" in caplog.text


def test_busy_store_says_try_again(tmp_path, monkeypatch):
    from atlas.db import store as store_mod
    from atlas.db.store import Store
    from tests.dash_data import fill_store

    db = tmp_path / "atlas.sqlite"
    s = Store(db)
    fill_store(s)
    s.dispose()
    monkeypatch.setenv("ATLAS_DB", str(db))
    monkeypatch.setattr(store_mod, "BUSY_TIMEOUT_S", 0.2)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("PRAGMA journal_mode=DELETE")
    holder.execute("BEGIN EXCLUSIVE")  # another process holds the database for longer than the timeout
    try:
        at = run("dashboard.py")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert failsafe.MSG_BUSY in [w.value for w in at.warning]
    assert "atlas_retry" in [b.key for b in at.button]
    at.button(key="atlas_retry").click().run()
    assert not at.exception and failsafe.MSG_BUSY not in [w.value for w in at.warning]


def test_unexpected_error_shows_a_reference(monkeypatch, tmp_path):
    monkeypatch.setenv("ATLAS_DB", str(tmp_path / "new.sqlite"))
    import atlas.views.query

    def boom(*a, **k):
        raise RuntimeError("/srv/secret/path leaked")

    monkeypatch.setattr(atlas.views.query, "load_frame_snapshotted", boom)
    monkeypatch.setattr("ui.cache.load_frame_snapshotted", boom)
    at = run("pages/3_Data.py")
    [error] = [e.value for e in at.error]
    assert re.fullmatch(failsafe.MSG_FAILED.format(ref="[0-9a-f]{8}").replace(".", r"\."), error)
    assert "/srv/secret" not in error
