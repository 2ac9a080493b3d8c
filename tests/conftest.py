from __future__ import annotations

import os
import shutil
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
