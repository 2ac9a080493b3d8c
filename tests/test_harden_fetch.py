"""Hardening round 3, fetching: request deadlines against trickling servers, per-source leases."""
from __future__ import annotations

import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from atlas.db import feeds as state
from atlas.sources.fetch.http import FetchFailure, HttpClient
from atlas.sources.fetch.loop import fetch_once
from atlas.sources.fetch.run import Fetcher
from atlas.db.store import Store
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


def _local_fetcher(store) -> Fetcher:
    return Fetcher(store, HttpClient(allow_private=True, per_host_interval=0, timeout=5.0))


def test_a_page_in_a_slow_non_text_charset_is_refused_at_once(mem_store):
    body = article_html(RAILWAY * 12, charset_meta="punycode").encode("ascii", "replace")  # ~60 KB
    with FixtureServer() as srv:
        srv.routes["/p"] = Route(body, content_type="text/html")
        srv.routes["/u7"] = Route(article_html(RAILWAY).encode(), content_type="text/html; charset=utf-7")
        started = time.monotonic()
        report = _local_fetcher(mem_store).run(urls=[srv.url("/p"), srv.url("/u7")])
        elapsed = time.monotonic() - started
    assert report.sources[srv.url("/p")].errors == [
        f"{srv.url('/p')}: 'punycode' is not a text charset the fetcher reads"]
    assert report.sources[srv.url("/u7")].errors == [
        f"{srv.url('/u7')}: 'utf-7' is not a text charset the fetcher reads"]
    assert elapsed < 5 and mem_store.count_articles() == 0


@pytest.mark.parametrize("declared", ["windows-1251", "koi8-r"])
def test_a_utf8_page_labelled_single_byte_is_stored_as_utf8_not_mojibake(mem_store, declared):
    ru = fixture_text("ru_sco_summit_astana")
    with FixtureServer() as srv:
        srv.routes["/ru"] = Route(article_html(ru, lang="ru").encode("utf-8"),
                                  content_type=f"text/html; charset={declared}")
        report = _local_fetcher(mem_store).run(urls=[srv.url("/ru")])
    assert report.total("new") == 1, report.sources[srv.url("/ru")].errors
    [art] = mem_store.all_articles()
    assert art.text.split("\n", 1)[0] == ru.split("\n", 1)[0]
    assert "Ð" not in art.text and "Р°" not in art.text  # the UTF-8 bytes of Cyrillic read one by one


@pytest.mark.parametrize("content_type", ["application/rss+xml", ""])
def test_an_empty_but_valid_feed_is_empty_not_malformed(mem_store, content_type):
    from tests.fetch_server import rss

    with FixtureServer() as srv:
        srv.routes["/rss"] = Route(rss(srv.base, []), content_type=content_type, etag='"empty-1"')
        report = _local_fetcher(mem_store).run(urls=[srv.url("/rss")])
    rep = report.sources[srv.url("/rss")]
    assert (rep.failed, rep.errors, rep.new) == (0, [], 0)
    [row] = state.sources(mem_store, [srv.url("/rss")])
    assert row.last_error is None and row.etag == '"empty-1"'


def test_a_feed_item_gone_for_good_does_not_keep_the_feed_from_its_etag(mem_store):
    from atlas.sources.fetch.feeds import Feed
    from tests.fetch_server import rss

    with FixtureServer() as srv:
        srv.routes["/rss"] = Route(rss(srv.base, [("/a", "A", ""), ("/gone", "G", ""), ("/old", "O", "")]),
                                   content_type="application/rss+xml", etag='"v1"')
        srv.routes["/a"] = Route(article_html(RAILWAY).encode())
        srv.routes["/old"] = Route(b"", status=410)  # /gone is not routed: 404
        feed = Feed("F", srv.url("/rss"))
        report = _local_fetcher(mem_store).run([feed])
        assert (report.total("new"), report.total("failed")) == (1, 2)
        [row] = state.sources(mem_store, ["F"])
        assert row.etag == '"v1"' and row.failures == 0
        assert row.last_error.startswith("2 page(s) failed; last: ")  # still shown on the Sources panel
        assert sorted(e.rsplit(": ", 1)[1] for e in report.sources["F"].errors) == ["HTTP 404 Not Found",
                                                                                    "HTTP 410 Gone"]
        _local_fetcher(mem_store).run([feed], force=True)
    assert srv.not_modified["/rss"] == 1 and srv.hits["/gone"] == 1


def test_a_transient_page_failure_is_retried_with_backoff(mem_store):
    from datetime import datetime, timedelta, timezone

    from atlas.sources.fetch.feeds import Feed
    from tests.fetch_server import rss

    t0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
    with FixtureServer() as srv:
        srv.routes["/rss"] = Route(rss(srv.base, [("/a", "A", ""), ("/err", "E", "")]),
                                   content_type="application/rss+xml", etag='"v1"')
        srv.routes["/a"] = Route(article_html(RAILWAY).encode())
        srv.routes["/err"] = Route(b"busy", status=503)
        feed = Feed("F", srv.url("/rss"), interval_s=3600)
        _local_fetcher(mem_store).run([feed], at=t0)
        [first] = state.sources(mem_store, ["F"])
        _local_fetcher(mem_store).run([feed], at=t0 + timedelta(hours=1))
        [second] = state.sources(mem_store, ["F"])
    assert first.etag is None and (first.failures, second.failures) == (1, 2)  # listed again next time
    assert first.next_fetch_at == (t0 + timedelta(hours=1)).isoformat(timespec="seconds")
    assert second.next_fetch_at == (t0 + timedelta(hours=3)).isoformat(timespec="seconds")
    assert srv.hits["/err"] == 2 and srv.hits["/a"] == 1


def test_a_page_cannot_pose_as_another_sites_article(mem_store):
    from atlas.sources.fetch.feeds import Feed
    from tests.fetch_server import rss

    elsewhere = "https://news.example.com/2024/original-story"  # an example domain, never fetched
    with FixtureServer() as srv:
        srv.routes["/rss"] = Route(rss(srv.base, [("/copy", "C", "")]), content_type="application/rss+xml")
        srv.routes["/copy"] = Route(article_html(RAILWAY, canonical=elsewhere, site="Example Wire").encode())
        report = _local_fetcher(mem_store).run([Feed("Local copies", srv.url("/rss"))])
    assert report.total("new") == 1
    [row] = state.article_listing(mem_store)
    assert (row["url"], row["publisher"]) == (srv.url("/copy"), "Local copies")
    assert state.known_urls(mem_store, [elsewhere]) == set()  # the original is still fetched when listed


def test_a_robots_txt_that_times_out_is_not_asked_again_for_every_page():
    client = HttpClient(allow_private=True, per_host_interval=0, timeout=1.0, deadline=1.5)
    with TrickleServer("headers", interval=0.4, robots_too=True) as slow:
        kinds = []
        for path in ("/a", "/b", "/c"):
            with pytest.raises(FetchFailure) as err:
                client.get(slow.url(path))
            kinds.append(err.value.kind)
    assert kinds == ["timeout"] * 3
    assert slow.requests["/robots.txt"] == 1 and slow.requests["/a"] == 0


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_CHARSETS = ["utf-8", "windows-1251", "koi8-r", "latin1", "punycode", "utf-7", "idna", "rot13", "zlib",
             "hex", "raw_unicode_escape", "unicode_escape", "no-such-charset", "utf-16", "shift_jis"]


@settings(max_examples=300, deadline=None)
@given(body=st.binary(max_size=400), charset=st.sampled_from(_CHARSETS) | st.none())
def test_decoding_any_bytes_gives_text_or_a_charset_failure(body, charset):
    from atlas.sources.fetch.http import decode_html

    try:
        text = decode_html(body, charset, "u")
    except FetchFailure as exc:
        assert exc.kind == "charset"
    else:
        assert isinstance(text, str)


@pytest.mark.parametrize("encoding", ["punycode", "utf-7"])
def test_a_feed_declaring_a_non_text_encoding_fails_alone(mem_store, encoding):
    from tests.fetch_server import rss

    body = rss("http://x.example", [("/a", "A", "")]).replace(b'encoding="utf-8"', f'encoding="{encoding}"'.encode())
    with FixtureServer() as srv:
        srv.routes["/rss"] = Route(body, content_type="application/rss+xml")
        srv.routes["/a"] = Route(article_html(RAILWAY).encode())
        report = _local_fetcher(mem_store).run(urls=[srv.url("/rss"), srv.url("/a")])
    assert report.sources[srv.url("/rss")].errors == [
        f"{srv.url('/rss')}: '{encoding}' is not a text charset the fetcher reads"]
    assert report.sources[srv.url("/a")].new == 1


def test_two_runs_signing_the_same_articles_at_once_do_not_fail(mem_store):
    from tests.dash_data import fill_store

    fill_store(mem_store)
    [(aid, _)] = state.unsigned_articles(mem_store)
    Fetcher(mem_store, HttpClient(allow_private=True, per_host_interval=0)).index()  # another run signed it first
    state.add_signatures(mem_store, [(aid, "signed-here")])  # what this run had computed meanwhile
    assert dict(state.signatures(mem_store))[aid] != "signed-here"  # the first signature is kept
    assert state.unsigned_articles(mem_store) == []


def test_a_site_name_without_a_canonical_url_is_not_believed(mem_store):
    """Issue 23, item 4: og:site_name alone (no canonical URL on the page's own site) let any copy
    name itself after the original's publisher."""
    from atlas.sources.fetch.feeds import Feed
    from tests.fetch_server import rss

    with FixtureServer() as srv:
        srv.routes["/rss"] = Route(rss(srv.base, [("/copy", "C", "")]), content_type="application/rss+xml")
        srv.routes["/copy"] = Route(article_html(RAILWAY, site="Example Wire").encode())
        _local_fetcher(mem_store).run([Feed("Local copies", srv.url("/rss"))])
    [row] = state.article_listing(mem_store)
    assert (row["url"], row["publisher"]) == (srv.url("/copy"), "Local copies")
