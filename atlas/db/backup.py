"""`python -m atlas backup PATH`: a consistent copy of a live SQLite store.

``cp atlas.sqlite`` while the app runs misses whatever sits in the write-ahead log
(``atlas.sqlite-wal``) and can copy a page mid-write. SQLite's online backup API
copies a consistent snapshot even while other processes read and write.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from ..core.errors import StoreError
from .storeguard import check_sqlite_file, db_error


def backup_sqlite(source: Path, target: Path) -> int:
    """Copy the SQLite database ``source`` to ``target`` (must not exist); return its size in bytes."""
    source, target = Path(source), Path(target)
    if not source.exists():
        raise StoreError(f"{source}: no such database")
    check_sqlite_file(source)
    if target.exists():
        raise StoreError(f"{target}: already exists; choose a new file name (a backup never overwrites)")
    if not target.parent.is_dir():
        raise StoreError(f"{target}: folder {target.parent} does not exist")
    tmp = target.with_name(target.name + ".partial")
    try:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
        try:
            dst = sqlite3.connect(tmp)
            try:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.Error as exc:
        tmp.unlink(missing_ok=True)
        raise db_error(exc, str(source)) from None
    tmp.replace(target)  # a reader of target never sees half a backup
    return target.stat().st_size


def backup_url(url: str, target: Path) -> int:
    if not url.startswith("sqlite:///") or url == "sqlite:///:memory:":
        raise StoreError(f"backup copies SQLite files; for {url.split(':', 1)[0]} use the server's own tools "
                         "(e.g. pg_dump)")
    return backup_sqlite(Path(url.split("sqlite:///", 1)[1]), target)
