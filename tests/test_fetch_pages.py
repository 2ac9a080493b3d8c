"""AppTest: the Ingest page's Sources and Events sections, and the map's event panel (by widget key)."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from atlas.sources.fetch import panel
from atlas.db import feeds as state
from atlas.sources.ingest import ensure_seeded, prepare, store_prepared
from atlas.core.models import Article
from atlas.db.store import Store
from tests.helpers import shown
from tests.helpers import PASSWORD, login  # db, editor_env: tests/conftest.py

ROOT = Path(__file__).resolve().parents[1]
INGEST = str(ROOT / "pages" / "4_Ingest.py")
MAP = str(ROOT / "pages" / "0_Map.py")
SECOND = (ROOT / "tests" / "fixtures" / "fetch" / "en_xian_summit_written_for_test.txt").read_text()
TIMEOUT = 60


def ingest_as_editor() -> AppTest:
    return login(AppTest.from_file(INGEST, default_timeout=TIMEOUT).run())


def texts(at: AppTest, kind: str) -> list[str]:
    return [shown(e.value) for e in getattr(at, kind)]


def test_sources_section_adds_pauses_and_resumes_a_source(editor_env):
    at = ingest_as_editor()
    assert not at.exception
    assert panel.MSG_NO_SOURCES in texts(at, "info")
    at.text_input(key="source_name").input("Local wire")
    at.text_input(key="source_url").input("https://wire.example.invalid/rss")
    at.text_input(key="source_every").input("30m")
    at = at.button[[b.label for b in at.button].index("Add source")].click().run()
    assert not at.exception
    assert panel.MSG_ADDED.format(name="Local wire") in texts(at, "success")
    store = Store(editor_env)
    [row] = state.sources(store)
    assert (row.name, row.interval_s, row.paused) == ("Local wire", 1800, False)
    table = next(d.value for d in at.dataframe if "last error" in d.value.columns)
    assert list(table["name"]) == ["Local wire"]

    at.selectbox(key="source_pick").set_value("Local wire")
    at = at.button(key="source_pause").click().run()
    assert panel.MSG_PAUSED.format(name="Local wire") in texts(at, "success")
    assert state.sources(store)[0].paused
    at = at.button(key="source_resume").click().run()
    assert not state.sources(store)[0].paused


def test_a_bad_source_is_refused_with_the_field_named(editor_env):
    at = ingest_as_editor()
    at.text_input(key="source_name").input("Bad")
    at.text_input(key="source_url").input("javascript:alert(1)")
    at = at.button[[b.label for b in at.button].index("Add source")].click().run()
    assert any("url: must be an http:// or https:// address" in e for e in texts(at, "error"))
    assert state.sources(Store(editor_env)) == []


def test_sources_and_split_need_an_editor(db):  # noqa: F811
    at = AppTest.from_file(INGEST, default_timeout=TIMEOUT).run()
    keys = {w.key for w in at.text_input}
    assert "source_name" not in keys and "event_split_fact" not in keys


def test_split_section_splits_and_names_unknown_facts(editor_env):
    store = Store(editor_env)
    fid = store.facts(origin="extracted")[0].id
    at = ingest_as_editor()
    at.text_input(key="event_split_fact").input("no-such-fact")
    at = at.button(key="event_split").click().run()
    assert "no fact with id 'no-such-fact'" in " ".join(texts(at, "error"))
    at.text_input(key="event_split_fact").input(fid)
    at = at.button(key="event_split").click().run()
    assert f"Split off: {fid} now stands alone on the map." in texts(at, "success")
    assert any(a["action"] == "split" and a["who"].startswith("Ada Editor") for a in store.audit_log(fid))


@pytest.fixture
def summit_db(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "summit.sqlite"
    store = Store(path)
    ensure_seeded(store)
    assert store_prepared(store, prepare(Article.from_text(SECOND, title="Xi hosts Central Asian leaders",
                                                           publisher="Test wire (written for a test)")))
    store.dispose()
    monkeypatch.setenv("ATLAS_DB", str(path))
    return path


def test_map_detail_lists_every_source_of_the_event(summit_db):
    at = AppTest.from_file(MAP, default_timeout=TIMEOUT)
    at.query_params["fact"] = "c5-summit-xian-2023"
    at.query_params["review"] = ["accepted", "pending"]
    at = at.run()
    assert not at.exception
    body = "".join(h.value for h in at.html)
    assert "Reported by 2 articles, 1 curated record" in body
    assert "Test wire (written for a test): Xi hosts Central Asian leaders" in body
    assert "merged: same type (diplomacy)" in body
