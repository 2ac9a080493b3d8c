"""A fresh clone's first visitor against a later one: seconds until the map is drawn.

Copies the repository's tracked files as they are in the working tree (``git ls-files``;
copied, so uncommitted edits count) into a temporary folder with no ``data/atlas.sqlite``
and no ``static/vendor``, starts ``streamlit run dashboard.py`` there with ``ATLAS_DB``
unset (so the app builds its store from the shipped seeds, curated files and datasets,
as on a fresh machine), and times in headless Chromium:

- ``server_ready_s``: from starting the server until ``/_stcore/health`` answers;
- ``fresh_first_map_s``: the first visit to ``/`` until the map is drawn (the app builds
  its store during this visit);
- ``warm_map_s``: a second visit in a new browser context (a new session, warm server);
- ``third_map_s`` (with ``--visits 3``): one more warm visit, to show the noise;
- ``server_cpu_first_s``, ``server_cpu_warm_s``: CPU seconds the server's process group
  (the server and its extraction worker) used during the first and the warm visit, which
  other work on a shared machine changes far less than the wall-clock times.

"Map drawn": inside the ``streamlit_folium`` frame, ``window.atlasPointsState.state ===
'ready'`` when the page exposes that object, else at least one ``.leaflet-marker-icon``.
The browser is started before the server, so its start-up is not counted and gives the
server no head start. The temporary folder and the server's process group are removed
afterwards.

    python benchmarks/first_visit.py            # one JSON line
    python benchmarks/first_visit.py --visits 3
    python benchmarks/first_visit.py --root ../main   # another checkout, e.g. before a change
    python benchmarks/first_visit.py --repeat 3       # medians of three fresh starts
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "scripts")]

from serve_replicas import free_port, stop, wait_healthy  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
LEFT_OUT = ("data/atlas.sqlite", "static/vendor/")  # what a fresh clone does not have
MAP_DRAWN = """() => {
  const s = window.atlasPointsState;
  if (s) return s.state === 'ready';
  return document.querySelectorAll('.leaflet-marker-icon').length > 0;
}"""
TIMEOUT_MS = 120_000


def copy_tracked(dest: Path, root: Path = ROOT) -> int:
    """Copy the working-tree state of every tracked file under ``root`` to ``dest``; the count."""
    names = subprocess.run(["git", "ls-files", "-z"], cwd=root, check=True, capture_output=True).stdout
    copied = 0
    for name in names.decode().split("\0"):
        if not name or name.startswith(LEFT_OUT):
            continue
        src = root / name
        if not src.is_file():  # deleted in the working tree: a clone of it would not have it either
            continue
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, target)
        copied += 1
    return copied


def group_cpu_s(pgid: int) -> float:
    """CPU seconds (user + system) used so far by the live processes of one process group
    (the server and its extraction worker): a measure the other load on the machine barely moves."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        if int(fields[2]) == pgid:  # fields after the name: state, ppid, pgrp, ..., utime (12), stime (13)
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def visit(browser, port: int) -> float:
    """Seconds from opening ``/`` in a new context until the map is drawn."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        t = time.perf_counter()
        page.goto(f"http://127.0.0.1:{port}/")
        page.frame_locator("iframe[src*='streamlit_folium']").locator(".leaflet-container").wait_for(
            timeout=TIMEOUT_MS)
        frame = next(f for f in page.frames if "streamlit_folium" in f.url)
        frame.wait_for_function(MAP_DRAWN, timeout=TIMEOUT_MS, polling=50)
        return round(time.perf_counter() - t, 2)
    finally:
        context.close()


def first_visit(python: str = sys.executable, visits: int = 2, root: Path = ROOT) -> dict:
    """Time a fresh copy's first map and the warm ones after it (see the module doc)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise FileNotFoundError(f"{CHROMIUM}: Chromium is needed for this benchmark")
    work = Path(tempfile.mkdtemp(prefix="atlas-first-visit-"))
    proc = None
    try:
        files = copy_tracked(work, root)
        env = {k: v for k, v in os.environ.items() if k != "ATLAS_DB"}
        port = free_port()
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            try:
                t0 = time.perf_counter()
                proc = subprocess.Popen(
                    [python, "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true",
                     "--server.port", str(port), "--server.address", "127.0.0.1"],
                    cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                    start_new_session=True)
                wait_healthy(port, proc, timeout_s=120)
                ready = time.perf_counter() - t0
                times, cpu = [], []
                for _ in range(max(2, visits)):
                    before = group_cpu_s(proc.pid)
                    times.append(visit(browser, port))
                    cpu.append(round(group_cpu_s(proc.pid) - before, 2))
            finally:
                browser.close()
        out = {"fresh_first_map_s": times[0], "warm_map_s": times[1],
               "ratio": round(times[0] / times[1], 2), "server_ready_s": round(ready, 2),
               "fresh_total_s": round(ready + times[0], 2), "server_cpu_first_s": cpu[0],
               "server_cpu_warm_s": cpu[1], "files_copied": files,
               "store_built": (work / "data" / "atlas.sqlite").exists()}
        if len(times) > 2:
            out["third_map_s"] = times[2]
        return out
    finally:
        if proc is not None:
            stop(proc)  # the server's whole process group (its extraction worker too)
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 epilog="example: python benchmarks/first_visit.py --visits 3")
    ap.add_argument("--python", default=sys.executable, help="the interpreter that runs streamlit")
    ap.add_argument("--visits", type=int, default=2, help="visits in all (2: first and warm; 3 adds one)")
    ap.add_argument("--root", type=Path, default=ROOT,
                    help="the git checkout to copy (default: this one; another, to compare versions in one run)")
    ap.add_argument("--repeat", type=int, default=1,
                    help="fresh copies in turn; the line then gives medians and every run's pair")
    args = ap.parse_args(argv)
    runs = [first_visit(args.python, args.visits, args.root) for _ in range(max(1, args.repeat))]
    print(json.dumps(runs[0] if len(runs) == 1 else summary(runs)))


def summary(runs: list[dict]) -> dict:
    """Medians over several fresh starts (the machine is shared: single runs vary by seconds)."""
    keys = ("fresh_first_map_s", "warm_map_s", "ratio", "server_ready_s", "fresh_total_s", "server_cpu_first_s",
            "server_cpu_warm_s")
    out = {k: round(statistics.median(r[k] for r in runs), 2) for k in keys}
    out["runs"] = [[r["fresh_first_map_s"], r["warm_map_s"]] for r in runs]
    return out


if __name__ == "__main__":
    main()
