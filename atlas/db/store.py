"""The one door to the database: a SQLite file by default, any SQLAlchemy URL (e.g. PostgreSQL) by choice.

Every write is one transaction (:meth:`Store.write`, audited). Articles are keyed by
the hash of their text, so ingesting the same text twice stores it once. Curated facts
are replaced as a set. The tables are in :mod:`atlas.db.schema`, the row conversions in
:mod:`atlas.db.facts`, the audit and the write transaction in :mod:`atlas.db.audit`,
the fetcher's state in :mod:`atlas.db.feeds`, full-text search in :mod:`atlas.db.searchindex`.
"""
from __future__ import annotations

import json
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

import sqlalchemy as sa
from sqlalchemy.pool import StaticPool

from ..core.errors import StoreError, UnknownFact
from ..core.models import Article, Fact
from .audit import Writer, read_log
from .facts import iso, now, row_to_article, row_to_fact
from .migrate import upgrade as upgrade_schema
from .schema import articles_t, event_splits_t, facts_t, meta_t
from .storeguard import check_sqlite_file, db_error, read_only_url

DEFAULT_DB = Path(__file__).resolve().parents[2] / "data" / "atlas.sqlite"
# How long a write waits for another writer's lock before "the atlas is busy" (seconds).
BUSY_TIMEOUT_S = float(os.environ.get("ATLAS_BUSY_TIMEOUT", "30"))


def resolve_url(db: str | os.PathLike | None = None) -> str:
    """The SQLAlchemy URL for ``--db``/``ATLAS_DB``: a URL as given, a path as SQLite.

    >>> resolve_url("sqlite://")
    'sqlite://'
    >>> resolve_url("/tmp/x.sqlite")
    'sqlite:////tmp/x.sqlite'
    """
    raw = db if db is not None else os.environ.get("ATLAS_DB") or DEFAULT_DB
    raw = str(raw)
    if "://" in raw:
        return raw
    return "sqlite:///" + str(Path(raw).expanduser().resolve())


class Store:
    """The atlas database. ``Store("sqlite://")`` is an in-memory store for tests."""

    def __init__(self, db: str | os.PathLike | None = None):
        self.url = resolve_url(db)
        try:
            self.engine = self._engine(self.url)
            self.migrated = upgrade_schema(self.engine)  # revisions applied now (usually none)
        except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError) as exc:
            raise StoreError(f"cannot use database {self.safe_url!r}: {exc}") from None
        except sa.exc.DBAPIError as exc:  # locked, "file is not a database"…: one named line, not a traceback

            raise db_error(exc, f"cannot open database {self.safe_url!r}") from None

    @property
    def safe_url(self) -> str:
        """The URL for messages: the password masked.

        >>> s = Store.__new__(Store)
        >>> s.url = "postgresql+psycopg://ana:s3cret@db/atlas"
        >>> s.safe_url
        'postgresql+psycopg://ana:***@db/atlas'
        """
        try:
            return sa.engine.make_url(self.url).render_as_string(hide_password=True)
        except sa.exc.ArgumentError:
            return self.url

    @staticmethod
    def _engine(url: str) -> sa.Engine:
        if not url.startswith("sqlite"):
            # pre-ping: after a database restart the pool's dead connections are replaced, not
            # handed to a page; a short connect timeout: a down server is said quickly, not after minutes.
            connect_args = {"connect_timeout": 5} if url.startswith("postgresql") else {}
            return sa.create_engine(url, pool_pre_ping=True, connect_args=connect_args)
        read_only = False
        if url in ("sqlite://", "sqlite:///:memory:"):
            engine = sa.create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
        else:
            path = Path(url.split("sqlite:///", 1)[1])
            if not path.parent.exists():
                raise StoreError(f"cannot create database {path}: folder {path.parent} does not exist")
            check_sqlite_file(path)  # a 0-byte or foreign file is refused, never silently re-created
            ro_url = read_only_url(path)  # a file (or folder) we may not write: served read-only
            read_only = ro_url is not None
            engine = sa.create_engine(ro_url or url, connect_args={"check_same_thread": False,
                                                                   "timeout": BUSY_TIMEOUT_S})

        @sa.event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _):  # WAL lets readers and one writer work at once
            cur = dbapi_conn.cursor()
            cur.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
            cur.execute("PRAGMA foreign_keys=ON")
            if url not in ("sqlite://", "sqlite:///:memory:") and not read_only:
                cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

        return engine

    @property
    def dialect(self) -> str:
        """``sqlite``, ``postgresql``…: which full-text search and SQL this database speaks."""
        return self.engine.dialect.name

    @property
    def read_only(self) -> bool:
        """True for a SQLite file this process may not write (opened with mode=ro)."""
        return self.engine.url.query.get("mode") == "ro"

    def snapshot_base(self) -> Path | None:
        """The database file, where derived files may sit beside it; None if not a file."""
        if self.url.startswith("sqlite:///") and self.url not in ("sqlite:///:memory:",):
            return Path(self.url.split("sqlite:///", 1)[1])
        return None

    def dispose(self) -> None:
        self.engine.dispose()

    # -- version: triggers in the database bump it on every write (direct SQL too), so caches
    # of derived frames, the Arrow snapshot and other replicas know when to reload
    def version(self) -> str:
        """``COUNTER.STOREID``: the write counter and 8 characters of this database's random id."""
        with self.engine.connect() as c:
            rows = dict(c.execute(sa.select(meta_t.c.key, meta_t.c.value)
                                  .where(meta_t.c.key.in_(("version", "store_id")))).all())
        return f"{rows.get('version', '0')}.{rows.get('store_id', '')[:8]}"

    def get_meta(self, key: str) -> str | None:
        with self.engine.connect() as c:
            return c.execute(sa.select(meta_t.c.value).where(meta_t.c.key == key)).scalar()

    def set_meta(self, key: str, value: str) -> None:
        with self.engine.begin() as c:
            if c.execute(sa.select(meta_t.c.key).where(meta_t.c.key == key)).first():
                c.execute(meta_t.update().where(meta_t.c.key == key).values(value=value))
            else:
                c.execute(meta_t.insert().values(key=key, value=value))

    # -- articles
    def has_article(self, article_id: str) -> bool:
        with self.engine.connect() as c:
            return c.execute(sa.select(articles_t.c.id).where(articles_t.c.id == article_id)).first() is not None

    def add_article(self, article: Article, facts: Sequence[Fact] = (), extraction: dict | None = None,
                    also: Callable[[sa.Connection], None] | None = None) -> bool:
        """Store an article and its extracted facts together; False if already stored.

        ``also`` writes more rows (e.g. where a fetched article came from) in the same transaction.
        """
        try:
            return self._add_article(article, facts, extraction, also)
        except sa.exc.IntegrityError:
            # Another process stored the same text between our check and our insert
            # (the check runs before SQLite takes the write lock): a duplicate, not an error.
            if self.has_article(article.id):
                return False
            raise

    def _add_article(self, article: Article, facts: Sequence[Fact], extraction: dict | None,
                     also: Callable[[sa.Connection], None] | None = None) -> bool:
        with self.write() as w:
            c = w.conn
            got = c.execute(sa.select(articles_t.c.url, articles_t.c.publisher, articles_t.c.published)
                            .where(articles_t.c.id == article.id)).first()
            if got:
                # The same text again (a seed later given a meta sidecar, a page fetched from its URL):
                # keep what is stored, but fill a URL, publisher or date that was unknown.
                fill = {k: v for k, v, old in (("url", article.url, got.url),
                                                ("publisher", article.publisher, got.publisher),
                                                ("published", iso(article.published), got.published))
                        if v and not old}
                if fill:
                    c.execute(articles_t.update().where(articles_t.c.id == article.id).values(**fill))
                return False
            c.execute(articles_t.insert().values(
                id=article.id, title=article.title, language=article.language,
                published=iso(article.published), url=article.url, publisher=article.publisher,
                path=article.path, text=article.text,
                extraction=json.dumps(extraction, ensure_ascii=False) if extraction is not None else None,
                added_at=now(),
            ))
            w.insert(facts)
            if also is not None:
                also(c)
        return True

    def article(self, article_id: str) -> Article | None:
        with self.engine.connect() as c:
            row = c.execute(sa.select(articles_t).where(articles_t.c.id == article_id)).first()
        return row_to_article(row) if row else None

    def article_extraction(self, article_id: str) -> dict | None:
        with self.engine.connect() as c:
            raw = c.execute(sa.select(articles_t.c.extraction).where(articles_t.c.id == article_id)).scalar()
        return json.loads(raw) if raw else None

    def articles(self) -> list[dict[str, Any]]:
        cols = [articles_t.c[k] for k in ("id", "title", "language", "published", "url", "publisher", "path", "added_at")]
        with self.engine.connect() as c:
            return [dict(r._mapping) for r in c.execute(sa.select(*cols).order_by(articles_t.c.added_at, articles_t.c.id))]

    def all_articles(self) -> list[Article]:
        with self.engine.connect() as c:
            return [row_to_article(r) for r in c.execute(sa.select(articles_t))]

    # -- facts
    def replace_curated(self, facts: Iterable[Fact]) -> int:
        """Make the stored curated facts exactly ``facts`` (one transaction)."""
        facts = list(facts)
        if any(f.origin != "curated" for f in facts):
            raise ValueError("replace_curated takes curated facts only")
        with self.write() as w:
            w.conn.execute(facts_t.delete().where(facts_t.c.origin == "curated"))
            w.insert(facts)
        return len(facts)

    def fact(self, fact_id: str) -> Fact:
        with self.engine.connect() as c:
            row = c.execute(sa.select(facts_t).where(facts_t.c.id == fact_id)).first()
        if row is None:
            raise UnknownFact(f"no fact with id {fact_id!r}")
        return row_to_fact(row)

    def facts(self, origin: str | None = None, review: str | None = None,
              article_id: str | None = None, datasets: Sequence[str] | None = None) -> list[Fact]:
        q = sa.select(facts_t).order_by(facts_t.c.date_start, facts_t.c.id)
        if datasets is not None:
            q = q.where(facts_t.c.dataset.in_(list(datasets)))
        if origin:
            q = q.where(facts_t.c.origin == origin)
        if review:
            q = q.where(facts_t.c.review == review)
        if article_id:
            q = q.where(facts_t.c.article_id == article_id)
        with self.engine.connect() as c:
            return [row_to_fact(r) for r in c.execute(q)]

    def facts_by_ids(self, ids: Sequence[str]) -> list[Fact]:
        """Facts in the order of ``ids`` (unknown ids are skipped)."""
        found: dict[str, Fact] = {}
        with self.engine.connect() as c:
            for i in range(0, len(ids), 500):
                chunk = list(ids[i:i + 500])
                for r in c.execute(sa.select(facts_t).where(facts_t.c.id.in_(chunk))):
                    found[r.id] = row_to_fact(r)
        return [found[i] for i in ids if i in found]

    def fact_rows(self, columns: Sequence[str]) -> tuple[list[str], list[tuple]]:
        """Raw rows of chosen columns, for building frames fast."""
        with self.engine.connect() as c:
            res = c.execute(sa.select(*[facts_t.c[k] for k in columns]))
            return list(res.keys()), [tuple(r) for r in res]

    MONEY_COLUMNS = ("id", "title", "type", "origin", "amount", "currency", "amounts", "finance_group", "record")

    def money_rows(self, ids: Sequence[str] | None = None) -> list[tuple]:
        """Facts stating an amount (a dataset ``amount`` or evidence ``amounts``), as tuples of
        :data:`MONEY_COLUMNS`; only those among ``ids`` when given."""
        cols = [facts_t.c[k] for k in self.MONEY_COLUMNS]
        states = sa.or_(facts_t.c.amount.is_not(None), facts_t.c.amounts != "[]")
        with self.engine.connect() as c:
            if ids is None:
                return [tuple(r) for r in c.execute(sa.select(*cols).where(states))]
            out: list[tuple] = []
            for i in range(0, len(ids), 500):
                out += [tuple(r) for r in c.execute(sa.select(*cols).where(
                    states, facts_t.c.id.in_(list(ids[i:i + 500]))))]
            return out

    def count(self, origin: str | None = None) -> int:
        q = sa.select(sa.func.count()).select_from(facts_t)
        if origin:
            q = q.where(facts_t.c.origin == origin)
        with self.engine.connect() as c:
            return int(c.execute(q).scalar() or 0)

    def count_articles(self) -> int:
        with self.engine.connect() as c:
            return int(c.execute(sa.select(sa.func.count()).select_from(articles_t)).scalar() or 0)

    def bulk_insert_facts(self, facts: Iterable[Fact]) -> None:
        """Insert facts without an article (benchmarks, tests). One transaction."""
        with self.write() as w:
            w.insert(list(facts))

    # -- writes: one transaction, audited
    @contextmanager
    def write(self, who: str = "") -> Iterator[Writer]:
        """One write transaction; the :class:`Writer` audits each fact change as ``who``."""
        with self.engine.begin() as c:
            yield Writer(c, who)

    def decide(self, fact_ids: Sequence[str], decision: str, who: str, only_pending: bool = False) -> list[Fact]:
        """Set the review state of extracted facts, audited, in one transaction.

        ``only_pending``: refuse (:class:`AlreadyDecided`, nothing written) when any fact
        is no longer pending, so two reviewers acting at once cannot both decide.
        """
        if decision not in ("accepted", "rejected", "pending"):
            raise ValueError(f"unknown decision {decision!r}")
        out = []
        with self.write(who) as w:
            for fid in fact_ids:
                before = w.extracted(fid, "only extracted facts are reviewed")
                after = before.with_(review=decision)
                w.set(fid, only_pending, review=decision, updated_at=now())
                w.audit(fid, decision, before, after)
                out.append(after)
        return out

    def update_fact(self, fact: Fact, who: str, action: str = "edited", only_pending: bool = False) -> Fact:
        """Replace an extracted fact with an edited version (marked edited, audited)."""
        with self.write(who) as w:
            before = w.extracted(fact.id, "edit it in data/curated/")
            after = fact.with_(edited=True, origin="extracted")
            w.put(after, only_pending)
            w.audit(fact.id, action, before, after)
        return after

    def replace_pending(self, article_id: str, facts: Sequence[Fact], extraction: dict | None) -> dict[str, int]:
        """Re-extraction: refresh undecided, unedited facts; never touch human decisions."""
        counts = {"updated": 0, "added": 0, "removed": 0, "kept": 0}
        with self.write("re-extraction") as w:
            existing = w.facts(article_id=article_id, origin="extracted")
            new_ids = {f.id for f in facts}
            for fid, old in existing.items():
                if old.edited or old.review in ("accepted", "rejected"):
                    counts["kept"] += 1
                elif fid not in new_ids:
                    w.delete(fid)
                    counts["removed"] += 1
            for f in facts:
                old = existing.get(f.id)
                if old is None:
                    w.insert([f])
                    counts["added"] += 1
                elif not (old.edited or old.review in ("accepted", "rejected")):
                    w.put(f)
                    counts["updated"] += 1
            if extraction is not None:
                w.conn.execute(articles_t.update().where(articles_t.c.id == article_id)
                               .values(extraction=json.dumps(extraction, ensure_ascii=False)))
        return counts

    def audit_log(self, fact_id: str | None = None, limit: int = 500) -> list[dict[str, Any]]:
        with self.engine.connect() as c:
            return read_log(c, fact_id, limit)

    # -- events: the splits reviewers made (atlas.views.events), audited
    def event_splits(self) -> set[str]:
        with self.engine.connect() as c:
            return {r[0] for r in c.execute(sa.select(event_splits_t.c.fact_id))}

    def split_event(self, fact_id: str, who: str, reason: str) -> None:
        """Take ``fact_id`` out of its event for good (:class:`UnknownFact` if there is no such fact)."""
        with self.write(who) as w:
            fact = w.fact(fact_id)
            if fact is None:
                raise UnknownFact(f"no fact with id {fact_id!r}")
            if w.conn.execute(sa.select(event_splits_t.c.fact_id)
                              .where(event_splits_t.c.fact_id == fact_id)).first() is None:
                w.conn.execute(event_splits_t.insert().values(fact_id=fact_id, who=who, at=now()))
                w.audit(fact_id, "split", fact, fact, note=reason)
