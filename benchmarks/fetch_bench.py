"""Fetcher throughput and event merging at scale.

    .venv/bin/python benchmarks/fetch_bench.py [--articles 1000] [--workers 4] [--facts 100000]

Prints JSON lines:
- ``fetch``: a local HTTP server (its own process, 127.0.0.1) serves a sitemap of N
  article pages (~3 KB of de/en/ru text plus as much filler each, built at run time, gzipped); one run fetches,
  extracts and stores them all into a fresh SQLite file with ``--workers`` concurrent
  downloads and no per-host wait: articles/s, seconds, peak memory (this process);
  then a second run, where every page is already stored.
- ``events``: grouping F synthetic facts into events and collapsing the frame.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def filler(text: str, seed: int) -> str:
    """Pseudo-words (no names, dates or numbers, so no facts) as long as the article: the
    extraction benchmark's articles reuse a few sentences, so without this nearly all of
    them would be near-duplicate wire copies."""
    import random

    rng = random.Random(seed)
    syllables = ["ka", "lo", "ri", "mu", "te", "sa", "no", "vi", "pe", "du", "gra", "sto"]
    n = len(text.split())
    return " ".join("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(n)) + "."


def serve(n: int, port_q, stop) -> None:
    from benchmarks.extract_bench import make_articles
    from tests.fetch_server import FixtureServer, Route, article_html, sitemap

    arts = make_articles(n)
    with FixtureServer() as srv:
        paths = []
        for i, (lang, text) in enumerate(arts):
            path = f"/news/{i}"
            body = f"Benchmark article {i}\n{text}\n{filler(text, i)}"
            srv.routes[path] = Route(article_html(body, lang=lang).encode(), gzip=True)
            paths.append(path)
        srv.routes["/sitemap.xml"] = Route(sitemap(srv.base, paths), content_type="application/xml", etag='"s1"')
        port_q.put(srv.port)
        stop.wait()


def bench_fetch(n: int, workers: int) -> dict:
    from atlas.sources.fetch.http import HttpClient
    from atlas.sources.fetch.run import Fetcher
    from atlas.db.store import Store

    ctx = mp.get_context("spawn")
    port_q, stop = ctx.Queue(), ctx.Event()
    proc = ctx.Process(target=serve, args=(n, port_q, stop), daemon=True)
    proc.start()
    try:
        port = port_q.get(timeout=300)
        url = f"http://127.0.0.1:{port}/sitemap.xml"
        with tempfile.TemporaryDirectory() as tmp:
            store = Store(Path(tmp) / "bench.sqlite")
            fetcher = Fetcher(store, HttpClient(allow_private=True, per_host_interval=0), workers=workers)
            t0 = time.perf_counter()
            report = fetcher.run(urls=[url])
            first = time.perf_counter() - t0
            t0 = time.perf_counter()
            again = fetcher.run(urls=[url], force=True)
            second = time.perf_counter() - t0
            stored = store.count_articles()
            facts = store.count(origin="extracted")
            store.dispose()
    finally:
        stop.set()
        proc.join(10)
    return {"bench": "fetch", "articles": n, "workers": workers, "stored": stored, "facts": facts,
            "new": report.total("new"), "near_duplicates": report.total("near_duplicates"),
            "failed": report.total("failed"), "seconds": round(first, 2),
            "articles_per_s": round(report.total("new") / first, 1) if first else None,
            "second_run_s": round(second, 2), "second_run_new": again.total("new"),
            "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def bench_events(n: int) -> dict:
    from atlas.views import events
    from atlas.views.query import load_frame
    from atlas.db.store import Store
    from atlas.core.synthetic import synthetic_facts

    store = Store("sqlite://")
    store.bulk_insert_facts(synthetic_facts(n))
    frame = load_frame(store)
    t0 = time.perf_counter()
    ev = events.events_of_frame(frame)
    group_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    shown = events.collapse(frame, ev)
    collapse_s = time.perf_counter() - t0
    return {"bench": "events", "facts": n, "events": len(ev.members), "merged_facts": len(ev.lead_of),
            "rows_drawn": len(shown), "group_s": round(group_s, 2), "collapse_s": round(collapse_s, 3),
            "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--facts", type=int, default=100_000, help="synthetic facts for the events benchmark (0: skip)")
    args = ap.parse_args()
    if args.articles:
        print(json.dumps(bench_fetch(args.articles, args.workers)), flush=True)
    if args.facts:
        print(json.dumps(bench_events(args.facts)), flush=True)


if __name__ == "__main__":
    main()
