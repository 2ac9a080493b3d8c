"""nginx in front of the replicas (``scripts/serve_replicas.py``): sticky per client address, spread across replicas.

Real nginx from Debian, real HTTP servers on loopback standing in for two replicas
(each answers its own name), real connections from different loopback source
addresses standing in for browsers. A Streamlit session lives in one replica's
memory, so one client must always reach the same replica; and many clients must
not all land on one (nginx's ``ip_hash`` keys IPv4 on the first three octets, so it
put every 127.0.0.x client, or a whole office /24, on one replica).
"""
from __future__ import annotations

import http.client
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from serve_replicas import start_nginx, stop, wait_healthy  # noqa: E402

CLIENTS = [f"127.0.0.{i}" for i in range(2, 22)]


def _named_server(name: str) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            body = name.encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def proxied(nginx_bin, tmp_path):
    """(nginx port, {backend port: name}) for two named backends behind the replicas' nginx config."""
    backends = [_named_server("replica-a"), _named_server("replica-b")]
    ports = [b.server_address[1] for b in backends]
    proc, port = start_nginx(ports, tmp_path)
    try:
        wait_healthy(port, proc, timeout_s=30)  # any 200 from a backend
        yield port
    finally:
        stop(proc)
        for b in backends:
            b.shutdown()


def _served_by(port: int, source: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=(source, 0))
    try:
        conn.request("GET", "/_stcore/health")
        return conn.getresponse().read().decode()
    finally:
        conn.close()


def test_one_client_address_always_reaches_the_same_replica(proxied):
    for source in CLIENTS[:5]:
        first = _served_by(proxied, source)
        assert {_served_by(proxied, source) for _ in range(4)} == {first}


def test_clients_on_one_network_are_spread_over_the_replicas(proxied):
    served = [_served_by(proxied, source) for source in CLIENTS]
    # 20 addresses in one /24: ip_hash sent all of them to one replica. With the whole address
    # hashed, each replica getting none of 20 has a chance of about 2 in a million.
    assert set(served) == {"replica-a", "replica-b"}, served
