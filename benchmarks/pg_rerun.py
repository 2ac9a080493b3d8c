"""Server-side map-page times at N synthetic facts on a throwaway local PostgreSQL.

    python benchmarks/pg_rerun.py --facts 100000

The PostgreSQL counterpart of ``bench.py``'s ``rerun_s`` (same synthetic facts, same
AppTest first load and country-filter change). Prints one JSON line.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from bench import app_times, make_store  # noqa: E402

from atlas.db.devdb import Cluster  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                epilog="example: python benchmarks/pg_rerun.py --facts 100000")
    p.add_argument("--facts", type=int, default=100_000)
    args = p.parse_args(argv)
    with Cluster.start(durable=True) as pg:
        url = pg.create_database("bench")
        t = time.perf_counter()
        make_store(url, args.facts).dispose()
        insert_s = time.perf_counter() - t
        times = app_times(url)
    print(json.dumps({"facts": args.facts, "backend": "postgresql", "insert_s": round(insert_s, 2), **times}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
