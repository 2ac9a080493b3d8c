"""Cheaper reruns: the map is rendered and the timeline spec built once per (store version,
filters); a rerun that changes nothing else reuses them, and a write makes them anew."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from atlas.views import maps, timeline

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def counted(page_store, monkeypatch):
    calls = {"map": 0, "timeline": 0}
    real_map, real_chart = maps.map_from_data, timeline.timeline_chart

    def map_from_data(*a, **kw):
        calls["map"] += 1
        return real_map(*a, **kw)

    def timeline_chart(*a, **kw):
        calls["timeline"] += 1
        return real_chart(*a, **kw)

    monkeypatch.setattr(maps, "map_from_data", map_from_data)
    monkeypatch.setattr(timeline, "timeline_chart", timeline_chart)
    return page_store, calls


def test_map_and_timeline_are_built_once_per_filters_and_version(counted):
    store, calls = counted
    at = AppTest.from_file(str(ROOT / "pages" / "0_Map.py"), default_timeout=60).run()
    assert not at.exception
    assert calls == {"map": 1, "timeline": 1}
    at.run()  # nothing changed
    assert calls == {"map": 1, "timeline": 1}
    at.multiselect(key="f_countries").set_value(["KAZ"]).run()
    assert calls == {"map": 2, "timeline": 2}
    at.multiselect(key="f_countries").set_value([]).run()  # back to the first view: cached
    assert calls == {"map": 2, "timeline": 2}
    store.replace_curated([])  # a write: the store version moves, so both are made anew
    at.run()
    assert calls == {"map": 3, "timeline": 3}
    assert not at.exception


def test_the_server_skips_streamlits_full_collection_after_each_run():
    """Streamlit's default ``gc.collect(2)`` after every script run cost ~0.1 s of CPU per filter
    change here (README, "Many analysts at once"); the project config turns it off, read the way
    ``streamlit run`` reads it from the app's folder."""
    code = ("from streamlit import config; config.get_config_options(force_reparse=True); "
            "print(config.get_option('runner.postScriptGC'))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False", out.stderr[-500:]
