"""Many analysts at once: real Streamlit websocket sessions changing filters against 1 or 2 servers.

    python benchmarks/load.py --clients 20 --seconds 30 --servers 2 [--db sqlite|pg|URL] [--think 2]

Starts the servers itself (``scripts/serve_replicas.py``: N Streamlit processes on
loopback sharing one database, with nginx in front when N > 1), opens ``--clients``
websocket sessions (the protocol the browser speaks; no browser) and has each change
one filter (a new URL query) every ``--think`` seconds, timing the round trip until
the server says the script finished. With several servers the clients go through
nginx and, like browsers, keep the routing cookie it sets, so nginx spreads them as
it spreads browsers (``--route direct``: round-robin straight to the replicas
instead). The health endpoint is polled alongside. Prints one JSON line:
``clients, servers, backend, think_s, p50_s, p95_s, max_s, reruns_per_s,
rss_mb_max`` (+ ``route``, ``health_p95_s``, ``health_max_s``, ``errors``,
``cpu_s_per_server``: each replica's CPU seconds during the run, which shows how the
proxy spread the load, and ``client_cpu_s``: this process's, which shares the
machine). ``--previewing N``: N editors meanwhile preview ``--preview-mb`` MB pasted
articles on the Ingest page back to back (``benchmarks/preview_memory.py``), so the
filter clients' times show what a large preview costs everyone else. Bounded: at most 200 clients and 600 seconds,
127.0.0.1 only. ``--db sqlite`` (default) is a new temporary SQLite file, ``--db pg``
a throwaway local PostgreSQL cluster; either is seeded from seeds/ and data/curated/.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks"), str(ROOT / "scripts")]

from serve_replicas import Replicas  # noqa: E402
from stclient import connect  # noqa: E402

MAX_CLIENTS, MAX_SECONDS = 200, 600
COUNTRIES = ["KAZ", "KGZ", "TJK", "TKM", "UZB"]
TYPES = ["diplomacy", "security", "finance", "energy", "infrastructure", "trade", "sanctions"]


def filter_queries(rng: random.Random):
    """An endless walk of filter changes, each differing from the last in one filter."""
    state = {"country": None, "type": None, "since": None}
    while True:
        key = rng.choice(list(state))
        if key == "country":
            state[key] = rng.choice([None] + COUNTRIES)
        elif key == "type":
            state[key] = rng.choice([None] + TYPES)
        else:
            state[key] = rng.choice([None, "2010-01-01", "2018-01-01", "2022-01-01"])
        yield "&".join(f"{k}={v}" for k, v in state.items() if v)


def percentile(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))] if xs else float("nan")


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (``/proc/PID/stat`` fields 14 and 15)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return 0.0


async def client(i: int, base: str, think_s: float, until: float, out: list[float], errors: list[str]) -> None:
    rng = random.Random(i)
    queries = filter_queries(rng)
    try:
        async with connect(base) as s:
            await s.run("", timeout_s=120)  # the page's first view: not a filter change
            await asyncio.sleep(rng.uniform(0, think_s))  # spread the clients over the think time
            while time.monotonic() < until:
                started = time.monotonic()
                run = await s.run(next(queries), timeout_s=120)
                if run.exceptions:
                    errors.append(run.exceptions[0])
                out.append(run.seconds)
                await asyncio.sleep(max(0.0, think_s - (time.monotonic() - started)))
    except Exception as exc:  # a failed session is counted, not fatal to the run
        errors.append(f"client {i}: {type(exc).__name__}: {exc}")


async def watch(pids: list[int], ports: list[int], until: float, rss: list[float], health: list[float]) -> None:
    loop = asyncio.get_running_loop()

    def probe(port: int) -> float:
        t = time.monotonic()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=30):
            return time.monotonic() - t

    while time.monotonic() < until:
        rss.extend(rss_mb(p) for p in pids)
        for port in ports:
            try:
                health.append(await loop.run_in_executor(None, probe, port))
            except OSError:
                health.append(float("inf"))
        await asyncio.sleep(0.5)


async def previewer(i: int, base: str, mb: float, until: float, out: list[float], errors: list[str]) -> None:
    """An editor on the Ingest page previewing ``mb`` MB texts back to back until ``until``."""
    from preview_memory import big_text, open_ingest, preview_once

    try:
        async with connect(base, page="Ingest") as s:
            ids = await open_ingest(s)
            n = 0
            while time.monotonic() < until:
                out.append(await preview_once(s, ids, big_text(mb, 1000 * i + n)))
                n += 1
    except Exception as exc:  # counted, not fatal to the run
        errors.append(f"previewer {i}: {type(exc).__name__}: {exc}")


async def drive(urls: list[str], ports: list[int], pids: list[int], clients: int, seconds: float,
                think_s: float, proxy_url: str | None = None, previewing: int = 0, preview_mb: float = 5.0) -> dict:
    times: list[float] = []
    errors: list[str] = []
    rss: list[float] = []
    health: list[float] = []
    until = time.monotonic() + seconds
    t0 = time.monotonic()
    cpu0, own0 = [cpu_seconds(p) for p in pids], time.process_time()
    bases = [proxy_url] if proxy_url else urls
    tasks = [client(i, bases[i % len(bases)], think_s, until, times, errors) for i in range(clients)]
    previews: list[float] = []
    tasks += [previewer(i, bases[i % len(bases)], preview_mb, until, previews, errors) for i in range(previewing)]
    await asyncio.gather(watch(pids, ports, until, rss, health), *tasks)
    elapsed = time.monotonic() - t0
    return {
        "cpu_s_per_server": [round(cpu_seconds(p) - c, 1) for p, c in zip(pids, cpu0)],
        "client_cpu_s": round(time.process_time() - own0, 1),
        "p50_s": round(statistics.median(times), 3) if times else None,
        "p95_s": round(percentile(times, 0.95), 3) if times else None,
        "max_s": round(max(times), 3) if times else None,
        "reruns": len(times), "reruns_per_s": round(len(times) / elapsed, 2),
        "rss_mb_max": round(max(rss), 1) if rss else None,
        "health_p95_s": round(percentile(health, 0.95), 3) if health else None,
        "health_max_s": round(max(health), 3) if health else None,
        "errors": len(errors), "first_error": errors[0] if errors else None,
        **({"previewing": previewing, "preview_mb": preview_mb, "previews": len(previews),
            "preview_s_max": round(max(previews), 1) if previews else None} if previewing else {}),
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                epilog="example: python benchmarks/load.py --clients 20 --seconds 30 --servers 2 --db pg")
    p.add_argument("--clients", type=int, default=20)
    p.add_argument("--seconds", type=float, default=30)
    p.add_argument("--servers", type=int, choices=[1, 2, 3, 4], default=1)
    p.add_argument("--db", default="sqlite", help="sqlite (temporary file), pg (throwaway cluster) or a URL")
    p.add_argument("--think", type=float, default=2.0, help="seconds between one client's filter changes")
    p.add_argument("--route", choices=["proxy", "direct"], default=None,
                   help="proxy: through nginx, sticky by its cookie (default with 2+ servers); "
                        "direct: round-robin to the replicas' own ports (default with 1)")
    p.add_argument("--previewing", type=int, default=0,
                   help="editors previewing large pasted articles on the Ingest page meanwhile (default 0)")
    p.add_argument("--preview-mb", type=float, default=5.0, help="size of each previewed text in MB (default 5)")
    args = p.parse_args(argv)
    if args.previewing:
        from preview_memory import PASSWORD

        os.environ["ATLAS_EDITOR_PASSWORD"] = PASSWORD  # the servers started below inherit it
    route = args.route or ("proxy" if args.servers > 1 else "direct")
    if not (1 <= args.clients <= MAX_CLIENTS and 0 < args.seconds <= MAX_SECONDS):
        p.error(f"--clients 1..{MAX_CLIENTS}, --seconds up to {MAX_SECONDS}")
    cluster = None
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if db == "sqlite":
            db = str(Path(tmp) / "atlas.sqlite")
        elif db == "pg":
            from atlas.db.devdb import Cluster

            cluster = Cluster.start(durable=True)
            db = cluster.create_database("atlas")
        backend = "postgresql" if db.startswith("postgresql") else "sqlite"
        try:
            with Replicas(args.servers, db, proxy=route == "proxy") as r:
                result = asyncio.run(drive(r.urls, r.ports, [pr.pid for pr in r.procs], args.clients,
                                           args.seconds, args.think, r.proxy_url, args.previewing,
                                           args.preview_mb))
        finally:
            if cluster:
                cluster.stop()
    print(json.dumps({"clients": args.clients, "servers": args.servers, "backend": backend,
                      "think_s": args.think, "route": route, **result}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
