"""Issue 13 items 7 (CLI part), 10 and 11: database trouble is one line, nothing is overwritten,
backups are consistent, and a CLI-filled store is not taken as loaded from changed files."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import pytest

from atlas.core.errors import StoreError
from atlas.sources.ingest import ensure_seeded, ingest_paths, sources_fingerprint
from atlas.db.store import Store
from atlas.db.storeguard import MSG_BUSY, StoreCorrupt

from .conftest import ROOT, SEEDS


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "atlas", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    path = tmp_path_factory.mktemp("seeded") / "atlas.sqlite"
    store = Store(path)
    ingest_paths(store, [SEEDS])
    store.dispose()
    return path


def test_empty_store_file_is_refused_and_left_untouched(tmp_path):
    db = tmp_path / "atlas.sqlite"
    db.write_bytes(b"")
    proc = run("--db", str(db), "review", "list")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"error: {db}: the database file is empty (0 bytes), so its articles, "
                                  "extracted facts and reviews are gone; it was left untouched")
    assert db.read_bytes() == b""
    with pytest.raises(StoreCorrupt):  # the app's start-up path refuses it the same way
        Store(db)
    assert db.read_bytes() == b""


def test_corrupt_store_is_one_line(tmp_path):
    db = tmp_path / "atlas.sqlite"
    db.write_bytes(b"this is not a database\n" * 200)
    proc = run("--db", str(db), "review", "list")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr == f"error: {db}: not an SQLite database (damaged or a different file); it was left " \
                          "untouched: restore it from a backup (python -m atlas backup; see README, Backups)\n"


def test_busy_store_is_one_line_and_writes_nothing(seeded, tmp_path):
    db = tmp_path / "busy.sqlite"
    assert run("--db", str(seeded), "backup", str(db)).returncode == 0
    pending = Store(db).facts(review="pending")[0].id
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    try:
        proc = run("--db", str(db), "review", "accept", pending, env={"ATLAS_BUSY_TIMEOUT": "0.3"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr == f"error: {MSG_BUSY}\n"
    assert Store(db).fact(pending).review == "pending"


def test_backup_includes_what_is_still_in_the_wal(seeded, tmp_path):
    db = tmp_path / "live.sqlite"
    assert run("--db", str(seeded), "backup", str(db)).returncode == 0
    live = Store(db)
    fid = live.facts(review="pending")[0].id
    reader = sqlite3.connect(db)  # an open reader keeps SQLite from checkpointing the WAL away
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM facts").fetchone()
    live.decide([fid], "accepted", who="test")
    assert (tmp_path / "live.sqlite-wal").stat().st_size > 0
    proc = run("--db", str(db), "backup", str(tmp_path / "copy.sqlite"))
    reader.close()
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"backed up to {tmp_path / 'copy.sqlite'} (")
    assert not (tmp_path / "copy.sqlite-wal").exists()
    assert Store(tmp_path / "copy.sqlite").fact(fid).review == "accepted"


def test_backup_never_overwrites(seeded, tmp_path):
    target = tmp_path / "exists.sqlite"
    target.write_bytes(b"keep me")
    proc = run("--db", str(seeded), "backup", str(target))
    assert proc.returncode == 1
    assert proc.stderr == f"error: {target}: already exists; choose a new file name (a backup never overwrites)\n"
    assert target.read_bytes() == b"keep me"


def test_backup_of_a_server_database_says_what_to_use():
    from atlas.db.backup import backup_url

    with pytest.raises(StoreError, match="use the server's own tools"):
        backup_url("postgresql+psycopg://u@127.0.0.1/atlas", ROOT / "never.sqlite")


def test_cli_filled_store_records_which_files_it_loaded(tmp_path, curated_copy):
    store = Store("sqlite://")
    ingest_paths(store, [SEEDS], curated_dir=curated_copy)
    assert store.get_meta("sources_fingerprint") == sources_fingerprint(SEEDS, curated_copy)
    assert not ensure_seeded(store, SEEDS, curated_copy)
    first = sorted(curated_copy.glob("*.yaml"))[0]
    first.write_text(first.read_text(encoding="utf-8").replace("title: ", "title: Changed ", 1), encoding="utf-8")
    # Before the fix the app adopted the changed files' fingerprint without loading them.
    assert ensure_seeded(store, SEEDS, curated_copy)
    assert any(f.title.startswith("Changed ") for f in store.facts(origin="curated"))
