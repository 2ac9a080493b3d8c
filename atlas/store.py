"""Persistence: a SQLite file by default, any SQLAlchemy URL (e.g. PostgreSQL) by choice.

Every write is one transaction. Articles are keyed by the hash of their text, so
ingesting the same text twice stores it once. Curated facts are replaced as a set.

Over ~400 lines on purpose: the schema (``metadata`` and its tables) is the shared,
additive-only part that the migrations and several engineers extend at once, and the
row conversions must change with it; splitting it out is left to a quiet moment.
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import sqlalchemy as sa
from sqlalchemy.pool import StaticPool

from .errors import AlreadyDecided, StoreError, UnknownFact
from .geometry import representative_point
from .migrate import upgrade as upgrade_schema
from .models import Article, Evidence, Fact, Source
from .storeguard import check_sqlite_file, db_error, read_only_url

DEFAULT_DB = Path(__file__).resolve().parents[1] / "data" / "atlas.sqlite"
# How long a write waits for another writer's lock before "the atlas is busy" (seconds).
BUSY_TIMEOUT_S = float(os.environ.get("ATLAS_BUSY_TIMEOUT", "30"))

metadata = sa.MetaData()
articles_t = sa.Table(
    "articles", metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("title", sa.Text, nullable=False, default=""),
    sa.Column("language", sa.String(8)),
    sa.Column("published", sa.String(10)),
    sa.Column("url", sa.Text, nullable=False, default=""),
    sa.Column("publisher", sa.Text, nullable=False, default=""),
    sa.Column("path", sa.Text, nullable=False, default=""),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("extraction", sa.Text),  # JSON of the extractor's output, for the reader's highlights
    sa.Column("added_at", sa.String(32), nullable=False),
)
facts_t = sa.Table(
    "facts", metadata,
    sa.Column("id", sa.String(120), primary_key=True),
    sa.Column("type", sa.String(20), nullable=False, index=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("summary", sa.Text, nullable=False, default=""),
    sa.Column("date_start", sa.String(10), index=True),
    sa.Column("date_end", sa.String(10)),
    sa.Column("date_precision", sa.String(8)),
    sa.Column("countries", sa.Text, nullable=False, default="[]"),
    sa.Column("actors", sa.Text, nullable=False, default="[]"),
    sa.Column("geometry", sa.Text),
    sa.Column("geom_type", sa.String(20)),
    sa.Column("lon", sa.Float),
    sa.Column("lat", sa.Float),
    sa.Column("geo_precision", sa.String(20)),
    sa.Column("status", sa.String(20)),
    sa.Column("status_as_of", sa.String(10)),
    sa.Column("origin", sa.String(10), nullable=False, index=True),
    sa.Column("review", sa.String(10), index=True),
    sa.Column("confidence", sa.Float),
    sa.Column("rule", sa.Text, nullable=False, default=""),
    sa.Column("article_id", sa.String(32), sa.ForeignKey("articles.id"), index=True),
    sa.Column("evidence", sa.Text, nullable=False, default="[]"),
    sa.Column("sources", sa.Text, nullable=False, default="[]"),
    sa.Column("places", sa.Text, nullable=False, default="[]"),
    sa.Column("amounts", sa.Text, nullable=False, default="[]"),
    sa.Column("edited", sa.Boolean, nullable=False, default=False),
    sa.Column("updated_at", sa.String(32), nullable=False),
    # origin "dataset" (atlas.datasets): record, licence, amount, sector, link group, withdrawal
    sa.Column("dataset", sa.String(40), index=True),
    sa.Column("dataset_record", sa.String(60)),
    sa.Column("amount", sa.Float),
    sa.Column("currency", sa.String(40)),
    sa.Column("license", sa.Text),
    sa.Column("sector", sa.String(80)),
    sa.Column("finance_group", sa.String(80)),
    sa.Column("withdrawn", sa.Boolean, nullable=False, default=False, server_default=sa.false()),
    sa.Column("record", sa.Text),  # JSON: the record's raw fields, OSM links, how it was placed
)
audit_t = sa.Table(
    "audit", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("fact_id", sa.String(120), nullable=False, index=True),
    sa.Column("action", sa.String(20), nullable=False),
    sa.Column("who", sa.Text, nullable=False),
    sa.Column("at", sa.String(32), nullable=False),
    sa.Column("before", sa.Text),
    sa.Column("after", sa.Text),
)
meta_t = sa.Table(
    "meta", metadata,
    sa.Column("key", sa.String(40), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)
# -- news feeds (atlas.fetch): new tables only (migration 0003)
sources_t = sa.Table(
    "feed_sources", metadata,
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("language", sa.String(8)),
    sa.Column("countries", sa.Text, nullable=False, default="[]"),
    sa.Column("interval_s", sa.Integer, nullable=False, default=3600),
    sa.Column("paused", sa.Boolean, nullable=False, default=False),
    sa.Column("subscribed", sa.Boolean, nullable=False, default=True),  # False: a URL fetched once by hand
    sa.Column("added_by", sa.Text, nullable=False, default=""),
    sa.Column("etag", sa.Text),
    sa.Column("last_modified", sa.Text),
    sa.Column("last_fetch_at", sa.String(32)),
    sa.Column("last_ok_at", sa.String(32)),
    sa.Column("last_error", sa.Text),
    sa.Column("failures", sa.Integer, nullable=False, default=0),  # consecutive, for backoff
    sa.Column("next_fetch_at", sa.String(32)),
    sa.Column("n_new", sa.Integer, nullable=False, default=0),
    sa.Column("n_unchanged", sa.Integer, nullable=False, default=0),
    sa.Column("n_failed", sa.Integer, nullable=False, default=0),
)
pages_t = sa.Table(
    "fetched_pages", metadata,
    sa.Column("canonical_url", sa.String(2048), primary_key=True),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("source", sa.String(200), nullable=False, default=""),
    sa.Column("article_id", sa.String(32), sa.ForeignKey("articles.id"), index=True),
    sa.Column("status", sa.String(20), nullable=False),  # stored | duplicate | near-duplicate
    sa.Column("fetched_at", sa.String(32), nullable=False),
)
signatures_t = sa.Table(
    "article_signatures", metadata,
    sa.Column("article_id", sa.String(32), sa.ForeignKey("articles.id"), primary_key=True),
    sa.Column("minhash", sa.Text, nullable=False),  # base64 of the MinHash hash values
    sa.Column("duplicate_of", sa.String(32), sa.ForeignKey("articles.id"), index=True),
    sa.Column("similarity", sa.Float),
)
event_splits_t = sa.Table(
    "event_splits", metadata,
    sa.Column("fact_id", sa.String(120), primary_key=True),
    sa.Column("who", sa.Text, nullable=False),
    sa.Column("at", sa.String(32), nullable=False),
)


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


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _date(s: str | None) -> date | None:
    return date.fromisoformat(s) if s else None


def fact_to_row(fact: Fact, updated_at: str | None = None) -> dict[str, Any]:
    lon, lat = representative_point(fact.geometry)
    return {
        "id": fact.id, "type": fact.type, "title": fact.title, "summary": fact.summary,
        "date_start": _iso(fact.date_start), "date_end": _iso(fact.date_end),
        "date_precision": fact.date_precision,
        "countries": json.dumps(list(fact.countries)), "actors": json.dumps(list(fact.actors)),
        "geometry": json.dumps(fact.geometry, separators=(",", ":")) if fact.geometry else None,
        "geom_type": fact.geometry["type"] if fact.geometry else None, "lon": lon, "lat": lat,
        "geo_precision": fact.geo_precision, "status": fact.status, "status_as_of": _iso(fact.status_as_of),
        "origin": fact.origin, "review": fact.review, "confidence": fact.confidence, "rule": fact.rule,
        "article_id": fact.article_id,
        "evidence": json.dumps([e.to_dict() for e in fact.evidence], ensure_ascii=False),
        "sources": json.dumps([s.to_dict() for s in fact.sources], ensure_ascii=False),
        "places": json.dumps(list(fact.places), ensure_ascii=False),
        "amounts": json.dumps(list(fact.amounts), ensure_ascii=False),
        "edited": bool(fact.edited), "updated_at": updated_at or now(),
        "dataset": fact.dataset or None, "dataset_record": fact.dataset_record or None, "amount": fact.amount,
        "currency": fact.currency or None, "license": fact.license or None, "sector": fact.sector or None,
        "finance_group": fact.finance_group or None, "withdrawn": bool(fact.withdrawn),
        "record": json.dumps(fact.record, ensure_ascii=False, sort_keys=True) if fact.record else None,
    }


def row_to_fact(row: Any) -> Fact:
    m = row._mapping if hasattr(row, "_mapping") else row
    return Fact(
        id=m["id"], type=m["type"], title=m["title"], summary=m["summary"] or "",
        date_start=_date(m["date_start"]), date_end=_date(m["date_end"]), date_precision=m["date_precision"],
        countries=tuple(json.loads(m["countries"])), actors=tuple(json.loads(m["actors"])),
        geometry=json.loads(m["geometry"]) if m["geometry"] else None, geo_precision=m["geo_precision"],
        status=m["status"], status_as_of=_date(m["status_as_of"]), origin=m["origin"], review=m["review"],
        confidence=m["confidence"], rule=m["rule"] or "",
        evidence=tuple(Evidence(**e) for e in json.loads(m["evidence"])),
        sources=tuple(Source(**s) for s in json.loads(m["sources"])),
        places=tuple(json.loads(m["places"])), amounts=tuple(json.loads(m["amounts"])),
        edited=bool(m["edited"]),
        dataset=m.get("dataset") or "", dataset_record=m.get("dataset_record") or "", amount=m.get("amount"),
        currency=m.get("currency") or "", license=m.get("license") or "", sector=m.get("sector") or "",
        finance_group=m.get("finance_group") or "", withdrawn=bool(m.get("withdrawn")),
        record=json.loads(m["record"]) if m.get("record") else {},
    )


def row_to_article(row: Any) -> Article:
    m = row._mapping
    return Article(
        id=m["id"], text=m["text"], title=m["title"], language=m["language"],
        published=_date(m["published"]), url=m["url"], publisher=m["publisher"], path=m["path"],
    )


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
        with self.engine.begin() as c:
            got = c.execute(sa.select(articles_t.c.url, articles_t.c.publisher, articles_t.c.published)
                            .where(articles_t.c.id == article.id)).first()
            if got:
                # The same text again (a seed later given a meta sidecar, a page fetched from its URL):
                # keep what is stored, but fill a URL, publisher or date that was unknown.
                fill = {k: v for k, v, old in (("url", article.url, got.url),
                                                ("publisher", article.publisher, got.publisher),
                                                ("published", _iso(article.published), got.published))
                        if v and not old}
                if fill:
                    c.execute(articles_t.update().where(articles_t.c.id == article.id).values(**fill))
                return False
            c.execute(articles_t.insert().values(
                id=article.id, title=article.title, language=article.language,
                published=_iso(article.published), url=article.url, publisher=article.publisher,
                path=article.path, text=article.text,
                extraction=json.dumps(extraction, ensure_ascii=False) if extraction is not None else None,
                added_at=now(),
            ))
            stamp = now()
            rows = [fact_to_row(f, stamp) for f in facts]
            if rows:
                c.execute(facts_t.insert(), rows)
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
        rows = [fact_to_row(f) for f in facts]
        if any(r["origin"] != "curated" for r in rows):
            raise ValueError("replace_curated takes curated facts only")
        with self.engine.begin() as c:
            c.execute(facts_t.delete().where(facts_t.c.origin == "curated"))
            if rows:
                c.execute(facts_t.insert(), rows)
        return len(rows)

    def fact(self, fact_id: str) -> Fact:
        with self.engine.connect() as c:
            row = c.execute(sa.select(facts_t).where(facts_t.c.id == fact_id)).first()
        if row is None:
            raise UnknownFact(f"no fact with id {fact_id!r}")
        return row_to_fact(row)

    def facts(self, origin: str | None = None, review: str | None = None,
              article_id: str | None = None) -> list[Fact]:
        q = sa.select(facts_t).order_by(facts_t.c.date_start, facts_t.c.id)
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
        stamp = now()
        rows = [fact_to_row(f, stamp) for f in facts]
        with self.engine.begin() as c:
            if rows:
                c.execute(facts_t.insert(), rows)

    # -- review and edits, each with an audit entry in the same transaction
    def decide(self, fact_ids: Sequence[str], decision: str, who: str, only_pending: bool = False) -> list[Fact]:
        """Set the review state of extracted facts, audited, in one transaction.

        ``only_pending``: refuse (:class:`AlreadyDecided`, nothing written) when any fact
        is no longer pending, so two reviewers acting at once cannot both decide.
        """
        if decision not in ("accepted", "rejected", "pending"):
            raise ValueError(f"unknown decision {decision!r}")
        out = []
        with self.engine.begin() as c:
            for fid in fact_ids:
                before = self._fact_for_update(c, fid, "only extracted facts are reviewed")
                after = before.with_(review=decision)
                self._guarded_update(c, before, only_pending, review=decision, updated_at=now())
                self._audit(c, fid, decision, who, before, after)
                out.append(after)
        return out

    def update_fact(self, fact: Fact, who: str, action: str = "edited", only_pending: bool = False) -> Fact:
        """Replace an extracted fact with an edited version (marked edited, audited)."""
        with self.engine.begin() as c:
            before = self._fact_for_update(c, fact.id, "edit it in data/curated/")
            after = fact.with_(edited=True, origin="extracted")
            self._guarded_update(c, before, only_pending, **fact_to_row(after))
            self._audit(c, fact.id, action, who, before, after)
        return after

    def _fact_for_update(self, c: sa.Connection, fid: str, curated_hint: str) -> Fact:
        row = c.execute(sa.select(facts_t).where(facts_t.c.id == fid)).first()
        if row is None:
            raise UnknownFact(f"no fact with id {fid!r}")
        fact = row_to_fact(row)
        if fact.origin != "extracted":
            raise UnknownFact(f"fact {fid!r} is curated; {curated_hint}")
        return fact

    def _guarded_update(self, c: sa.Connection, before: Fact, only_pending: bool, **values: Any) -> None:
        # The condition sits in the UPDATE itself, so it holds even against another process.
        stmt = facts_t.update().where(facts_t.c.id == before.id)
        if only_pending:
            stmt = stmt.where(facts_t.c.review == "pending")
        if c.execute(stmt.values(**values)).rowcount == 0:
            current = c.execute(sa.select(facts_t.c.review).where(facts_t.c.id == before.id)).scalar()
            raise AlreadyDecided(before.id, current)

    def replace_pending(self, article_id: str, facts: Sequence[Fact], extraction: dict | None) -> dict[str, int]:
        """Re-extraction: refresh undecided, unedited facts; never touch human decisions."""
        counts = {"updated": 0, "added": 0, "removed": 0, "kept": 0}
        with self.engine.begin() as c:
            existing = {r.id: row_to_fact(r) for r in c.execute(
                sa.select(facts_t).where(facts_t.c.article_id == article_id, facts_t.c.origin == "extracted"))}
            new_ids = {f.id for f in facts}
            for fid, old in existing.items():
                human = old.edited or old.review in ("accepted", "rejected")
                if human:
                    counts["kept"] += 1
                elif fid not in new_ids:
                    c.execute(facts_t.delete().where(facts_t.c.id == fid))
                    counts["removed"] += 1
            for f in facts:
                old = existing.get(f.id)
                if old is None:
                    c.execute(facts_t.insert().values(**fact_to_row(f)))
                    counts["added"] += 1
                elif not (old.edited or old.review in ("accepted", "rejected")):
                    c.execute(facts_t.update().where(facts_t.c.id == f.id).values(**fact_to_row(f)))
                    counts["updated"] += 1
            if extraction is not None:
                c.execute(articles_t.update().where(articles_t.c.id == article_id)
                          .values(extraction=json.dumps(extraction, ensure_ascii=False)))
        return counts

    def _audit(self, c: sa.Connection, fact_id: str, action: str, who: str, before: Fact | None, after: Fact | None) -> None:
        c.execute(audit_t.insert().values(
            fact_id=fact_id, action=action, who=who, at=now(),
            before=json.dumps(_jsonable(before), ensure_ascii=False) if before else None,
            after=json.dumps(_jsonable(after), ensure_ascii=False) if after else None,
        ))

    def audit_log(self, fact_id: str | None = None, limit: int = 500) -> list[dict[str, Any]]:
        q = sa.select(audit_t).order_by(audit_t.c.id.desc()).limit(limit)
        if fact_id:
            q = q.where(audit_t.c.fact_id == fact_id)
        with self.engine.connect() as c:
            out = []
            for r in c.execute(q):
                d = dict(r._mapping)
                d["before"] = json.loads(d["before"]) if d["before"] else None
                d["after"] = json.loads(d["after"]) if d["after"] else None
                out.append(d)
            return out


def _jsonable(fact: Fact) -> dict[str, Any]:
    d = asdict(fact)
    for k in ("date_start", "date_end", "status_as_of"):
        d[k] = _iso(d[k])
    return d
