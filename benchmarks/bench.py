"""Scale benchmark: one JSON line per store size, one for the naive map, one for extraction (and one for a first visit).

    python benchmarks/bench.py --sizes 1000,10000,100000
    python benchmarks/bench.py --sizes 1000,100000 --browser --first-visit   # issue 25's contract

Each size runs in a fresh subprocess so ``peak_mb`` is that size's own peak. Synthetic
stores are generated at run time in a temporary folder and deleted afterwards.
Numbers only: compare ratios within one run (machines here are shared and noisy).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

TYPICAL = {"country": ["KAZ", "UZB"], "type": ["energy", "trade", "infrastructure"], "since": "2015-01-01"}
JOB_TIMEOUT_S = 1800  # a 100,000-fact size with --browser takes minutes; a hung job must not hang the run
CHANGED = {"country": ["KAZ"], "type": ["energy", "trade", "infrastructure"], "since": "2015-01-01"}


def peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def map_payload_bytes(m) -> int:
    """Bytes streamlit-folium sends for this map: script + html + header (as st_folium renders them)."""
    import streamlit_folium as sf

    m.get_root().render()
    html, header = sf._get_html(m), sf._get_header(m)
    script = sf._get_map_string(m)
    return len(script.encode()) + len(html.encode()) + len(header.encode())


def timed_map(build) -> tuple[float, int]:
    """Seconds to build the folium map *and* render what st_folium sends, and its bytes."""
    t = time.perf_counter()
    m = build()
    n = map_payload_bytes(m)
    return round(time.perf_counter() - t, 3), n


def make_store(path: Path, n: int):
    from atlas.db.store import Store
    from atlas.core.synthetic import synthetic_facts

    store = Store(str(path))
    batch = []
    for f in synthetic_facts(n):
        batch.append(f)
        if len(batch) == 20000:
            store.bulk_insert_facts(batch)
            batch = []
    store.bulk_insert_facts(batch)
    return store


def one_size(n: int, browser: bool = False) -> dict:
    from atlas.sources.files import load_boundaries
    from atlas.views.maps import build_map
    from atlas.views.query import Filters, apply_filters, load_frame

    out: dict = {"facts": n}
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.sqlite"
        t = time.perf_counter()
        store = make_store(db, n)
        out["generate_s"] = round(time.perf_counter() - t, 3)

        t = time.perf_counter()
        frame = load_frame(store)
        out["load_s"] = round(time.perf_counter() - t, 3)

        filters, _ = Filters.from_query(TYPICAL)
        t = time.perf_counter()
        shown = apply_filters(frame, filters)
        out["query_s"] = round(time.perf_counter() - t, 4)
        out["shown"] = len(shown)

        boundaries = load_boundaries()
        timed_map(lambda: build_map(shown.head(5), boundaries))  # warm-up: templates compile once
        out["map_build_s"], out["map_bytes"] = timed_map(lambda: build_map(shown, boundaries))
        # The worst case for the map: no filter at all (every non-rejected fact).
        everything = apply_filters(frame, Filters(reviews=("accepted", "pending")))
        out["shown_all"] = len(everything)
        out["map_build_all_s"], out["map_bytes_all"] = timed_map(lambda: build_map(everything, boundaries))
        store.dispose()

        out.update(app_times(db))
        from atlas.views.query import load_frame_snapshotted
        from atlas.db.store import Store

        again = Store(str(db))  # as a restarted server would: the app left an Arrow snapshot
        t = time.perf_counter()
        load_frame_snapshotted(again)
        out["load_snapshot_s"] = round(time.perf_counter() - t, 3)
        again.dispose()
        out["peak_mb"] = peak_mb()  # this process: store, frame, maps and the AppTest runs
        if browser:
            out.update(browser_fields(db))
    return out


def browser_fields(db: Path) -> dict:
    """Issue 25's browser measurements on the unfiltered page (benchmarks/browserbench.py): the
    current map design, the previous one (``ATLAS_MAP_POINTS=inline``, fields ``previous_*``)
    and ``st.pydeck_chart`` with every point (``pydeck_*``), each against its own fresh server.
    A part that fails gives ``<prefix>error`` and the others still run."""
    if not Path("/usr/bin/chromium").exists():
        return {"browser_error": "no /usr/bin/chromium"}
    from browserbench import measure_map, measure_pydeck, pick_fact

    fact = pick_fact(db)  # the same fact is clicked in both designs
    out: dict = {}
    parts = (("browser_", "", lambda: measure_map(db, fact=fact)),  # (error field, field prefix, run)
             ("previous_", "previous_", lambda: measure_map(db, inline=True, fact=fact)),
             ("pydeck_", "", lambda: measure_pydeck(db)))  # its fields are pydeck_* already
    for name, prefix, run in parts:
        try:
            out.update({f"{prefix}{k}": v for k, v in run().items()})
        except Exception as exc:  # noqa: BLE001 -- reported in the JSON line; the other parts still run
            out[f"{name}error"] = f"{type(exc).__name__}: {exc}"
    return out


def app_times(db: Path) -> dict:
    """Server-side time of the map page: first load, then a filter change (AppTest)."""
    from streamlit.testing.v1 import AppTest

    os.environ["ATLAS_DB"] = str(db)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=300)
    for k, v in TYPICAL.items():
        at.query_params[k] = v
    t = time.perf_counter()
    at.run()
    first = time.perf_counter() - t
    if at.exception:
        raise RuntimeError(f"dashboard raised: {at.exception[0].message}")
    t = time.perf_counter()
    at.multiselect(key="f_countries").set_value(CHANGED["country"]).run()
    rerun = time.perf_counter() - t
    if at.exception:
        raise RuntimeError(f"dashboard raised on rerun: {at.exception[0].message}")
    return {"first_load_s": round(first, 3), "rerun_s": round(rerun, 3)}


def naive(n: int = 2000) -> dict:
    from atlas.sources.files import load_boundaries
    from atlas.views.maps import build_map
    from naive_map import build_map_naive
    from atlas.views.query import Filters, apply_filters, load_frame

    with tempfile.TemporaryDirectory() as tmp:
        store = make_store(Path(tmp) / "naive.sqlite", n * 2)
        frame = apply_filters(load_frame(store), Filters(reviews=("accepted", "pending"))).head(n)
        store.dispose()
    boundaries = load_boundaries()
    timed_map(lambda: build_map_naive(frame.head(5)))  # warm-up: templates compile once
    timed_map(lambda: build_map(frame.head(5), boundaries))
    naive_s, naive_bytes = timed_map(lambda: build_map_naive(frame))
    fast_s, fast_bytes = timed_map(lambda: build_map(frame, boundaries))
    return {"naive_facts": len(frame), "naive_map_build_s": round(naive_s, 3), "naive_map_bytes": naive_bytes,
            "map_build_s": round(fast_s, 3), "map_bytes": fast_bytes,
            "speedup": round(naive_s / fast_s, 1) if fast_s else None,
            "bytes_ratio": round(naive_bytes / fast_bytes, 1) if fast_bytes else None}


def extraction(n_articles: int) -> dict:
    from extract_bench import run_extract_bench

    return run_extract_bench(n_articles)


def first_visit_line() -> dict:
    """A fresh clone's first map against a warm visit (benchmarks/first_visit.py, branch firstvisit)."""
    try:
        from first_visit import first_visit
    except ImportError as exc:
        raise SystemExit(f"first-visit: benchmarks/first_visit.py is not available ({exc})") from None
    return {"job": "first-visit", **first_visit(sys.executable)}


def jobs_for(args: argparse.Namespace) -> list[str]:
    """The jobs one run prints a line for, in order.

    >>> jobs_for(argparse.Namespace(sizes="1000, 100000", articles=20, browser=True, first_visit=True))
    ['size:1000:browser', 'size:100000:browser', 'naive:2000', 'extract:20', 'first-visit:']
    """
    flag = ":browser" if args.browser else ""
    jobs = [f"size:{int(s)}{flag}" for s in args.sizes.split(",") if s.strip()]
    jobs += ["naive:2000", f"extract:{args.articles}"]
    return jobs + (["first-visit:"] if args.first_visit else [])


def run_job(job: str) -> dict:
    kind, _, value = job.partition(":")
    if kind == "size":
        n, _, flag = value.partition(":")
        return one_size(int(n), browser=flag == "browser")
    return {"naive": lambda: naive(int(value)), "extract": lambda: extraction(int(value)),
            "first-visit": first_visit_line}[kind]()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--articles", type=int, default=2000, help="articles for the extraction line")
    ap.add_argument("--browser", action="store_true",
                    help="per size, also the map page in headless Chromium: this design, the previous one "
                         "(previous_*) and st.pydeck_chart with every point (pydeck_*); benchmarks/browserbench.py")
    ap.add_argument("--first-visit", action="store_true",
                    help="one more line: a fresh clone's first map against a warm visit (benchmarks/first_visit.py)")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.one:
        print(json.dumps(run_job(args.one)), flush=True)
        return
    for job in jobs_for(args):
        proc = subprocess.Popen([sys.executable, __file__, "--one", job], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        try:
            stdout, stderr = proc.communicate(timeout=JOB_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            # SIGINT, not a kill: the job's `finally` blocks stop the servers it started.
            proc.send_signal(signal.SIGINT)
            try:
                proc.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.communicate()
            print(json.dumps({"job": job, "error": f"no result within {JOB_TIMEOUT_S} s"}), flush=True)
            continue
        line = stdout.strip().splitlines()[-1] if stdout.strip() else ""
        if proc.returncode != 0 or not line.startswith("{"):
            print(json.dumps({"job": job, "error": stderr.strip().splitlines()[-1:]}), flush=True)
        else:
            print(line, flush=True)


if __name__ == "__main__":
    main()
