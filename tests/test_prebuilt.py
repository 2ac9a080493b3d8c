"""The prebuilt store a fresh clone starts from (atlas/db/prebuilt.py, scripts/make_prebuilt.py):
current with the shipped files, the same facts as a store built from them, never over a store."""
from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from atlas.db.prebuilt import PREBUILT, install_prebuilt
from atlas.db.store import Store, resolve_url
from atlas.sources.ingest import ensure_seeded, sources_fingerprint

STALE = "data/prebuilt/atlas.sqlite.gz is stale: run python scripts/make_prebuilt.py"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Store:
    """A store built from the shipped files, as the first start did before."""
    store = Store(str(tmp_path_factory.mktemp("built") / "atlas.sqlite"))
    assert ensure_seeded(store)
    yield store
    store.dispose()


@pytest.fixture
def installed(tmp_path) -> Store:
    """A fresh store made from the prebuilt one, as the app's first start makes it."""
    url = resolve_url(tmp_path / "atlas.sqlite")
    assert install_prebuilt(url)
    store = Store(url)
    yield store
    store.dispose()


def test_the_prebuilt_store_is_current_with_the_shipped_files(installed):
    assert installed.get_meta("sources_fingerprint") == sources_fingerprint(), STALE


def test_a_fresh_store_from_the_prebuilt_one_holds_what_building_gives(installed, built):
    assert ensure_seeded(installed) is False  # nothing left to load
    mine, theirs = installed.facts(), built.facts()
    assert len(mine) > 500 and sorted(f.id for f in mine) == sorted(f.id for f in theirs)
    assert {f.id: (f.title, f.date_start, f.countries, f.actors) for f in mine} == \
        {f.id: (f.title, f.date_start, f.countries, f.actors) for f in theirs}


def test_a_stale_prebuilt_store_is_reloaded_from_the_files(installed, built):
    installed.set_meta("sources_fingerprint", "made from other files")
    assert ensure_seeded(installed) is True
    assert sorted(f.id for f in installed.facts()) == sorted(f.id for f in built.facts())


def test_an_existing_store_is_never_replaced(tmp_path):
    path = tmp_path / "atlas.sqlite"
    path.write_bytes(b"mine")
    assert install_prebuilt(resolve_url(path)) is False and path.read_bytes() == b"mine"


@pytest.mark.parametrize("content", [PREBUILT.read_bytes()[:5000], gzip.compress(b"not a database " * 100, mtime=0),
                                     b"plain"], ids=["cut-short", "not-sqlite", "not-gzip"])
def test_an_unreadable_prebuilt_copy_leaves_nothing_behind(tmp_path, content):
    bad = tmp_path / "bad.sqlite.gz"
    bad.write_bytes(content)  # cut short, not SQLite, not gzip
    assert install_prebuilt(resolve_url(tmp_path / "atlas.sqlite"), bad) is False
    assert sorted(p.name for p in Path(tmp_path).iterdir()) == ["bad.sqlite.gz"]


def test_the_prebuilt_store_is_small():
    assert PREBUILT.stat().st_size < 2_000_000  # gzip'd; regenerated with every data change
