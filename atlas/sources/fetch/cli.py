"""The ``fetch`` and ``articles`` commands (argument parsing stays in :mod:`atlas.cli`)."""
from __future__ import annotations

import json
import signal
import sys
import threading

from ...core.errors import ValidationError
from ...db.store import Store
from .feeds import load_feeds, parse_interval
from .http import HttpClient
from .loop import MSG_BUSY, fetch_once, run_every
from .run import Fetcher, FetchReport
from ...db.feeds import article_listing


def _bar(done, total):
    from tqdm import tqdm

    return tqdm(done, total=total, desc="fetching", unit="page", file=sys.stderr)


def print_report(report: FetchReport) -> None:
    for rep in report.sources.values():
        print(rep.line())
        for err in rep.errors:
            print(f"  failed: {err}", file=sys.stderr)
    if report.skipped:
        print(f"not due or paused: {', '.join(report.skipped)}")
    if report.busy:
        print(f"being fetched by another run: {', '.join(report.busy)}")
    print(report.summary())


def cmd_fetch(args, store: Store) -> int:
    feeds = load_feeds(args.feeds) if args.feeds else []
    client = HttpClient(timeout=args.timeout, deadline=args.page_deadline, per_host_interval=args.host_interval,
                        allow_private=args.allow_private)
    fetcher = Fetcher(store, client, workers=max(1, args.workers))
    kw = {"since": args.since, "force": args.force, "progress": _bar}
    if args.every:
        try:
            every = parse_interval(args.every)
        except ValueError as exc:
            raise ValidationError([f"--every: {exc}"]) from None
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            run_every(fetcher, every, stop, feeds_path=args.feeds, urls=args.urls, **kw)
        except KeyboardInterrupt:
            pass
        return 0
    report = fetch_once(fetcher, feeds, args.urls, all_due=not args.urls and not feeds, **kw)
    if report is None:
        print(MSG_BUSY, file=sys.stderr)
        return 1
    print_report(report)
    return 1 if report.total("failed") else 0


def cmd_articles(args, store: Store) -> int:
    rows = article_listing(store)
    if args.json:
        keys = ("id", "title", "url", "publisher", "published", "language", "fetched_at", "facts")
        print(json.dumps([{k: r[k] for k in keys} for r in rows], ensure_ascii=False, indent=1))
        return 0
    for r in rows:
        dup = f"\tcopy of {r['duplicate_of']}" if r["duplicate_of"] else ""
        print(f"{r['id']}\t{r['published'] or '-'}\t{r['language'] or '-'}\t{r['facts']} fact(s)\t{r['title']}{dup}")
    print(f"{len(rows)} article(s)", file=sys.stderr)
    return 0
