"""Database trouble as one-line messages: busy, corrupt, empty, read-only.

The store, the CLI and the app turn driver exceptions (which carry SQL and its
parameters) into these named errors; details go to the log, never to a visitor.
A 0-byte or non-SQLite file is refused before SQLite would silently start a new,
empty atlas over it.
"""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

import sqlalchemy as sa

from ..core.errors import StoreError

SQLITE_HEADER = b"SQLite format 3\x00"
BACKUP_HINT = "restore it from a backup (python -m atlas backup; see README, Backups)"


class StoreBusy(StoreError):
    """Another process held the database's write lock for longer than the busy timeout."""


class StoreCorrupt(StoreError):
    """The database file is empty, not SQLite, or damaged; it is never overwritten."""


class StoreUnavailable(StoreError):
    """The database server cannot be reached (down, restarting, network): retry later, nothing is lost."""


# Driver messages meaning "no server to talk to right now" (psycopg / PostgreSQL wording).
_UNREACHABLE = ("connection failed", "could not connect", "connection refused", "server closed the connection",
                "terminating connection", "the database system is", "connection is closed", "connection timeout")


class StoreReadOnly(StoreError):
    """A write was attempted on a store that can only be read."""


MSG_BUSY = "the atlas is busy (another process is writing to it); nothing was changed, try again in a moment"
MSG_READ_ONLY = "the atlas database is read-only here; nothing was changed"
MSG_SERVING_READ_ONLY = ("The atlas database is read-only here: showing what it holds. Seeds and curated files "
                         "are not reloaded and nothing can be saved.")


def check_sqlite_file(path: Path) -> None:
    """Refuse an existing SQLite file that is empty or not a database (new files are fine).

    >>> check_sqlite_file(Path("/nonexistent/atlas.sqlite")) is None
    True
    """
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StoreError(f"{path}: cannot read the database: {exc.strerror}") from None
    if not head:
        raise StoreCorrupt(f"{path}: the database file is empty (0 bytes), so its articles, extracted facts "
                           f"and reviews are gone; it was left untouched: {BACKUP_HINT}, or delete it to start "
                           "a new atlas from seeds/ and data/curated/")
    if head != SQLITE_HEADER:
        raise StoreCorrupt(f"{path}: not an SQLite database (damaged or a different file); it was left "
                           f"untouched: {BACKUP_HINT}")


def read_only_url(path: Path) -> str | None:
    """A read-only SQLAlchemy URL for an existing SQLite file this process may not write; else None.

    ``immutable=1`` when the folder is not writable either: SQLite could not create the
    ``-shm`` file a WAL database needs, and nobody here can change the file.
    """
    if not path.exists():
        return None
    folder_ok = os.access(path.parent, os.W_OK)
    if os.access(path, os.W_OK) and folder_ok:
        return None
    return f"sqlite:///file:{quote(str(path))}?mode=ro{'' if folder_ok else '&immutable=1'}&uri=true"


def is_db_error(exc: BaseException) -> bool:
    """A database driver's or SQLAlchemy's exception (turned into one line by :func:`db_error`).

    >>> is_db_error(sqlite3.OperationalError("locked")), is_db_error(ValueError("x"))
    (True, False)
    """
    return isinstance(exc, (sa.exc.SQLAlchemyError, sqlite3.Error))


def db_error(exc: BaseException, where: str = "") -> StoreError:
    """A named, one-line :class:`StoreError` for a driver exception (no SQL, no parameters).

    >>> import sqlite3
    >>> str(db_error(sqlite3.OperationalError("database is locked")))
    'the atlas is busy (another process is writing to it); nothing was changed, try again in a moment'
    """
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).split("\n", 1)[0]
    low = text.lower()
    prefix = f"{where}: " if where else ""
    if any(u in low for u in _UNREACHABLE):
        return StoreUnavailable(f"{prefix}the database server cannot be reached ({text}); nothing was changed")
    if "locked" in low or "busy" in low:
        return StoreBusy(MSG_BUSY)
    if "readonly" in low or "read-only" in low:
        return StoreReadOnly(prefix + MSG_READ_ONLY)
    if "not a database" in low or "malformed" in low or "corrupt" in low:
        return StoreCorrupt(f"{prefix}the database is damaged ({text}); it was left untouched: {BACKUP_HINT}")
    return StoreError(f"{prefix}database error: {text}")
