"""What the fetcher remembers in the store: sources and their state, fetched pages, signatures.

Tables live in :mod:`atlas.db.schema` (one ``metadata``); the reads and writes are here.
"""
from __future__ import annotations

import hashlib
import json
import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable

import sqlalchemy as sa

from .facts import now
from .schema import articles_t, facts_t, meta_t, pages_t, signatures_t, sources_t
from .store import Store

MAX_BACKOFF_S = 24 * 3600
LEASE_S = 180  # renewed as pages complete; a stuck or crashed run frees its sources in 3 minutes


@dataclass(frozen=True)
class SourceRow:
    name: str
    url: str
    language: str | None
    countries: tuple[str, ...]
    interval_s: int
    paused: bool
    subscribed: bool
    etag: str | None
    last_modified: str | None
    last_fetch_at: str | None
    last_ok_at: str | None
    last_error: str | None
    failures: int
    next_fetch_at: str | None
    n_new: int
    n_unchanged: int
    n_failed: int

    @classmethod
    def from_row(cls, r: Any) -> "SourceRow":
        m = dict(r._mapping)
        m["countries"] = tuple(json.loads(m["countries"] or "[]"))
        m["paused"], m["subscribed"] = bool(m["paused"]), bool(m["subscribed"])
        m.pop("added_by", None)
        return cls(**m)

    def due(self, at: datetime) -> bool:
        return not self.paused and (self.next_fetch_at is None or datetime.fromisoformat(self.next_fetch_at) <= at)


def upsert_source(store: Store, feed, subscribed: bool = True, who: str = "") -> None:
    """Add a source or update its settings; its state (ETag, counts, paused) is kept.

    ``feed``: an :class:`atlas.sources.fetch.feeds.Feed` (name, url, language, countries, interval_s).
    """
    values = {"url": feed.url, "language": feed.language, "countries": json.dumps(list(feed.countries)),
              "interval_s": feed.interval_s}
    with store.engine.begin() as c:
        old = c.execute(sa.select(sources_t.c.url, sources_t.c.subscribed)
                        .where(sources_t.c.name == feed.name)).first()
        if old is None:
            c.execute(sources_t.insert().values(name=feed.name, subscribed=subscribed, added_by=who, **values))
        else:
            if old.url != feed.url:  # another address: its validators mean nothing there
                values.update(etag=None, last_modified=None, next_fetch_at=None)
            c.execute(sources_t.update().where(sources_t.c.name == feed.name)
                      .values(subscribed=subscribed or bool(old.subscribed), **values))


def sources(store: Store, names: Iterable[str] | None = None) -> list[SourceRow]:
    q = sa.select(sources_t).order_by(sources_t.c.name)
    if names is not None:
        q = q.where(sources_t.c.name.in_(list(names)))
    with store.engine.connect() as c:
        return [SourceRow.from_row(r) for r in c.execute(q)]


def set_paused(store: Store, name: str, paused: bool) -> bool:
    with store.engine.begin() as c:
        return c.execute(sources_t.update().where(sources_t.c.name == name).values(paused=paused)).rowcount > 0


def record_source(store: Store, name: str, *, ok: bool, error: str | None, new: int, unchanged: int,
                  failed: int, etag: str | None = None, last_modified: str | None = None,
                  keep_validators: bool = True, retry: bool = False, at: datetime | None = None) -> None:
    """After a source was fetched: counts, last error, and when to try again (backoff on failure).

    ``retry``: the source was read but some of its pages failed for now (a timeout, a 5xx);
    they are tried again with the same backoff as a failing source.
    """
    at = at or datetime.now(timezone.utc)
    with store.engine.begin() as c:
        row = c.execute(sa.select(sources_t).where(sources_t.c.name == name)).first()
        if row is None:
            return
        failures = 0 if ok and not retry else int(row.failures or 0) + 1
        interval = int(row.interval_s or sources_t.c.interval_s.default.arg)
        wait = interval if not failures else min(MAX_BACKOFF_S, interval * 2 ** min(failures - 1, 10))
        values: dict[str, Any] = {
            "last_fetch_at": at.isoformat(timespec="seconds"), "last_error": error, "failures": failures,
            "next_fetch_at": (at + timedelta(seconds=wait)).isoformat(timespec="seconds"),
            "n_new": row.n_new + new, "n_unchanged": row.n_unchanged + unchanged, "n_failed": row.n_failed + failed,
        }
        if ok:
            values["last_ok_at"] = values["last_fetch_at"]
        if not keep_validators:
            values.update(etag=etag, last_modified=last_modified)
        c.execute(sources_t.update().where(sources_t.c.name == name).values(**values))


def known_urls(store: Store, urls: Iterable[str]) -> set[str]:
    urls = list(urls)
    out: set[str] = set()
    with store.engine.connect() as c:
        for i in range(0, len(urls), 500):
            out.update(r[0] for r in c.execute(sa.select(pages_t.c.canonical_url)
                                               .where(pages_t.c.canonical_url.in_(urls[i:i + 500]))))
    return out


def page_writer(canonical: str, url: str, source: str, article_id: str, status: str,
                signature: str | None = None, duplicate_of: str | None = None, similarity: float | None = None):
    """A callback writing where an article came from, for :meth:`Store.add_article`'s transaction."""

    def write(c: sa.Connection) -> None:
        if c.execute(sa.select(pages_t.c.canonical_url).where(pages_t.c.canonical_url == canonical)).first() is None:
            c.execute(pages_t.insert().values(canonical_url=canonical, url=url, source=source, article_id=article_id,
                                              status=status, fetched_at=now()))
        if signature is not None and c.execute(sa.select(signatures_t.c.article_id)
                                               .where(signatures_t.c.article_id == article_id)).first() is None:
            c.execute(signatures_t.insert().values(article_id=article_id, minhash=signature,
                                                   duplicate_of=duplicate_of, similarity=similarity))
    return write


def record_page(store: Store, writer) -> None:
    """Write a page row on its own (an exact duplicate: the article is already stored)."""
    try:
        with store.engine.begin() as c:
            writer(c)
    except sa.exc.IntegrityError:
        pass  # another fetch recorded the same page at the same moment


def signatures(store: Store) -> list[tuple[str, str]]:
    with store.engine.connect() as c:
        return [(r.article_id, r.minhash) for r in c.execute(
            sa.select(signatures_t.c.article_id, signatures_t.c.minhash).order_by(signatures_t.c.article_id))]


def unsigned_articles(store: Store) -> list[tuple[str, str]]:
    """Stored articles (ids, text) without a signature yet: seeds, uploads, older fetches."""
    q = (sa.select(articles_t.c.id, articles_t.c.text).select_from(
        articles_t.outerjoin(signatures_t, signatures_t.c.article_id == articles_t.c.id))
         .where(signatures_t.c.article_id.is_(None)).order_by(articles_t.c.added_at, articles_t.c.id))
    with store.engine.connect() as c:
        return [(r.id, r.text) for r in c.execute(q)]


def add_signatures(store: Store, rows: list[tuple[str, str]]) -> None:
    """Store signatures of articles signed by no one yet. Runs on other sources may sign the
    same articles at the same moment (each leases only its own sources): theirs are kept."""
    if not rows:
        return
    try:
        with store.engine.begin() as c:
            c.execute(signatures_t.insert(), [{"article_id": a, "minhash": s} for a, s in rows])
    except sa.exc.IntegrityError:
        for a, sig in rows:  # one at a time, skipping those another run stored meanwhile
            try:
                with store.engine.begin() as c:
                    c.execute(signatures_t.insert().values(article_id=a, minhash=sig))
            except sa.exc.IntegrityError:
                continue


def article_listing(store: Store) -> list[dict[str, Any]]:
    """Every stored article with its fact count and when it was first fetched (None: not fetched)."""
    n_facts = (sa.select(facts_t.c.article_id, sa.func.count().label("n")).where(facts_t.c.article_id.is_not(None))
               .group_by(facts_t.c.article_id).subquery())
    fetched = (sa.select(pages_t.c.article_id, sa.func.min(pages_t.c.fetched_at).label("fetched_at"))
               .group_by(pages_t.c.article_id).subquery())
    q = (sa.select(articles_t.c.id, articles_t.c.title, articles_t.c.url, articles_t.c.publisher,
                   articles_t.c.published, articles_t.c.language, fetched.c.fetched_at,
                   sa.func.coalesce(n_facts.c.n, 0).label("facts"), signatures_t.c.duplicate_of)
         .select_from(articles_t.outerjoin(n_facts, n_facts.c.article_id == articles_t.c.id)
                      .outerjoin(fetched, fetched.c.article_id == articles_t.c.id)
                      .outerjoin(signatures_t, signatures_t.c.article_id == articles_t.c.id))
         .order_by(articles_t.c.added_at, articles_t.c.id))
    with store.engine.connect() as c:
        return [dict(r._mapping) for r in c.execute(q)]


def _lease_key(source: str) -> str:
    """The meta key of a source's lease (keys are short; source names may be long)."""
    return "fetch_lease:" + hashlib.sha1(source.encode("utf-8")).hexdigest()[:24]


def take_leases(store: Store, sources: Iterable[str], holder: str, at: datetime | None = None,
                seconds: float = LEASE_S) -> list[str]:
    """Lease ``sources`` for this run: the ones taken (another live run holds the rest).

    One run at a time per *source*, so cron starting the next run before one ends does
    not fetch the same pages twice, while a run stuck on one slow source does not stop
    another from fetching the rest. A lease lasts ``seconds`` and the run renews it as
    work progresses (:func:`renew_leases`); a run that crashed or hangs frees it when it
    lapses, a run killed on this machine at once.
    """
    at = at or datetime.now(timezone.utc)
    value = json.dumps({"holder": holder, "until": (at + timedelta(seconds=seconds)).isoformat()})
    taken = []
    for name in sources:
        key = _lease_key(name)
        try:
            with store.engine.begin() as c:
                old = c.execute(sa.select(meta_t.c.value).where(meta_t.c.key == key)).scalar()
                if old is None:
                    c.execute(meta_t.insert().values(key=key, value=value))
                    taken.append(name)
                    continue
                lease = json.loads(old)
                if lease["holder"] != holder and datetime.fromisoformat(lease["until"]) > at \
                        and _alive(lease["holder"]):
                    continue
                if c.execute(meta_t.update().where(meta_t.c.key == key, meta_t.c.value == old)
                             .values(value=value)).rowcount == 1:
                    taken.append(name)
        except sa.exc.IntegrityError:
            continue  # another run inserted it at the same moment
    return taken


def renew_leases(store: Store, sources: Iterable[str], holder: str, at: datetime | None = None,
                 seconds: float = LEASE_S) -> None:
    """Push this run's leases ``seconds`` further (called as pages complete)."""
    at = at or datetime.now(timezone.utc)
    value = json.dumps({"holder": holder, "until": (at + timedelta(seconds=seconds)).isoformat()})
    with store.engine.begin() as c:
        for name in sources:
            key = _lease_key(name)
            old = c.execute(sa.select(meta_t.c.value).where(meta_t.c.key == key)).scalar()
            if old is not None and json.loads(old)["holder"] == holder:
                c.execute(meta_t.update().where(meta_t.c.key == key).values(value=value))


def lease_holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _alive(holder: str) -> bool:
    """False only when the holder ran on this machine and its process is gone (kill -9)."""
    host, _, pid = holder.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def release_leases(store: Store, sources: Iterable[str], holder: str) -> None:
    with store.engine.begin() as c:
        for name in sources:
            key = _lease_key(name)
            old = c.execute(sa.select(meta_t.c.value).where(meta_t.c.key == key)).scalar()
            if old is not None and json.loads(old)["holder"] == holder:
                c.execute(meta_t.delete().where(meta_t.c.key == key))
