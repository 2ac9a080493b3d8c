from __future__ import annotations

import os
import shutil
import sqlite3
import sys
import uuid
from pathlib import Path

import pytest

from atlas.db.store import Store

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SEED = SEEDS / "000_c091979762de952d.txt"
CURATED = ROOT / "data" / "curated"


@pytest.fixture
def mem_store() -> Store:
    return Store("sqlite://")


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "atlas.sqlite"


@pytest.fixture
def curated_copy(tmp_path) -> Path:
    """A writable copy of data/curated for tests that break it."""
    dst = tmp_path / "curated"
    shutil.copytree(CURATED, dst)
    return dst


# -- databases: SQLite always; PostgreSQL from a throwaway cluster (one per test process) --------

@pytest.fixture(scope="session")
def pg_cluster():
    """A local PostgreSQL cluster for this test process; skipped without server binaries, unless CI=true."""
    from atlas.db.devdb import Cluster, NoPostgres

    try:
        cluster = Cluster.start()
    except NoPostgres as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true requires PostgreSQL: {exc}")
        pytest.skip(f"no PostgreSQL here: {exc}")
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def nginx_bin() -> str:
    """Debian's nginx, the replicas' proxy; skipped when missing, unless CI=true."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from serve_replicas import NginxMissing, nginx_binary

    try:
        return nginx_binary()
    except NginxMissing as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true requires nginx: {exc}")
        pytest.skip(str(exc))


@pytest.fixture
def pg_url(pg_cluster) -> str:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    url = pg_cluster.create_database(name)
    yield url
    pg_cluster.drop_database(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    """A fresh database URL: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'atlas.sqlite'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store(request) -> Store:
    """An empty store: in-memory SQLite, then PostgreSQL."""
    url = "sqlite://" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    store = Store(url)
    yield store
    store.dispose()


# -- prefilled stores for the page tests (one template per test process, copied per test) ---------

def copy_sqlite(template: Path, path: Path) -> Path:
    """A copy of a SQLite store through SQLite's backup (safe with a write-ahead log beside it)."""
    src, dst = sqlite3.connect(template), sqlite3.connect(path)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    return path


@pytest.fixture(scope="session")
def _pages_template(tmp_path_factory) -> Path:
    """tests.dash_data's store, filled once: filling it (schema migrations included) per test was
    most of a short page test's setup."""
    from tests.dash_data import fill_store

    path = tmp_path_factory.mktemp("pages-template") / "atlas.sqlite"
    store = Store(path)
    fill_store(store)
    store.dispose()
    return path


@pytest.fixture
def page_store(tmp_path, monkeypatch, _pages_template):
    """The page tests' store on SQLite only, open (for tests that also write to it); ATLAS_DB points at it."""
    path = copy_sqlite(_pages_template, tmp_path / "atlas.sqlite")
    monkeypatch.setenv("ATLAS_DB", str(path))
    store = Store(path)
    yield store
    store.dispose()


@pytest.fixture
def atlas_db(db_url, tmp_path, monkeypatch, _pages_template) -> str:
    """The page tests' store (tests.dash_data) on SQLite and on PostgreSQL; ATLAS_DB points at it."""
    if db_url.startswith("sqlite:///"):
        copy_sqlite(_pages_template, Path(db_url.removeprefix("sqlite:///")))
    else:
        from tests.dash_data import fill_store

        store = Store(db_url)
        fill_store(store)
        store.dispose()
    monkeypatch.setenv("ATLAS_DB", str(db_url))
    return db_url


@pytest.fixture(scope="session")
def _editor_template(tmp_path_factory) -> Path:
    """The editor pages' store, made once: it runs the extractor over tests.helpers.STORED."""
    from atlas.sources.ingest import prepare, store_prepared
    from atlas.core.models import Article
    from tests.helpers import CURATED_FACT, STORED

    path = tmp_path_factory.mktemp("editor-template") / "app.sqlite"
    s = Store(path)
    s.replace_curated([CURATED_FACT])
    assert store_prepared(s, prepare(Article.from_text(STORED, title="Ashgabat talks", language="en")))
    assert len(s.facts(origin="extracted")) >= 2
    s.dispose()
    return path


@pytest.fixture
def db(tmp_path, monkeypatch, _editor_template) -> Path:
    """A prefilled store: one curated fact (so the app does not seed) and one article with pending facts."""
    path = copy_sqlite(_editor_template, tmp_path / "app.sqlite")
    monkeypatch.setenv("ATLAS_DB", str(path))
    monkeypatch.delenv("ATLAS_EDITOR_PASSWORD", raising=False)
    return path


@pytest.fixture
def editor_env(db, monkeypatch) -> Path:
    """:func:`db` with the editor password set (tests.helpers.PASSWORD)."""
    from tests.helpers import PASSWORD

    monkeypatch.setenv("ATLAS_EDITOR_PASSWORD", PASSWORD)
    return db
