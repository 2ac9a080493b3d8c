"""Scale benchmark: prints one JSON line per store size, one for the naive map, one for extraction.

    python benchmarks/bench.py --sizes 1000,10000,100000

Each size runs in a fresh subprocess so ``peak_mb`` is that size's own peak. Synthetic
stores are generated at run time in a temporary folder and deleted afterwards.
Numbers only: compare ratios within one run (machines here are shared and noisy).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
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


def one_size(n: int) -> dict:
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
        out.update(browser_first_load(db))
    return out


def browser_first_load(db: Path) -> dict:
    """Wall time from opening the page in headless Chromium until the map has drawn its
    markers, against a real `streamlit run` server (skipped without /usr/bin/chromium)."""
    if not Path("/usr/bin/chromium").exists():
        return {"browser_first_load_s": None}
    import socket
    import urllib.request

    from playwright.sync_api import sync_playwright

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "ATLAS_DB": str(db)}
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"),
                             "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=0.2)
                break
            except OSError:
                try:
                    proc.wait(timeout=0.1)
                except subprocess.TimeoutExpired:
                    pass
        query = "&".join(f"{k}={v}" for k, vs in TYPICAL.items() for v in (vs if isinstance(vs, list) else [vs]))
        with sync_playwright() as pw:
            b = pw.chromium.launch(executable_path="/usr/bin/chromium", args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            timings = []
            for _ in range(2):  # a first visitor (cold caches), then a second one (warm server)
                page = b.new_context(viewport={"width": 1400, "height": 1000}).new_page()
                t = time.perf_counter()
                page.goto(f"http://127.0.0.1:{port}/?{query}")
                page.frame_locator("iframe[src*='streamlit_folium']").locator(".leaflet-container").wait_for(
                    timeout=120000)
                frame = next(f for f in page.frames if "streamlit_folium" in f.url)
                # Markers are drawn on a canvas: wait until the map holds its fact layers.
                frame.wait_for_function("() => window.map && Object.values(window.map._layers)"
                                        ".filter(l => l.feature && l.feature.properties.id).length > 0",
                                        timeout=120000)
                timings.append(round(time.perf_counter() - t, 2))
                page.context.close()
            b.close()
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=30)
    return {"browser_first_load_s": timings[0], "browser_second_visit_s": timings[1]}


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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--articles", type=int, default=2000, help="articles for the extraction line")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        kind, _, value = args.one.partition(":")
        result = {"size": lambda: one_size(int(value)), "naive": lambda: naive(int(value)),
                  "extract": lambda: extraction(int(value))}[kind]()
        print(json.dumps(result), flush=True)
        return
    jobs = [f"size:{int(s)}" for s in args.sizes.split(",") if s.strip()] + ["naive:2000", f"extract:{args.articles}"]
    for job in jobs:
        proc = subprocess.run([sys.executable, __file__, "--one", job], capture_output=True, text=True)
        line = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
        if proc.returncode != 0 or not line.startswith("{"):
            print(json.dumps({"job": job, "error": proc.stderr.strip().splitlines()[-1:] }), flush=True)
        else:
            print(line, flush=True)


if __name__ == "__main__":
    main()
