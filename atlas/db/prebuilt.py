"""A fresh clone's store, prebuilt: the shipped seeds, curated facts and datasets already loaded.

Building the store on the first start (reading and checking every curated file, the AidData
import, extracting the seed article) cost the first visitor ~1.2 s. ``data/prebuilt/`` ships
that store, gzip'd, made by ``python scripts/make_prebuilt.py``; the app's first start copies
it (:func:`install_prebuilt`) and then checks it like any store: the sources fingerprint it
holds (``atlas.sources.ingest.sources_fingerprint``, a hash of the files' bytes) must equal the
files', else the app reloads them as after any edit. A stale copy costs time, never facts.
Only a SQLite file that does not exist yet is created this way.
"""
from __future__ import annotations

import gzip
import os
import shutil
from pathlib import Path

PREBUILT = Path(__file__).resolve().parents[2] / "data" / "prebuilt" / "atlas.sqlite.gz"
SQLITE_PREFIX = "sqlite:///"
SQLITE_HEADER = b"SQLite format 3\x00"


def install_prebuilt(url: str, prebuilt: Path = PREBUILT) -> bool:
    """Create the SQLite store at ``url`` as a copy of ``prebuilt``; False (nothing done) when
    ``url`` is not a SQLite file, the file exists, or there is no prebuilt store.

    >>> install_prebuilt("postgresql://atlas@db/atlas"), install_prebuilt("sqlite://")
    (False, False)
    """
    if not url.startswith(SQLITE_PREFIX) or not prebuilt.is_file():
        return False
    path = Path(url[len(SQLITE_PREFIX):])
    if path.exists() or not path.parent.is_dir():
        return False
    tmp = path.with_name(f".{path.name}.{os.getpid()}.prebuilt")
    try:
        with gzip.open(prebuilt, "rb") as src, open(tmp, "wb") as dst:
            shutil.copyfileobj(src, dst)
        with open(tmp, "rb") as fh:
            if fh.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
                return False
        os.link(tmp, path)  # creates the store only if no one else did meanwhile (never overwrites)
    except FileExistsError:
        return False
    except (OSError, EOFError, gzip.BadGzipFile):  # unreadable copy or read-only folder: build as before
        return False
    finally:
        tmp.unlink(missing_ok=True)
    return True
