"""Issue 13 item 2 against a real `streamlit run` on 127.0.0.1: anonymous sessions cannot upload.

A websocket client opens a real session (as a browser would) to learn its id, then PUTs
to Streamlit's upload endpoint the way the attacker in the issue did. Before the guard
each 5 MB PUT was accepted and kept in server memory.
"""
from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from atlas.store import Store
from tests.browser.conftest import _free_port, _wait_healthy, stop_server
from tests.dash_data import fill_store
from ui.upload_guard import MSG_REFUSED

ROOT = Path(__file__).resolve().parents[1]
MB = 1024 * 1024


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("server")
    db = tmp / "atlas.sqlite"
    store = Store(db)
    fill_store(store)
    store.dispose()
    port = _free_port()
    log = tmp / "streamlit.log"
    env = {**os.environ, "ATLAS_DB": str(db), "ATLAS_EDITOR_PASSWORD": "a long enough editor password"}
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"), "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_healthy(proc, f"http://127.0.0.1:{port}/_stcore/health", log)
        yield port, proc
    finally:
        stop_server(proc)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def xsrf_cookie(port: int) -> str:
    """The XSRF cookie any visitor gets (the health endpoint sets it), so the attacker has it too."""
    import urllib.request

    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=30) as r:
        for header in r.headers.get_all("Set-Cookie") or []:
            if header.startswith("_streamlit_xsrf="):
                return header.split(";", 1)[0].split("=", 1)[1]
    return ""


def put(port: int, session_id: str, size: int, xsrf: str, *, send_body: bool = True) -> tuple[int, bytes]:
    """PUT a one-file multipart body of ``size`` bytes; return (status, body). Stops sending if refused."""
    boundary = "atlasboundary"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.txt\"\r\n"
            "Content-Type: text/plain\r\n\r\n").encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    length = len(head) + size + len(tail)
    request = (f"PUT /_stcore/upload_file/{session_id}/file-{size} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
               f"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {length}\r\n"
               f"X-Xsrftoken: {xsrf}\r\nCookie: _streamlit_xsrf={xsrf}\r\nConnection: close\r\n\r\n").encode()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(request + head)
        try:
            if send_body:
                chunk = b"x" * (256 * 1024)
                for _ in range(size // len(chunk)):
                    s.sendall(chunk)
                s.sendall(b"x" * (size % len(chunk)) + tail)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed before the body was sent: what the guard does
        data = b""
        try:
            while chunk := s.recv(65536):
                data += chunk
        except ConnectionResetError:
            pass
    status_line, _, rest = data.partition(b"\r\n")
    return int(status_line.split()[1]), rest.partition(b"\r\n\r\n")[2]


async def _with_session(port: int, action):
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    async with websockets.connect(f"ws://127.0.0.1:{port}/_stcore/stream", subprotocols=["streamlit"],
                                  max_size=None, origin=f"http://127.0.0.1:{port}") as ws:
        back = BackMsg()
        back.rerun_script.query_string = ""
        await ws.send(back.SerializeToString())
        session_id = None
        while True:  # until the first run of the page has finished (it installs the guard)
            msg = ForwardMsg()
            msg.ParseFromString(await asyncio.wait_for(ws.recv(), 120))
            if msg.HasField("new_session"):
                session_id = msg.new_session.initialize.session_id
            if msg.HasField("script_finished"):
                break
        return await asyncio.to_thread(action, session_id)


def test_anonymous_session_cannot_upload_and_memory_stays_flat(server):
    port, proc = server
    xsrf = xsrf_cookie(port)

    def attack(session_id: str):
        before = rss_mb(proc.pid)
        results = [put(port, session_id, 5 * MB, xsrf) for _ in range(30)]  # 150 MB, as in the issue
        return before, results, rss_mb(proc.pid)

    before, results, after = asyncio.run(_with_session(port, attack))
    assert {status for status, _ in results} == {403}, results[:2]
    assert results[0][1] == MSG_REFUSED
    assert after - before < 40, f"server memory grew {after - before:.0f} MB"


def test_refused_before_the_body_is_read(server):
    """Headers promise 5 MB, only the first part is sent: the answer comes without waiting for the rest."""
    port, _ = server
    xsrf = xsrf_cookie(port)
    status, body = asyncio.run(_with_session(port, lambda sid: put(port, sid, 5 * MB, xsrf, send_body=False)))
    assert (status, body) == (403, MSG_REFUSED)


def test_guard_lets_an_editor_session_through_and_nobody_else():
    from ui import upload_guard

    calls = []

    async def app(scope, receive, send):
        calls.append(scope["path_params"]["session_id"])

    sent = []

    async def send(message):
        sent.append(message)

    guarded = upload_guard.guard(app)
    scope = {"type": "http", "method": "PUT", "path_params": {"session_id": "editor-1", "file_id": "f"}}
    upload_guard.set_editor("editor-1", True)
    try:
        asyncio.run(guarded(scope, None, send))
        assert calls == ["editor-1"] and sent == []
        upload_guard.set_editor("editor-1", False)  # logged out (or wrong password on a later run)
        asyncio.run(guarded(scope, None, send))
        assert calls == ["editor-1"] and sent[0]["status"] == 403
    finally:
        upload_guard.set_editor("editor-1", False)
