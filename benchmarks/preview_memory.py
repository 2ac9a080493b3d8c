"""Memory of a real Streamlit server after N large Ingest previews (one editor session).

    python benchmarks/preview_memory.py [--previews 3] [--mb 5] [--db sqlite]

Starts one server (``scripts/serve_replicas.py``) with a throwaway editor password and a
new SQLite store seeded as usual, logs in over the websocket protocol the browser speaks
(``benchmarks/stclient.py``), then pastes ``--previews`` different texts of ``--mb`` MB
(the fixture articles of tests/fixtures/articles repeated, each copy numbered so no two
previews are alike) and presses Preview for each. After every preview, and once more after
the session cleared its text and went to another page, it reads the server's resident
memory (VmRSS; the extraction worker is a separate process, reported on its own).
Prints one JSON line: ``rss_mb_start``, ``rss_mb_after`` (one value per preview),
``rss_mb_cleared``, ``worker_rss_mb``, ``preview_s`` (seconds per preview). Loopback only.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks"), str(ROOT / "scripts")]

from load import rss_mb  # noqa: E402
from serve_replicas import Replicas  # noqa: E402
from stclient import connect  # noqa: E402

PASSWORD = "preview-benchmark-password"  # a throwaway secret for this run's server only
FIXTURES = ["en_uzb_afg_railway", "en_kgz_bank_sanctions", "en_kaz_eu_raw_materials"]


def big_text(mb: float, n: int) -> str:
    """About ``mb`` MB of English fixture text, its copies numbered with ``n`` (distinct texts)."""
    base = "\n".join((ROOT / "tests" / "fixtures" / "articles" / f"{f}.txt").read_text(encoding="utf-8")
                     for f in FIXTURES)
    copies = max(1, int(mb * 1_000_000 // (len(base) + 40)))
    return "\n".join(f"Preview {n}, part {i}.\n{base}" for i in range(copies))


def children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return out


async def open_ingest(s) -> tuple[dict[str, str], str, str]:
    """Log a session in on the Ingest page: (credentials by widget id, text area id, Preview id)."""
    first = await s.run(timeout_s=120)
    creds = {first.widget_id("text_input", "Editor name"): "Benchmark",
             first.widget_id("text_input", "Editor password"): PASSWORD}
    page = await s.run(strings=creds, timeout_s=120)
    return creds, page.widget_id("text_area", "Article text (paste)"), page.widget_id("button", "Preview")


async def preview_once(s, ids: tuple[dict[str, str], str, str], text: str) -> float:
    """Paste ``text`` (a rerun, as in the browser) and press Preview; seconds the preview took."""
    creds, text_id, preview_id = ids
    fields = {**creds, text_id: text}
    await s.run(strings=fields, timeout_s=300)
    run = await s.run(strings=fields, click=preview_id, timeout_s=300)
    if run.exceptions:
        raise RuntimeError(run.exceptions[0])
    return run.seconds


async def drive(base: str, pid: int, previews: int, mb: float) -> dict:
    result: dict = {"rss_mb_start": round(rss_mb(pid), 1), "rss_mb_after": [], "preview_s": []}
    async with connect(base, page="Ingest") as s:
        ids = await open_ingest(s)
        for n in range(previews):
            result["preview_s"].append(round(await preview_once(s, ids, big_text(mb, n)), 1))
            result["rss_mb_after"].append(round(rss_mb(pid), 1))
        await s.run(strings={**ids[0], ids[1]: ""}, timeout_s=120)  # the editor clears the text
    result["rss_mb_cleared"] = round(rss_mb(pid), 1)
    result["worker_rss_mb"] = [round(rss_mb(c), 1) for c in children(pid)]
    return result


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                epilog="example: python benchmarks/preview_memory.py --previews 3 --mb 5")
    p.add_argument("--previews", type=int, default=3)
    p.add_argument("--mb", type=float, default=5.0, help="size of each pasted text in MB (at most 4.9: the 5 MB limit)")
    args = p.parse_args(argv)
    if not (1 <= args.previews <= 10 and 0 < args.mb <= 5):
        p.error("--previews 1..10, --mb up to 5")
    os.environ["ATLAS_EDITOR_PASSWORD"] = PASSWORD
    with tempfile.TemporaryDirectory() as tmp, \
            Replicas(1, str(Path(tmp) / "atlas.sqlite"), proxy=False, page="dashboard.py") as r:
        result = asyncio.run(drive(r.urls[0], r.procs[0].pid, args.previews, args.mb))
    print(json.dumps({"previews": args.previews, "mb": args.mb, **result}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
