"""Hardening round 3, fetching: request deadlines against trickling servers, per-source leases."""
from __future__ import annotations

import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from atlas.fetch import state
from atlas.fetch.http import FetchFailure, HttpClient
from atlas.fetch.loop import fetch_once
from atlas.fetch.run import Fetcher
from atlas.store import Store
from tests.fetch_server import FixtureServer, Route, TrickleServer, article_html, fixture_text

ROOT = Path(__file__).resolve().parents[1]
RAILWAY = fixture_text("en_uzb_afg_railway")
MODES = ["length", "chunked", "headers"]


@pytest.mark.parametrize("mode", MODES)
def test_a_trickling_server_is_cut_off_at_the_page_deadline(mode):
    client = HttpClient(allow_private=True, per_host_interval=0, timeout=1.0, deadline=2.0)
    with ThreadPoolExecutor(1) as pool, TrickleServer(mode, interval=0.4) as slow:  # the server stops first
        started = time.monotonic()
        future = pool.submit(client.get, slow.url("/article"))
        with pytest.raises(FetchFailure) as err:
            future.result(timeout=20)  # without a deadline this would run for hours
        elapsed = time.monotonic() - started
    assert err.value.kind == "timeout"
    assert "no complete answer within the page deadline of 2 s" in str(err.value)
    assert elapsed < 6


@pytest.mark.parametrize("mode", MODES)
def test_fetch_command_ends_on_a_slow_server_while_another_fetch_runs(mode, db_path):
    Store(db_path).dispose()  # the schema, before two processes race to create it
    with TrickleServer(mode, interval=0.4) as slow, FixtureServer() as fast:
        fast.routes["/a"] = Route(article_html(RAILWAY).encode())
        started = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-m", "atlas", "--db", str(db_path), "fetch",
                                 slow.url("/article"), "--host-interval", "0", "--allow-private",
                                 "--timeout", "1", "--page-deadline", "2"],
                                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            assert slow.asked.wait(30), "the slow fetch never asked for its page"
            store = Store(db_path)
            # The slow run holds its own source only: a second fetch on the database goes ahead.
            report = fetch_once(Fetcher(store, HttpClient(allow_private=True, per_host_interval=0)), [],
                                [fast.url("/a")])
            assert report is not None and report.total("new") == 1
            out, err = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        elapsed = time.monotonic() - started
    assert proc.returncode == 1, err
    assert elapsed < 60
    assert f"failed: {slow.url('/article')}: no complete answer within the page deadline of 2 s" in err
    [row] = state.sources(store, [slow.url("/article")])
    assert row.last_error.startswith("timeout: ") and row.failures == 1


def test_a_source_leased_by_a_live_run_is_left_to_it_and_a_lapsed_lease_is_taken(mem_store):
    from datetime import datetime, timedelta, timezone

    other = "elsewhere.example:1"  # another machine: its liveness cannot be checked, only the lease's age
    now = datetime.now(timezone.utc)
    assert state.take_leases(mem_store, ["A", "B"], other, at=now) == ["A", "B"]
    assert state.take_leases(mem_store, ["A", "C"], "here:2", at=now) == ["C"]
    later = now + timedelta(seconds=state.LEASE_S + 1)  # the other run made no progress since
    assert state.take_leases(mem_store, ["A"], "here:2", at=later) == ["A"]
    state.renew_leases(mem_store, ["B"], other, at=later)  # progress: B stays with its run
    assert state.take_leases(mem_store, ["B"], "here:2", at=later + timedelta(seconds=1)) == []
    assert state.LEASE_S <= 300  # a stuck run frees its sources within minutes
