"""Search benchmark: FTS5 index build and query time on a synthetic store (prints JSON).

    python benchmarks/search_bench.py --facts 100000

Builds the store in a temporary folder at run time (never committed); measures the
index fill (first search after any write) and query latency on a filled index.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from atlas.db.searchindex import ensure_index  # noqa: E402
from atlas.views.search import search  # noqa: E402
from atlas.db.store import Store  # noqa: E402
from atlas.core.synthetic import synthetic_facts  # noqa: E402

QUERIES = ["energy", "Line D", "synthetic energy fact 4", "Turkey", "zzzz-none"]  # "energy": a term in 1 of 7


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--facts", type=int, default=100_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        facts = list(synthetic_facts(args.facts))
        store = Store(str(Path(tmp) / "bench.sqlite"))
        store.bulk_insert_facts(facts)
        t = time.perf_counter()
        ensure_index(store)
        build = time.perf_counter() - t
        lat = {}
        for q in QUERIES:
            t = time.perf_counter()
            for _ in range(5):
                n = len(search(store, q, 20))
            lat[q] = {"ms": round((time.perf_counter() - t) / 5 * 1000, 1), "hits": n}
        store.bulk_insert_facts(facts[:1] and [facts[0].with_(id="bench-extra")])  # one write: stale index
        t = time.perf_counter()
        search(store, "pipeline", 20)
        after_write = time.perf_counter() - t
        print(json.dumps({"facts": args.facts, "index_fill_s": round(build, 2),
                          "first_search_after_a_write_s": round(after_write, 2), "query": lat}))


if __name__ == "__main__":
    main()
