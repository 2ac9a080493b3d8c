"""One fetch run: sources → links → pages → articles, deduplicated, extracted, stored.

Each new article is committed on its own (article, facts, where it came from and its
MinHash signature in one transaction), so a run killed midway keeps what it stored and
the next run skips those pages and goes on. A source's ETag/Last-Modified are saved only
when every page it listed was handled, so a failed page is tried again next time.
One source failing (DNS, HTTP error, timeout, bad XML, …) is recorded with backoff and
never stops the others.
"""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Callable, Iterable, Sequence

from ...core.errors import AtlasError
from ..ingest import prepare
from ...core.models import Article
from ...db.store import Store
from . import dedup
from ...db import feeds as state
from .feeds import Feed
from .http import FetchFailure, HttpClient
from .parse import Link, feed_links, kind_of, page_article, sitemap_links

MAX_CHILD_SITEMAPS = 50
MAX_LINKS_PER_SOURCE = 5000


@dataclass
class SourceReport:
    name: str
    new: int = 0
    unchanged: int = 0  # feed not modified (304), or a page already stored
    duplicates: int = 0  # same text as a stored article (another URL)
    near_duplicates: int = 0  # wire copies linked to the first copy
    failed: int = 0
    transient: int = 0  # failures worth trying again (timeouts, 5xx, …), not a page gone for good
    facts: int = 0
    errors: list[str] = field(default_factory=list)

    def page_failed(self, exc: AtlasError) -> None:
        """A page (or child sitemap) failed; an ArticleError is about the text, so as final as a 404."""
        self.failed += 1
        self.errors.append(str(exc))
        if isinstance(exc, FetchFailure) and not exc.permanent:
            self.transient += 1

    def line(self) -> str:
        return (f"{self.name}: {self.new} new, {self.unchanged} unchanged, {self.duplicates} duplicate, "
                f"{self.near_duplicates} near-duplicate, {self.failed} failed, {self.facts} fact(s)")


@dataclass
class FetchReport:
    sources: dict[str, SourceReport] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)  # not due, or paused
    busy: list[str] = field(default_factory=list)  # another run holds their lease

    def total(self, key: str) -> int:
        return sum(getattr(s, key) for s in self.sources.values())

    def summary(self) -> str:
        return (f"{self.total('new')} new, {self.total('unchanged')} unchanged, {self.total('duplicates')} duplicate, "
                f"{self.total('near_duplicates')} near-duplicate, {self.total('failed')} failed "
                f"from {len(self.sources)} source(s); {self.total('facts')} fact(s) pending review")


@dataclass
class _Job:
    source: str
    link: Link
    canonical: str
    language: str | None


class Fetcher:
    """Fetch sources into a store. ``client`` carries the politeness settings."""

    def __init__(self, store: Store, client: HttpClient | None = None, workers: int = 4,
                 extractor: Callable[[Article], dict] | None = None):
        self.store, self.client, self.workers = store, client or HttpClient(), workers
        self.extractor = extractor
        self._index: dedup.NearDuplicates | None = None
        self._lock = threading.Lock()
        self.holder = state.lease_holder()
        self._leased: list[str] = []
        self._renewed = 0.0

    # -- the near-duplicate index covers every stored article, signed once
    def index(self) -> dedup.NearDuplicates:
        if self._index is None:
            idx = dedup.NearDuplicates()
            for aid, raw in state.signatures(self.store):
                idx.add(aid, dedup.decode(raw))
            fresh = []
            for aid, text in state.unsigned_articles(self.store):
                m = dedup.signature(text)
                fresh.append((aid, dedup.encode(m)))
                idx.add(aid, m)
            state.add_signatures(self.store, fresh)
            self._index = idx
        return self._index

    def _progress(self) -> None:
        """Work went on: renew this run's source leases (at most every tenth of their length)."""
        now = time.monotonic()
        if self._leased and now - self._renewed > state.LEASE_S / 10:
            self._renewed = now
            state.renew_leases(self.store, self._leased, self.holder)

    def run(self, feeds: Sequence[Feed] = (), urls: Sequence[str] = (), *, since: date | None = None,
            all_due: bool = False, force: bool = False, progress: Callable[[Iterable, int], Iterable] | None = None,
            at: datetime | None = None) -> FetchReport:
        """Fetch ``feeds`` (subscribed) and ``urls`` (one-off); ``all_due``: also every stored source.

        Paused sources and sources not yet due (their interval, or backoff after failures)
        are skipped unless ``force``; URLs named by hand are always fetched. A source whose
        lease another live run holds is left to it (``report.busy``).
        """
        at = at or datetime.now(timezone.utc)
        for f in feeds:
            state.upsert_source(self.store, f, subscribed=True)
        for u in urls:
            state.upsert_source(self.store, Feed(u, u), subscribed=False)
        names = [f.name for f in feeds]
        rows = state.sources(self.store) if all_due else state.sources(self.store, names + list(urls))
        report = FetchReport()
        due = []
        for row in rows:
            if all_due and row.name not in names and row.name not in urls and not row.subscribed:
                continue
            if row.name not in urls and not force and not row.due(at):
                report.skipped.append(row.name)
                continue
            due.append(row)
        self._leased = state.take_leases(self.store, [r.name for r in due], self.holder)
        self._renewed = time.monotonic()
        report.busy = [r.name for r in due if r.name not in self._leased]
        try:
            self._run_sources([r for r in due if r.name in self._leased], since, report, progress, at)
        finally:
            state.release_leases(self.store, self._leased, self.holder)
            self._leased = []
        return report

    def _run_sources(self, rows: list[state.SourceRow], since: date | None, report: FetchReport, progress,
                     at: datetime) -> None:
        jobs: list[_Job] = []
        listed: dict[str, list[str]] = {}
        validators: dict[str, tuple[str | None, str | None]] = {}
        for row in rows:
            rep = report.sources.setdefault(row.name, SourceReport(row.name))
            try:
                src_jobs, validators[row.name] = self._list(row, since, rep)
            except FetchFailure as exc:
                rep.failed += 1
                rep.errors.append(str(exc))
                state.record_source(self.store, row.name, ok=False, error=f"{exc.kind}: {exc}", new=0,
                                    unchanged=0, failed=1, at=at)
                continue
            finally:
                self._progress()
            listed[row.name] = [j.canonical for j in src_jobs]
            jobs += src_jobs
        self._fetch_pages(jobs, report, progress)
        for name, rep in report.sources.items():
            if name not in listed:
                continue
            error = f"{rep.failed} page(s) failed; last: {rep.errors[-1]}" if rep.errors else None
            etag, modified = validators[name]
            state.record_source(self.store, name, ok=True, error=error, new=rep.new, unchanged=rep.unchanged,
                                failed=rep.failed, etag=etag, last_modified=modified,
                                keep_validators=rep.transient > 0, retry=rep.transient > 0, at=at)

    def _list(self, row: state.SourceRow, since: date | None, rep: SourceReport):
        """The pages a source lists (or the page itself), minus pages already stored."""
        resp = self.client.get(row.url, etag=row.etag, last_modified=row.last_modified)
        if resp.status == 304:
            rep.unchanged += 1
            return [], (row.etag, row.last_modified)
        kind = kind_of(resp)
        if kind == "page":
            return self._page_now(row, resp, rep), (resp.etag, resp.last_modified)
        if kind == "feed":
            links = feed_links(resp)
        else:
            links, children = sitemap_links(resp)
            for child in children[:MAX_CHILD_SITEMAPS]:
                try:
                    more, _ = sitemap_links(self.client.get(child))
                    links += more
                except FetchFailure as exc:
                    rep.page_failed(exc)
                self._progress()
        links = [lk for lk in links if since is None or lk.published is None or lk.published >= since]
        jobs, seen = [], set()
        for lk in links[:MAX_LINKS_PER_SOURCE]:
            canon = dedup.canonical_url(lk.url)
            if canon not in seen:
                seen.add(canon)
                jobs.append(_Job(row.name, lk, canon, row.language))
        known = state.known_urls(self.store, [j.canonical for j in jobs])
        rep.unchanged += sum(1 for j in jobs if j.canonical in known)
        return [j for j in jobs if j.canonical not in known], (resp.etag, resp.last_modified)

    def _page_now(self, row: state.SourceRow, resp, rep: SourceReport) -> list[_Job]:
        """A source URL that is itself an article page: store it right away."""
        canon = dedup.canonical_url(row.url)
        if state.known_urls(self.store, [canon]):
            rep.unchanged += 1
            return []
        job = _Job(row.name, Link(row.url), canon, row.language)
        self._store_one(job, page_article(resp, row.name, row.language), rep)
        return []

    def _download(self, job: _Job) -> Article:
        resp = self.client.get(job.link.url)
        if kind_of(resp) != "page":
            raise FetchFailure("not-html", resp.url, "a feed or sitemap where an article page was expected")
        return page_article(resp, job.source, job.language, job.link.published)

    def _fetch_pages(self, jobs: list[_Job], report: FetchReport, progress) -> None:
        if not jobs:
            return
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            futures = {pool.submit(self._download, j): j for j in jobs}
            done = as_completed(futures)
            for fut in (progress(done, len(jobs)) if progress else done):
                job = futures[fut]
                rep = report.sources[job.source]
                try:
                    self._store_one(job, fut.result(), rep)
                except AtlasError as exc:  # FetchFailure, ArticleError (e.g. unsupported language)
                    rep.page_failed(exc)
                self._progress()

    def _store_one(self, job: _Job, art: Article, rep: SourceReport) -> None:
        page_canon = dedup.canonical_url(art.url) if art.url else job.canonical
        if self.store.has_article(art.id):
            state.record_page(self.store, state.page_writer(job.canonical, job.link.url, job.source, art.id,
                                                            "duplicate"))
            rep.duplicates += 1
            return
        sig = dedup.signature(art.text)
        raw = dedup.encode(sig)
        idx = self.index()
        first = idx.first_copy(sig)
        if first is not None:
            first_id, sim = first
            writer = state.page_writer(job.canonical, job.link.url, job.source, art.id, "near-duplicate",
                                       raw, first_id, round(sim, 3))
            if self.store.add_article(art, (), None, also=_both(writer, page_canon, job, art.id)):
                rep.near_duplicates += 1
            else:
                rep.duplicates += 1
            idx.add(art.id, sig)
            return
        prepared = prepare(art, extractor=self.extractor) if self.extractor else prepare(art)
        writer = state.page_writer(job.canonical, job.link.url, job.source, art.id, "stored", raw)
        if self.store.add_article(prepared.article, prepared.facts, prepared.extraction,
                                  also=_both(writer, page_canon, job, art.id)):
            rep.new += 1
            rep.facts += len(prepared.facts)
        else:
            rep.duplicates += 1
        idx.add(art.id, sig)


def _both(writer, page_canon: str, job: _Job, article_id: str):
    """Record the listed URL and, when the page names another canonical URL, that one too."""
    if page_canon == job.canonical:
        return writer
    extra = state.page_writer(page_canon, job.link.url, job.source, article_id, "stored")

    def write(c) -> None:
        writer(c)
        extra(c)
    return write
