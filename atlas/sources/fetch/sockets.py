"""Connections for :mod:`atlas.sources.fetch.http`: pinned to a checked address, and a request watchdog."""
from __future__ import annotations

import http.client
import socket
import threading


class Watchdog:
    """Shuts a connection's socket when the request deadline passes.

    A socket timeout bounds each recv, not a response: a server sending one byte every
    few seconds never trips it. Shutting the socket down from another thread wakes the
    blocked read at once, whatever http.client is in the middle of.
    """

    def __init__(self, conn: http.client.HTTPConnection, seconds: float):
        self.conn, self.fired = conn, threading.Event()
        self._timer = threading.Timer(max(0.0, seconds), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def _fire(self) -> None:
        self.fired.set()
        sock = self.conn.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed

    def cancel(self) -> None:
        self._timer.cancel()


class Pinned(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, ip: str, **kw):
        super().__init__(host, port, **kw)
        self._ip = ip

    def connect(self) -> None:
        self.sock = socket.create_connection((self._ip, self.port), self.timeout)


class PinnedTLS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, ip: str, **kw):
        super().__init__(host, port, **kw)
        self._ip = ip

    def connect(self) -> None:
        self.sock = sock = socket.create_connection((self._ip, self.port), self.timeout)  # the watchdog can shut it
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)
