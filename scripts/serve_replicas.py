"""Run N Streamlit replicas of the atlas behind nginx, sharing one database (loopback only).

    python scripts/serve_replicas.py --replicas 2 --db postgresql+psycopg://atlas@127.0.0.1:5432/atlas
    python scripts/serve_replicas.py --replicas 2 --db pg        # a throwaway local PostgreSQL cluster

Replica i listens on 127.0.0.1:(BASE+i); nginx (Debian's ``nginx`` or ``nginx-light``)
listens on 127.0.0.1:PORT and keeps each browser on one replica (new browsers
round-robin, then a cookie naming the replica; websocket upgrade headers passed,
long read timeout): a Streamlit session lives in one process's memory, so its
websocket and its uploads must reach that process. Not ``ip_hash``: it keys IPv4
clients on their first three octets, which puts a whole office network (or every
loopback client of ``benchmarks/load.py``) on one replica, and any address hash
puts everyone behind one NAT on one replica. Every
replica keys its caches on the store version that triggers keep in the database,
so a write through one replica shows in the others on their next rerun.
Ctrl-C stops everything this script started. Without nginx (``--no-proxy``)
the replicas are reachable on their own ports.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from atlas.db.devdb import free_port  # noqa: E402

ROUTE_COOKIE = "atlas_replica"  # nginx's sticky-routing cookie (see NGINX_CONF)
NGINX_CONF = """\
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  # Which replica served each request, by routing cookie: {prefix}/access.log.
  log_format replica '$remote_addr "$cookie_{cookie}" $upstream_addr "$request" $status';
  access_log {prefix}/access.log replica;
  client_body_temp_path {prefix}/body;
  proxy_temp_path {prefix}/proxy;
  fastcgi_temp_path {prefix}/fastcgi;
  uwsgi_temp_path {prefix}/uwsgi;
  scgi_temp_path {prefix}/scgi;
  map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
  # Sticky by browser, and balanced: a browser's first request goes round-robin to a replica,
  # and the response sets a cookie naming it (r0, r1, ...). Later requests carrying the cookie
  # (the page's websocket, its uploads and downloads) go to that replica, where the session
  # lives; if it is down, another serves and the cookie moves the browser there. Not by
  # client address: ip_hash keys IPv4 on three octets, and any address hash puts a whole
  # newsroom behind one NAT on one replica.
  upstream atlas {{
{servers}
  }}
{named_upstreams}
  map $cookie_{cookie} $replica_pool {{
    default atlas;
{pool_map}
  }}
  map $upstream_addr $replica_name {{
    default "";
{name_map}
  }}
  # Set the cookie only when it does not already name the replica that answered.
  map "$cookie_{cookie}:$replica_name" $replica_cookie {{
    default "{cookie}=$replica_name; Path=/; HttpOnly; SameSite=Lax";
    ~:$ "";
{same_map}
  }}
  server {{
    listen 127.0.0.1:{port};
    client_max_body_size 8m;
    location / {{
      add_header Set-Cookie $replica_cookie always;  # an empty value sends no header
      proxy_pass http://$replica_pool;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header Host $host;
      proxy_read_timeout 86400s;
      proxy_buffering off;
    }}
  }}
}}
"""


def nginx_config(ports: list[int], listen: int, prefix: Path) -> str:
    """nginx in front of replicas ``ports`` (replica i is named ``r{i}`` in the routing cookie)."""
    addrs = [f"127.0.0.1:{p}" for p in ports]
    named = "\n".join(
        f"  upstream atlas_r{i} {{ server {addr}; "
        + "".join(f"server {other} backup; " for other in addrs if other != addr) + "}"
        for i, addr in enumerate(addrs))
    return NGINX_CONF.format(
        prefix=prefix, port=listen, cookie=ROUTE_COOKIE, named_upstreams=named,
        servers="\n".join(f"    server {addr};" for addr in addrs),
        pool_map="\n".join(f"    r{i} atlas_r{i};" for i in range(len(addrs))),
        # The last address tried: "A, B" when A failed and B answered.
        name_map="\n".join(f"    ~(^|\\s){re.escape(addr)}$ r{i};" for i, addr in enumerate(addrs)),
        same_map="\n".join(f'    "r{i}:r{i}" "";' for i in range(len(addrs))))


class NginxMissing(RuntimeError):
    """The proxy in front of the replicas is Debian's nginx."""


def nginx_binary() -> str:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        raise NginxMissing("nginx not found: apt-get install nginx (or run with --no-proxy)")
    return nginx


def start_nginx(ports: list[int], prefix: Path) -> tuple[subprocess.Popen, int]:
    """nginx in the foreground on a free loopback port in front of ``ports``; (process, port)."""
    nginx = nginx_binary()
    port = free_port()
    conf = prefix / "nginx.conf"
    conf.write_text(nginx_config(ports, port, prefix))
    proc = subprocess.Popen([nginx, "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"],
                            stdout=(prefix / "nginx.out").open("wb"), stderr=subprocess.STDOUT,
                            start_new_session=True)
    return proc, port


def start_replica(port: int, db: str, log: Path, page: str = "dashboard.py") -> subprocess.Popen:
    env = dict(os.environ, ATLAS_DB=db)
    return subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", page, "--server.port", str(port), "--server.address",
         "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True)


def wait_healthy(port: int, proc: subprocess.Popen | None = None, timeout_s: float = 90.0) -> None:
    """Poll the health endpoint (a launcher's wait for a real server to come up, not a test sleep)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"replica on port {port} exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.25)
    raise TimeoutError(f"replica on port {port} not healthy after {timeout_s} s")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


class Replicas:
    """N replicas (and nginx in front, unless ``proxy=False``); ``close()`` stops all of them."""

    def __init__(self, n: int, db: str, *, proxy: bool = True, page: str = "dashboard.py"):
        self.dir = Path(tempfile.mkdtemp(prefix="atlas-replicas-"))
        self.ports = [free_port() for _ in range(n)]
        self.procs: list[subprocess.Popen] = []
        self.nginx: subprocess.Popen | None = None
        self.port: int | None = None
        try:
            # The first replica migrates and seeds an empty database alone; the others then find it ready.
            for i, port in enumerate(self.ports):
                self.procs.append(start_replica(port, db, self.dir / f"replica{i}.log", page))
                if i == 0:
                    wait_healthy(port, self.procs[0])
                    _warm(port)
            for port, proc in zip(self.ports, self.procs):
                wait_healthy(port, proc)
            if proxy:
                self._start_nginx()
        except BaseException:
            self.close()
            raise

    def _start_nginx(self) -> None:
        self.nginx, self.port = start_nginx(self.ports, self.dir)
        wait_healthy(self.port, self.nginx)

    @property
    def urls(self) -> list[str]:
        return [f"http://127.0.0.1:{p}" for p in self.ports]

    @property
    def proxy_url(self) -> str | None:
        return f"http://127.0.0.1:{self.port}" if self.port else None

    def close(self) -> None:
        for p in ([self.nginx] if self.nginx else []) + self.procs:
            stop(p)
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> "Replicas":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _warm(port: int) -> None:
    """One page view, so the first replica seeds a new database before the others start."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from stclient import connect, run_sync

    async def once() -> None:
        async with connect(f"http://127.0.0.1:{port}") as s:
            await s.run("", timeout_s=300)

    run_sync(once())


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                epilog="example: python scripts/serve_replicas.py --replicas 2 --db pg")
    p.add_argument("--replicas", type=int, default=2)
    p.add_argument("--db", required=True, help="an SQLAlchemy URL or SQLite path shared by all; 'pg' = throwaway cluster")
    p.add_argument("--no-proxy", action="store_true", help="no nginx: use the replicas' own ports")
    args = p.parse_args(argv)
    cluster = None
    db = args.db
    if db == "pg":
        from atlas.db.devdb import Cluster

        cluster = Cluster.start(durable=True)
        db = cluster.create_database("atlas")
    try:
        with Replicas(args.replicas, db, proxy=not args.no_proxy) as r:
            print(f"replicas: {' '.join(r.urls)}")
            if r.port:
                print(f"open http://127.0.0.1:{r.port} (nginx, sticky sessions); Ctrl-C stops everything")
            signal.sigwait({signal.SIGINT, signal.SIGTERM})
    finally:
        if cluster:
            cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
