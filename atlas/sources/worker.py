"""Extraction in a separate worker process, with a time limit and progress.

Streamlit serves every session from one Python process. Extraction is CPU work, and
a regular expression running in C holds the interpreter lock for as long as it runs:
one editor's Preview of a bad 24 KB text once stopped every other session and the
health check for 34 s. The app therefore extracts in one persistent child process
(:class:`ExtractorProcess`); the session that asked waits on a pipe (the lock is free
meanwhile), sees progress, and gets :class:`ExtractionTimeout` when the time limit
passes, after which the child is killed and a fresh one started for the next job.

:func:`atlas.sources.ingest.run_extractor` uses it once :func:`atlas.sources.ingest.use_runner` is
given one (the app does; the CLI extracts in its own process).
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from datetime import date
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Callable

from ..core.errors import ArticleError, AtlasError, UnsupportedLanguage
from .extract import extract
from .intake import preview_light
from ..core.models import Article

EXTRACT_TIMEOUT_S = float(os.environ.get("ATLAS_EXTRACT_TIMEOUT", "120"))
MSG_TIMEOUT = ("extraction took longer than {seconds:g} s and was stopped; nothing was stored. "
               "Split the article or try again when the server is less busy.")
MSG_CRASHED = "the extraction worker stopped unexpectedly; nothing was stored"
POLL_S = 0.2
ROOT = Path(__file__).resolve().parents[2]

Progress = Callable[[float, float], None]  # (seconds elapsed, time limit)


class ExtractionTimeout(ArticleError):
    """Extraction of one article ran past the time limit (the worker was killed)."""


def _handle(kind: str, payload: Any) -> Any:
    """One job: ``extract`` (text, published, language) → the extraction's JSON; ``preview``
    an :class:`~atlas.sources.intake.IngestForm` → the page's :class:`~atlas.sources.intake.Preview` only."""
    if kind == "preview":
        return preview_light(payload)
    text, published, language = payload
    return extract(text, published=date.fromisoformat(published) if published else None,
                   language=language).to_dict()


def _serve(requests: Connection, replies: Connection) -> None:
    """The worker's loop: (kind, payload) in, (ok, result or error) out."""
    while True:
        try:
            kind, payload = requests.recv()
        except (EOFError, OSError):
            return
        try:
            reply = (True, _handle(kind, payload))
        except AtlasError as exc:
            reply = (False, (type(exc).__name__, str(exc)))
        except Exception as exc:  # noqa: BLE001 - any bug in one article must not kill the worker
            reply = (False, ("Exception", f"{type(exc).__name__}: {exc}"))
        replies.send(reply)


class ExtractorProcess:
    """One persistent extraction process; calls are serialised, each with a time limit."""

    def __init__(self, timeout_s: float = EXTRACT_TIMEOUT_S):
        self.timeout_s = timeout_s
        self._lock = threading.Lock()
        self._proc: subprocess.Popen | None = None
        self._send: Connection | None = None
        self._recv: Connection | None = None

    def _start(self) -> None:
        # A plain child process (python -m atlas.sources.worker), not multiprocessing: that would
        # re-run the parent's __main__ (a page script under Streamlit) in the child.
        proc = subprocess.Popen([sys.executable, "-m", "atlas.sources.worker"], cwd=ROOT,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self._send = Connection(os.dup(proc.stdin.fileno()), readable=False)
        self._recv = Connection(os.dup(proc.stdout.fileno()), writable=False)
        proc.stdin.close()
        proc.stdout.close()
        self._proc = proc

    def _kill(self) -> None:
        if self._proc is not None:
            self._proc.kill()
            self._proc.wait(5)
        for conn in (self._send, self._recv):
            if conn is not None:
                conn.close()
        self._proc = self._send = self._recv = None

    def close(self) -> None:
        with self._lock:
            self._kill()

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def __call__(self, article: Article, progress: Progress | None = None) -> dict:
        """The extractor's JSON for ``article`` (:func:`atlas.sources.ingest.run_extractor`'s runner)."""
        return self._ask("extract", (article.text, article.published.isoformat() if article.published else None,
                                     article.language), progress)

    def preview(self, form: Any, progress: Progress | None = None) -> Any:
        """The Ingest page's preview of ``form``, made wholly in the worker: reading the upload,
        extracting, shaping facts and highlighting happen there, and only the page's table rows
        and capped HTML come back, so the server never holds a large article's intermediates."""
        return self._ask("preview", form, progress)

    def _ask(self, kind: str, payload: Any, progress: Progress | None) -> Any:
        with self._lock:
            if self._proc is None or self._proc.poll() is not None:
                self._kill()
                self._start()
            start = time.monotonic()
            try:
                self._send.send((kind, payload))
                while not self._recv.poll(POLL_S):  # the waiting session holds no interpreter lock
                    elapsed = time.monotonic() - start
                    if elapsed >= self.timeout_s:
                        self._kill()
                        raise ExtractionTimeout(MSG_TIMEOUT.format(seconds=self.timeout_s))
                    if progress is not None:
                        progress(elapsed, self.timeout_s)
                ok, value = self._recv.recv()
            except (EOFError, OSError, BrokenPipeError):
                self._kill()
                raise ArticleError(MSG_CRASHED) from None
        if ok:
            return value
        kind, message = value
        raise (UnsupportedLanguage if kind == "UnsupportedLanguage" else ArticleError)(message)


if __name__ == "__main__":
    # Requests arrive on stdin and replies leave on stdout; anything else printed goes to stderr.
    _requests = Connection(os.dup(0), writable=False)
    _replies = Connection(os.dup(1), readable=False)
    os.dup2(2, 1)
    _serve(_requests, _replies)
