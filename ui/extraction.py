"""The app extracts in a worker process (:mod:`atlas.sources.worker`) and shows progress.

Installed for the whole app by ``ui/__init__``: every ingest path the app runs
(Preview, Save, Re-extract, a large seed set at start-up: see ``ui.cache.seed_extraction``) goes
through :func:`atlas.sources.ingest.run_extractor`, which then hands the article to the worker.
"""
from __future__ import annotations

import contextlib
import contextvars
import ctypes
import ctypes.util
import gc
from typing import Iterator

import streamlit as st

from atlas.sources import intake
from atlas.core.errors import ArticleError
from atlas.core.models import Article
from atlas.db.store import Store
from atlas.sources.worker import ExtractorProcess

_show_progress = contextvars.ContextVar("atlas_extraction_progress", default=True)


@st.cache_resource(show_spinner=False)
def worker() -> ExtractorProcess:
    """The process-wide extraction worker (started on first use, restarted after a timeout)."""
    return ExtractorProcess()


@contextlib.contextmanager
def quietly() -> Iterator[None]:
    """Extract without drawing progress (inside cached functions, whose elements are replayed)."""
    token = _show_progress.set(False)
    try:
        yield
    finally:
        _show_progress.reset(token)


def _progress_bar():
    slot = st.empty()

    def progress(elapsed: float, limit: float) -> None:
        slot.progress(min(elapsed / limit, 1.0),
                      text=f"Extracting… {elapsed:.0f} s (stopped after {limit:g} s)")
    return slot, progress


def preview_in_worker(form: intake.IngestForm, store: Store) -> intake.Preview:
    """The Ingest preview, made in the worker (:meth:`ExtractorProcess.preview`).

    Only the page's rows and capped HTML reach this process, and nothing of them is kept
    after the run: five-megabyte previews once left the server holding hundreds of MB.
    """
    slot, progress = _progress_bar()
    try:
        pv = worker().preview(form, progress)
    except ArticleError as exc:  # the time limit, a crashed worker
        pv = intake.Preview(None, error=intake.MSG_REFUSED.format(reason=str(exc)))
    finally:
        slot.empty()
    if pv.article_id and store.has_article(pv.article_id):
        pv = intake.Preview(None, (), pv.html, pv.rows, pv.error, True, pv.article_id)
    return pv


def give_back_memory() -> None:
    """Return freed memory to the system after handling a large article (glibc keeps freed
    blocks of every thread's arena otherwise, so the server's size only ever grows)."""
    gc.collect()
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def _libc():
    name = ctypes.util.find_library("c")
    try:
        lib = ctypes.CDLL(name) if name else None
        return lib if lib is not None and hasattr(lib, "malloc_trim") else None
    except OSError:
        return None


_LIBC = _libc()


def run_in_worker(article: Article) -> dict:
    """:func:`atlas.sources.ingest.run_extractor` for the app: off this process, time-limited, with progress."""
    if not _show_progress.get():
        return worker()(article)
    slot, progress = _progress_bar()
    try:
        return worker()(article, progress)
    finally:
        slot.empty()
