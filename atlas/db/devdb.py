"""A throwaway local PostgreSQL cluster for tests, benchmarks and the replica demo.

``initdb`` in a temporary folder, ``postgres`` on a free loopback port, no system
service and no socket outside that folder. PostgreSQL refuses to run as root, so
under root the server runs as an unprivileged user (``nobody`` unless
``ATLAS_PG_USER`` names another) through ``runuser``. Never used by the app itself.

    with Cluster.start() as pg:
        url = pg.create_database("atlas")   # postgresql+psycopg://atlas@127.0.0.1:PORT/atlas
"""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from ..core.errors import AtlasError

PG_BIN_GLOB = "/usr/lib/postgresql/*/bin"
SUPERUSER = "atlas"
START_TIMEOUT_S = 60


class NoPostgres(AtlasError):
    """No PostgreSQL server binaries on this machine (Debian package ``postgresql``)."""


def find_bin_dir() -> Path:
    """The folder holding ``initdb`` and ``pg_ctl``: $ATLAS_PG_BIN, PATH, or Debian's versioned folder."""
    env = os.environ.get("ATLAS_PG_BIN")
    candidates = [Path(env)] if env else []
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).parent)
    candidates += [Path(p) for p in sorted(glob.glob(PG_BIN_GLOB), reverse=True)]
    for c in candidates:
        if (c / "initdb").is_file() and (c / "pg_ctl").is_file():
            return c
    raise NoPostgres("no PostgreSQL server binaries (initdb, pg_ctl) found: "
                     "apt-get install postgresql, or set ATLAS_PG_BIN")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_server_user(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", os.environ.get("ATLAS_PG_USER", "nobody"), "--", *cmd]


class Cluster:
    """One running throwaway cluster; ``stop()`` ends it and deletes its folder."""

    def __init__(self, root: Path, port: int, bin_dir: Path):
        self.root, self.port, self.bin_dir = root, port, bin_dir
        self.data = root / "data"
        self.opts = ""  # server options (port, loopback only, …), kept for resume()

    @classmethod
    def start(cls, *, durable: bool = False) -> "Cluster":
        """A new cluster. ``durable=False`` (tests) turns fsync off: fast, and fine for data thrown away."""
        bin_dir = find_bin_dir()
        root = Path(tempfile.mkdtemp(prefix="atlas-pg-"))
        if os.geteuid() == 0:  # the server user must own its folder
            user = os.environ.get("ATLAS_PG_USER", "nobody")
            shutil.chown(root, user=user)
            root.chmod(0o700)
        self = cls(root, free_port(), bin_dir)
        run = dict(check=True, capture_output=True, text=True, cwd="/")
        try:
            subprocess.run(_as_server_user([str(bin_dir / "initdb"), "-D", str(self.data), "-U", SUPERUSER,
                                            "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8"]), **run)
            opts = [f"-p {self.port}", "-c listen_addresses=127.0.0.1", f"-k {root}",
                    "-c max_connections=200", "-c shared_buffers=64MB"]
            if not durable:
                opts += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
            self.opts = " ".join(opts)
            self.resume()
        except subprocess.CalledProcessError as exc:
            log = (root / "server.log").read_text(errors="replace")[-2000:] if (root / "server.log").exists() else ""
            shutil.rmtree(root, ignore_errors=True)
            raise NoPostgres(f"could not start PostgreSQL from {bin_dir}: {exc.stderr.strip()} {log}") from None
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user=SUPERUSER, dbname="postgres",
                             autocommit=True) as conn:
            conn.execute(sql)

    def create_database(self, name: str) -> str:
        """A new empty database; its SQLAlchemy URL."""
        self._admin(f'CREATE DATABASE "{name}" TEMPLATE template0')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def pause(self) -> None:
        """Stop the server, keeping its data (fault tests: "the database is down")."""
        subprocess.run(_as_server_user([str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "fast",
                                        "-w", "stop"]), capture_output=True, cwd="/")

    def resume(self) -> None:
        """Start the paused server again on the same port."""
        subprocess.run(_as_server_user([str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-l",
                                        str(self.root / "server.log"), "-o", self.opts, "-w",
                                        "-t", str(START_TIMEOUT_S), "start"]), check=True, capture_output=True,
                       text=True, cwd="/")

    def stop(self) -> None:
        self.pause()
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> "Cluster":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def wait_until_ready(url: str, timeout_s: float = 30.0) -> None:
    """Block until the server at ``url`` accepts connections (for launchers, not tests)."""
    deadline = time.monotonic() + timeout_s
    engine = sa.create_engine(url)
    try:
        while True:
            try:
                with engine.connect():
                    return
            except sa.exc.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
    finally:
        engine.dispose()
