"""`python -m atlas fetch` / `articles`, the fetch lease, and a fetch killed with SIGKILL midway."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from atlas.cli import main
from atlas.db import feeds as state
from atlas.sources.fetch.http import HttpClient
from atlas.sources.fetch.loop import MSG_BUSY, fetch_once
from atlas.sources.fetch.run import Fetcher
from atlas.db.store import Store
from tests.fetch_server import FixtureServer, Route, article_html, fixture_text, rss

ROOT = Path(__file__).resolve().parents[1]
RAILWAY = fixture_text("en_uzb_afg_railway")
SANCTIONS = fixture_text("en_kgz_bank_sanctions")
LOCAL_FLAGS = ("--host-interval", "0", "--allow-private")  # the fixture server is on 127.0.0.1


def local_client() -> HttpClient:
    return HttpClient(allow_private=True, per_host_interval=0)


@pytest.fixture
def server():
    with FixtureServer() as srv:
        yield srv


def test_fetch_command_prints_a_summary_per_source_and_articles_lists_them(server, db_path, tmp_path, capsys):
    server.routes["/rss"] = Route(rss(server.base, [("/a", "A", ""), ("/b", "B", "")]),
                                  content_type="application/rss+xml")
    server.routes["/a"] = Route(article_html(RAILWAY).encode())
    server.routes["/b"] = Route(article_html(SANCTIONS).encode())
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(f"feeds:\n  - name: Local wire\n    url: {server.url('/rss')}\n    language: en\n")
    assert main(["--db", str(db_path), "fetch", "--feeds", str(feeds), *LOCAL_FLAGS]) == 0
    out = capsys.readouterr().out
    assert "Local wire: 2 new, 0 unchanged, 0 duplicate, 0 near-duplicate, 0 failed" in out
    assert out.strip().splitlines()[-1].startswith("2 new, 0 unchanged")

    # Cron calls it again right away: the feed is not due, nothing is fetched.
    assert main(["--db", str(db_path), "fetch", "--feeds", str(feeds), *LOCAL_FLAGS]) == 0
    assert "not due or paused: Local wire" in capsys.readouterr().out
    assert server.hits["/rss"] == 1

    assert main(["--db", str(db_path), "articles", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["url"] for r in rows} == {server.url("/a"), server.url("/b")}
    assert all(r["facts"] >= 1 and r["fetched_at"] for r in rows)


def test_fetch_command_reports_failures_and_exits_1(server, db_path, capsys):
    assert main(["--db", str(db_path), "fetch", server.url("/missing"), *LOCAL_FLAGS]) == 1
    captured = capsys.readouterr()
    assert f"failed: {server.url('/missing')}: HTTP 404 Not Found" in captured.err
    assert "0 new, 0 unchanged, 0 duplicate, 0 near-duplicate, 1 failed from 1 source(s)" in captured.out


def test_bad_feeds_file_is_reported_not_a_traceback(db_path, tmp_path, capsys):
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds:\n  - name: x\n")
    assert main(["--db", str(db_path), "fetch", "--feeds", str(feeds)]) == 1
    assert f"{feeds}:2: url: must be an http:// or https:// address" in capsys.readouterr().err


def test_a_second_fetch_leaves_a_leased_source_alone(server, mem_store):
    holder = "elsewhere.example:1"
    assert state.take_leases(mem_store, [server.url("/a")], holder) == [server.url("/a")]
    fetcher = Fetcher(mem_store, local_client())
    assert fetch_once(fetcher, [], [server.url("/a")]) is None
    assert server.hits["/a"] == 0
    state.release_leases(mem_store, [server.url("/a")], holder)
    assert fetch_once(fetcher, [], [server.url("/a")]) is not None


def _wait_for(condition, timeout: float = 60.0) -> None:
    """Wait on a condition another process makes true (bounded)."""
    end = time.monotonic() + timeout
    tick = threading.Event()
    while not condition():
        assert time.monotonic() < end, "condition not met in time"
        tick.wait(0.05)


def test_kill_9_mid_fetch_loses_nothing_committed_and_the_next_run_resumes(server, db_path):
    hang, b_asked = threading.Event(), threading.Event()

    def slow_b() -> Route:
        b_asked.set()
        return Route(article_html(SANCTIONS).encode(), hang=hang)

    server.routes["/rss"] = Route(rss(server.base, [("/a", "A", ""), ("/b", "B", "")]),
                                  content_type="application/rss+xml")
    server.routes["/a"] = Route(article_html(RAILWAY).encode())
    server.routes["/b"] = slow_b
    Store(db_path).dispose()  # create the schema before two processes race to
    proc = subprocess.Popen([sys.executable, "-m", "atlas", "--db", str(db_path), "fetch", server.url("/rss"),
                             "--host-interval", "0", "--timeout", "30", "--allow-private"], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        store = Store(db_path)
        _wait_for(lambda: b_asked.is_set() and store.count_articles() == 1)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
        hang.set()
    [row] = state.article_listing(store)
    assert row["url"] == server.url("/a") and row["facts"] >= 1
    facts_a = store.count(origin="extracted")

    # The dead run still holds the lease; its process is gone, so the next run takes over.
    report = fetch_once(Fetcher(store, local_client()), [], [server.url("/rss")])
    assert report is not None
    assert (report.total("new"), report.total("unchanged")) == (1, 1)
    assert server.hits["/a"] == 1
    assert store.count_articles() == 2 and store.count(origin="extracted") > facts_a


def test_every_runs_rounds_until_stopped_and_survives_a_broken_feeds_file(server, mem_store, tmp_path):
    from atlas.sources.fetch.loop import run_every

    server.routes["/a"] = Route(article_html(RAILWAY).encode())
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(f"feeds:\n  - name: A\n    url: {server.url('/a')}\n    every: 1m\n")
    stop = threading.Event()
    said: list[str] = []

    def say(line: str) -> None:
        said.append(line)
        if len([s for s in said if "source(s)" in s]) == 2:
            stop.set()
        feeds.write_text("feeds: [\n")  # an operator's broken edit between rounds

    rounds = run_every(Fetcher(mem_store, local_client()), 0, stop, feeds_path=feeds, say=say)
    assert rounds == 2
    assert said[0].startswith("1 new")
    assert said[1].startswith("feeds file has problems; keeping the previous list:")
    assert mem_store.count_articles() == 1 and server.hits["/a"] == 1  # second round: A not due yet
