"""Fetching feeds, sitemaps and pages from a real HTTP server on 127.0.0.1 (no outside network)."""
from __future__ import annotations

import json
import threading
from datetime import date

import pytest

from atlas.db import feeds as state
from atlas.sources.fetch.feeds import Feed
from atlas.sources.fetch.http import USER_AGENT, HttpClient
from atlas.sources.fetch.run import Fetcher
from atlas.db.store import Store
from tests.fetch_server import FixtureServer, Route, article_html, atom, fixture_text, rss, seed_text, sitemap

RAILWAY = fixture_text("en_uzb_afg_railway")
SANCTIONS = fixture_text("en_kgz_bank_sanctions")
RAW = fixture_text("en_kaz_eu_raw_materials")


@pytest.fixture
def server():
    with FixtureServer() as srv:
        srv.routes["/robots.txt"] = Route(b"User-agent: *\nDisallow: /private/\n", content_type="text/plain")
        yield srv


@pytest.fixture
def store():
    return Store("sqlite://")


def fetcher(store, **kw) -> Fetcher:
    client = HttpClient(allow_private=True, per_host_interval=0, timeout=kw.pop("timeout", 5.0))
    return Fetcher(store, client, **kw)


def page(text, **kw) -> Route:
    return Route(article_html(text, **kw).encode())


def test_rss_feed_stores_new_articles_as_pending_and_a_second_fetch_adds_nothing(server, store):
    server.routes["/rss"] = Route(rss(server.base, [("/a/railway", "Railway", "Wed, 17 Jul 2024 10:00:00 GMT"),
                                                    ("/a/sanctions", "Sanctions", "Thu, 18 Jul 2024 10:00:00 GMT")]),
                                  content_type="application/rss+xml", etag='"v1"')
    server.routes["/a/railway"] = page(RAILWAY, published="2024-07-17")
    server.routes["/a/sanctions"] = page(SANCTIONS)
    feed = Feed("Fixture RSS", server.url("/rss"), "en")
    report = fetcher(store).run([feed])
    assert report.sources["Fixture RSS"].new == 2, report.sources["Fixture RSS"]
    assert store.count_articles() == 2
    pending = store.facts(origin="extracted", review="pending")
    assert pending and report.total("facts") == len(pending)
    assert server.user_agents == {USER_AGENT}

    again = fetcher(store).run([feed], force=True)
    assert again.total("new") == 0 and store.count_articles() == 2
    assert server.not_modified["/rss"] == 1  # the ETag was sent back and honoured
    assert server.hits["/a/railway"] == 1


def test_failed_page_keeps_the_feed_validators_so_the_next_run_retries_it(server, store):
    server.routes["/rss"] = Route(rss(server.base, [("/a/railway", "R", ""), ("/a/later", "L", "")]),
                                  content_type="application/rss+xml", etag='"v1"')
    server.routes["/a/railway"] = page(RAILWAY)
    server.routes["/a/later"] = Route(b"try again", status=503)  # for now (a 404 would count as handled)
    feed = Feed("F", server.url("/rss"))
    first = fetcher(store).run([feed])
    assert (first.total("new"), first.total("failed")) == (1, 1)
    server.routes["/a/later"] = page(SANCTIONS)
    second = fetcher(store).run([feed], force=True)
    assert server.not_modified["/rss"] == 0
    assert (second.total("new"), second.total("unchanged")) == (1, 1)


def test_atom_feed_and_since_filter(server, store):
    server.routes["/atom"] = Route(atom(server.base, [("/a/new", "New", "2024-07-17T08:00:00Z"),
                                                      ("/a/old", "Old", "2019-01-02T08:00:00Z")]),
                                   content_type="application/atom+xml")
    server.routes["/a/new"] = page(RAW)
    server.routes["/a/old"] = page(SANCTIONS)
    report = fetcher(store).run([Feed("Atom", server.url("/atom"))], since=date(2024, 1, 1))
    assert report.total("new") == 1
    assert server.hits["/a/old"] == 0


def test_sitemap(server, store):
    server.routes["/sitemap.xml"] = Route(sitemap(server.base, ["/a/1", "/a/2"]), content_type="application/xml")
    server.routes["/a/1"] = page(RAILWAY)
    server.routes["/a/2"] = page(RAW)
    report = fetcher(store).run(urls=[server.url("/sitemap.xml")])
    assert report.total("new") == 2


def test_article_page_metadata(server, store):
    canonical = server.url("/news/2023/xian-summit")
    server.routes["/p?utm_source=rss"] = page(seed_text(), lang="de", title="Gipfel in Xi'an",
                                              published="2023-05-20", canonical=canonical,
                                              site="Seed Publisher", written_for_test=False)
    fetcher(store).run(urls=[server.url("/p?utm_source=rss")])
    [row] = state.article_listing(store)
    assert row["title"] == "Gipfel in Xi'an"
    assert row["publisher"] == "Seed Publisher"
    assert (row["published"], row["language"], row["url"]) == ("2023-05-20", "de", canonical)
    assert row["facts"] > 0 and row["fetched_at"]


def test_tracking_parameters_do_not_make_a_new_article(server, store):
    server.routes["/rss"] = Route(rss(server.base, [("/a/r?utm_source=rss&utm_medium=x", "R", "")]),
                                  content_type="application/rss+xml")
    server.routes["/a/r?utm_source=rss&utm_medium=x"] = page(RAILWAY)
    fetcher(store).run([Feed("F", server.url("/rss"))])
    server.routes["/rss"] = Route(rss(server.base, [("/a/r?fbclid=zz", "R", "")]), content_type="application/rss+xml")
    report = fetcher(store).run([Feed("F", server.url("/rss"))], force=True)
    assert (report.total("new"), report.total("unchanged")) == (0, 1)
    assert server.hits["/a/r?fbclid=zz"] == 0


def test_robots_txt_disallow_is_respected(server, store):
    server.routes["/rss"] = Route(rss(server.base, [("/private/a", "P", ""), ("/a/ok", "OK", "")]),
                                  content_type="application/rss+xml")
    server.routes["/private/a"] = page(SANCTIONS)
    server.routes["/a/ok"] = page(RAILWAY)
    report = fetcher(store).run([Feed("F", server.url("/rss"))])
    assert server.hits["/private/a"] == 0
    assert report.total("new") == 1
    assert "robots.txt disallows" in report.sources["F"].errors[0]


def test_gzip_and_windows_1251_pages(server, store):
    ru = fixture_text("ru_sco_summit_astana")
    server.routes["/gz"] = Route(article_html(RAILWAY).encode(), gzip=True)
    server.routes["/cp"] = Route(article_html(ru, lang="ru", charset_meta="windows-1251").encode("cp1251"),
                                 content_type="text/html")
    report = fetcher(store).run(urls=[server.url("/gz"), server.url("/cp")])
    assert report.total("new") == 2, [r.errors for r in report.sources.values()]
    texts = {a.text.split("\n", 1)[0] for a in store.all_articles()}
    assert ru.split("\n", 1)[0] in texts


def test_every_failure_kind_is_recorded_and_the_others_still_run(server, store):
    hang = threading.Event()
    server.routes["/404"] = None
    server.routes["/500"] = Route(b"oops", status=500)
    server.routes["/slow"] = Route(b"<html>late</html>", hang=hang)
    server.routes["/bad.xml"] = Route(b'<?xml version="1.0"?><rss><channel><item><title>x</item>',
                                      content_type="application/rss+xml")
    server.routes["/img"] = Route(b"\x89PNG\r\n\x1a\n" + b"\0" * 100, content_type="image/png")
    server.routes["/cs"] = Route("<html><body><p>Алматы</p></body></html>".encode("cp1251"),
                                 content_type="text/html; charset=utf-8")
    server.routes["/loop1"] = Route(status=302, headers={"Location": "/loop2"})
    server.routes["/loop2"] = Route(status=302, headers={"Location": "/loop1"})
    server.routes["/good"] = page(RAILWAY)
    urls = {"dns": "http://news.atlas-test.invalid/rss", "http": server.url("/404"), "http500": server.url("/500"),
            "timeout": server.url("/slow"), "malformed": server.url("/bad.xml"), "not-html": server.url("/img"),
            "charset": server.url("/cs"), "redirects": server.url("/loop1")}
    try:
        report = fetcher(store, timeout=0.5).run(urls=list(urls.values()) + [server.url("/good")])
    finally:
        hang.set()
    assert report.sources[server.url("/good")].new == 1
    rows = {r.name: r for r in state.sources(store)}
    for kind, url in urls.items():
        assert report.sources[url].failed == 1, (kind, report.sources[url])
        assert rows[url].last_error.startswith(kind.rstrip("0123456789") + ":"), (kind, rows[url].last_error)
        assert rows[url].failures == 1 and rows[url].next_fetch_at
    assert "HTTP 404" in rows[urls["http"]].last_error
    assert "HTTP 500" in rows[urls["http500"]].last_error
    assert "redirect loop" in rows[urls["redirects"]].last_error


def test_failing_source_backs_off_and_is_skipped_until_due(server, store):
    feed = Feed("Down", server.url("/gone"), interval_s=600)
    fetcher(store).run([feed])
    fetcher(store).run([feed])  # not due yet: skipped, not fetched
    assert server.hits["/gone"] == 1
    row = state.sources(store, ["Down"])[0]
    assert row.failures == 1 and row.last_error.startswith("http:")


def test_paused_source_is_not_fetched(server, store):
    server.routes["/a"] = page(RAILWAY)
    feed = Feed("P", server.url("/a"))
    state.upsert_source(store, feed)
    assert state.set_paused(store, "P", True)
    report = fetcher(store).run([feed])
    assert report.skipped == ["P"] and server.hits["/a"] == 0


def test_wire_copy_is_linked_to_the_first_copy_not_extracted_again(server, store):
    text = seed_text()
    # The same wire text under another headline and with a footer: near, not equal.
    copy = "Xi bietet Zentralasien Hilfe an\n" + text + "\nMit Material von Agenturen."
    server.routes["/first"] = page(text, lang="de", written_for_test=False)
    server.routes["/copy"] = page(copy, lang="de")
    f = fetcher(store)
    f.run(urls=[server.url("/first")])
    n_facts = store.count(origin="extracted")
    report = f.run(urls=[server.url("/copy")])
    assert report.total("near_duplicates") == 1 and report.total("new") == 0
    assert store.count(origin="extracted") == n_facts
    rows = {r["title"]: r for r in state.article_listing(store)}
    dup = rows["Xi bietet Zentralasien Hilfe an"]
    assert dup["facts"] == 0 and dup["duplicate_of"] in {r["id"] for r in rows.values()}


def test_articles_json(server, store, capsys):
    from atlas.sources.fetch.cli import cmd_articles

    server.routes["/a"] = page(RAILWAY, published="2024-07-17")
    fetcher(store).run(urls=[server.url("/a")])

    class Args:
        json = True

    assert cmd_articles(Args, store) == 0
    [obj] = json.loads(capsys.readouterr().out)
    assert list(obj) == ["id", "title", "url", "publisher", "published", "language", "fetched_at", "facts"]
    assert obj["published"] == "2024-07-17" and obj["facts"] > 0 and obj["url"] == server.url("/a")


def test_rate_limiter_spaces_requests_per_host_with_a_fake_clock():
    from atlas.sources.fetch.http import RateLimiter

    now = [100.0]
    slept: list[float] = []

    def sleep(s: float) -> None:
        slept.append(s)

    limiter = RateLimiter(1.0, clock=lambda: now[0], sleep=sleep)
    limiter.slower["slow.example"] = 5.0
    for host in ("a.example", "a.example", "b.example", "a.example", "slow.example", "slow.example"):
        limiter.wait(host)
    assert slept == [1.0, 2.0, 5.0]


def test_crawl_delay_slows_that_host(server, store):
    server.routes["/robots.txt"] = Route(b"User-agent: *\nCrawl-delay: 7\n", content_type="text/plain")
    client = HttpClient(allow_private=True, per_host_interval=0)
    assert client.allowed(server.url("/a"))
    assert client.limiter.slower == {"127.0.0.1": 7.0}


def test_five_mb_rule_holds_for_declared_streamed_and_gzipped_bodies(server, store):
    import gzip

    from atlas.sources.files import MAX_ARTICLE_BYTES

    big = b"<html><body><p>" + b"a" * MAX_ARTICLE_BYTES + b"</p></body></html>"
    server.routes["/big"] = Route(big)
    # ~5 KB on the wire, over 5 MB unpacked: read through a bounded gunzip.
    server.routes["/bomb"] = Route(gzip.compress(big), headers={"Content-Encoding": "gzip"})
    report = fetcher(store).run(urls=[server.url("/big"), server.url("/bomb")])
    for path in ("/big", "/bomb"):
        [err] = report.sources[server.url(path)].errors
        assert "over the limit of 5,242,880 bytes (5 MB)" in err
    assert store.count_articles() == 0


def test_private_and_local_addresses_are_refused_by_default(server, store):
    server.routes["/a"] = page(RAILWAY)
    report = Fetcher(store, HttpClient(per_host_interval=0)).run(urls=[server.url("/a")])
    [err] = report.sources[server.url("/a")].errors
    assert "127.0.0.1 is a private or local address (127.0.0.1); the fetcher only reads the public internet" in err
    assert server.hits["/a"] == 0 and state.sources(store)[0].last_error.startswith("private:")
