"""Issue 13 item 2 against a real `streamlit run` on 127.0.0.1: anonymous sessions cannot upload.

A websocket client opens a real session (as a browser would) to learn its id, then PUTs
to Streamlit's upload endpoint the way the attacker in the issue did. Before the guard
each 5 MB PUT was accepted and kept in server memory.
"""
from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from atlas.db.store import Store
from tests.browser.conftest import _free_port, _wait_healthy, stop_server
from tests.dash_data import fill_store
from ui.upload_guard import MSG_REFUSED

ROOT = Path(__file__).resolve().parents[1]
MB = 1024 * 1024


def _run(coro):
    """asyncio.run in a fresh thread: another test in this worker (Playwright's sync API)
    may have left an event loop running in the main thread, where asyncio.run refuses."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def start(root: Path, db: Path, log: Path, *, prefix: tuple[str, ...] = (), **popen) -> tuple[int, subprocess.Popen]:
    port = _free_port()
    env = {**os.environ, "ATLAS_DB": str(db), "ATLAS_EDITOR_PASSWORD": "a long enough editor password",
           **popen.pop("env", {})}
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [*prefix, sys.executable, "-m", "streamlit", "run", str(root / "dashboard.py"), "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, **popen)
    try:
        _wait_healthy(proc, f"http://127.0.0.1:{port}/_stcore/health", log)
    except BaseException:
        stop_server(proc)
        raise
    return port, proc


def filled_store(path: Path) -> Path:
    store = Store(path)
    fill_store(store)
    store.dispose()
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("server")
    port, proc = start(ROOT, filled_store(tmp / "atlas.sqlite"), tmp / "streamlit.log")
    try:
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
        elements = []
        while True:  # until the first run of the page has finished (it installs the guard)
            msg = ForwardMsg()
            msg.ParseFromString(await asyncio.wait_for(ws.recv(), 120))
            if msg.HasField("new_session"):
                session_id = msg.new_session.initialize.session_id
            if msg.HasField("delta") and msg.delta.HasField("new_element"):
                elements.append(msg.delta.new_element)
            if msg.HasField("script_finished"):
                break
        return await asyncio.to_thread(action, session_id, elements)


def test_anonymous_session_cannot_upload_and_memory_stays_flat(server):
    port, proc = server
    xsrf = xsrf_cookie(port)

    def attack(session_id: str, _elements):
        before = rss_mb(proc.pid)
        results = [put(port, session_id, 5 * MB, xsrf) for _ in range(30)]  # 150 MB, as in the issue
        return before, results, rss_mb(proc.pid)

    before, results, after = _run(_with_session(port, attack))
    assert {status for status, _ in results} == {403}, results[:2]
    assert results[0][1] == MSG_REFUSED
    assert after - before < 40, f"server memory grew {after - before:.0f} MB"


def test_refused_before_the_body_is_read(server):
    """Headers promise 5 MB, only the first part is sent: the answer comes without waiting for the rest."""
    port, _ = server
    xsrf = xsrf_cookie(port)
    status, body = _run(_with_session(port, lambda sid, _: put(port, sid, 5 * MB, xsrf, send_body=False)))
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
        _run(guarded(scope, None, send))
        assert calls == ["editor-1"] and sent == []
        upload_guard.set_editor("editor-1", False)  # logged out (or wrong password on a later run)
        _run(guarded(scope, None, send))
        assert calls == ["editor-1"] and sent[0]["status"] == 403
    finally:
        upload_guard.set_editor("editor-1", False)


NOBODY = ("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups")


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"),
                    reason="needs root and setpriv to run the server as an unprivileged user")
def test_read_only_code_folder_and_store_still_serve_the_map():
    """Items 8 and 11: a fresh copy of the code and a store nobody here may write, served as `nobody`."""
    import tempfile
    import urllib.request

    from atlas.db.storeguard import MSG_SERVING_READ_ONLY

    tmp = Path(tempfile.mkdtemp(prefix="atlas-ro-", dir="/tmp"))
    try:
        code = tmp / "code"
        files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
        for rel in files.splitlines():  # a fresh clone: no static/vendor, no data/atlas.sqlite
            if (ROOT / rel).is_file():
                (code / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(ROOT / rel, code / rel)
        assert not (code / "static" / "vendor").exists()
        data = tmp / "data"
        data.mkdir()
        db = filled_store(data / "atlas.sqlite")
        home = tmp / "home"
        home.mkdir()
        for p in [tmp, *tmp.rglob("*")]:
            p.chmod(0o555 if p.is_dir() else 0o444)
        home.chmod(0o777)
        port, proc = start(code, db, tmp / "home" / "streamlit.log", prefix=NOBODY,
                           env={"HOME": str(home), "PYTHONDONTWRITEBYTECODE": "1"})
        try:
            elements = _run(_with_session(port, lambda sid, els: els))  # the map page, as a browser opens it
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/app/static/vendor/leaflet/leaflet.js",
                                        timeout=30) as r:  # ...then what the map's frame loads
                assert r.status == 200 and b"Leaflet" in r.read(4000)
        finally:
            stop_server(proc)
        assert not [e.exception.message for e in elements if e.HasField("exception")]
        alerts = [e.alert.body.replace("\\", "") for e in elements if e.HasField("alert")]
        assert any(MSG_SERVING_READ_ONLY in a for a in alerts), alerts
        assert any(e.HasField("deck_gl_json_chart") or e.HasField("component_instance") for e in elements)
    finally:
        for p in [tmp, *tmp.rglob("*")]:
            p.chmod(0o700 if p.is_dir() else 0o600)
        shutil.rmtree(tmp, ignore_errors=True)
