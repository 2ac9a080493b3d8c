"""Two real Streamlit replicas on one PostgreSQL: a review accepted through one shows in the other.

Real processes (``scripts/serve_replicas.py``), real websocket sessions
(``benchmarks/stclient.py``, the browser's protocol), a real database. The other
replica has already drawn the map, so it holds cached frames; it must see the
write because its caches key on the version that triggers keep in the database.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "benchmarks"), str(ROOT / "scripts")]

from serve_replicas import Replicas  # noqa: E402
from stclient import connect, run_sync  # noqa: E402

PASSWORD = "replica-test-password-1"  # test-only secret, set for the replicas' environment


@pytest.fixture
def replicas(pg_url, nginx_bin, monkeypatch):
    monkeypatch.setenv("ATLAS_EDITOR_PASSWORD", PASSWORD)
    with Replicas(2, pg_url, proxy=True) as r:
        yield r


async def _accept_one_through(base: str) -> str:
    async with connect(base, page="Review") as s:
        first = await s.run()
        creds = {first.widget_id("text_input", "Editor name"): "Replica Tester",
                 first.widget_id("text_input", "Editor password"): PASSWORD}
        logged_in = await s.run(strings=creds)
        accept = logged_in.widget_id("button", "Accept")
        done = await s.run(strings=creds, click=accept)
        assert done.status == "FINISHED_SUCCESSFULLY" and not done.exceptions
        return accept


async def _shown(base: str, metric: str = "Extracted") -> str:
    async with connect(base) as s:
        run = await s.run()
        assert not run.exceptions, run.exceptions
        return run.metrics[metric]


def test_write_through_one_replica_shows_in_the_other(replicas):
    a, b = replicas.urls

    async def scenario():
        before = await _shown(b)  # b draws the map: its caches now hold the old frame
        await _accept_one_through(a)
        after = await _shown(b)
        return before, after

    before, after = run_sync(scenario())
    assert int(after) == int(before) + 1


def test_sessions_through_nginx_run_the_page(replicas):
    """The websocket upgrade passes the proxy: two browsers (two routing cookies) each get the whole page."""
    async def scenario():
        return [await _shown(replicas.proxy_url, "Facts shown") for _ in range(2)]

    shown = run_sync(scenario())
    assert shown[0] == shown[1] and int(shown[0].replace(",", "")) > 300  # curated + AidData
