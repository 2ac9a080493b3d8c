"""Make data/prebuilt/atlas.sqlite.gz: the store a fresh clone starts from (atlas/db/prebuilt.py).

    python scripts/make_prebuilt.py

Run it after changing seeds/, data/curated/ or data/datasets/ (tests/test_prebuilt.py fails
until then). It builds a new store from those files exactly as the app's first start does
(``ensure_seeded``), compacts it and gzips it; nothing else goes in.
"""
from __future__ import annotations

import gzip
import sqlite3
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from atlas.db.prebuilt import PREBUILT  # noqa: E402
from atlas.db.store import Store  # noqa: E402
from atlas.sources.ingest import ensure_seeded  # noqa: E402


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "atlas.sqlite"
        store = Store(str(db))
        ensure_seeded(store)
        facts = store.count()
        store.dispose()
        con = sqlite3.connect(db)
        con.execute("PRAGMA journal_mode=DELETE")  # one file, no write-ahead log beside it
        con.execute("VACUUM")
        con.close()
        PREBUILT.parent.mkdir(parents=True, exist_ok=True)
        with open(db, "rb") as src, gzip.GzipFile(PREBUILT, "wb", mtime=0) as dst:
            dst.write(src.read())
    print(f"{PREBUILT.relative_to(ROOT)}: {facts} facts, {PREBUILT.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
