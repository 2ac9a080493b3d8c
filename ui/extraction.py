"""The app extracts in a worker process (:mod:`atlas.sources.worker`) and shows progress.

Installed for the whole app by ``ui/__init__``: every ingest path the app runs
(Preview, Save, Re-extract, loading seeds at start-up) goes through
:func:`atlas.sources.ingest.run_extractor`, which then hands the article to the worker.
"""
from __future__ import annotations

import contextlib
import contextvars
from typing import Iterator

import streamlit as st

from atlas.core.models import Article
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


def run_in_worker(article: Article) -> dict:
    """:func:`atlas.sources.ingest.run_extractor` for the app: off this process, time-limited, with progress."""
    if not _show_progress.get():
        return worker()(article)
    slot = st.empty()

    def progress(elapsed: float, limit: float) -> None:
        slot.progress(min(elapsed / limit, 1.0),
                      text=f"Extracting… {elapsed:.0f} s (stopped after {limit:g} s)")

    try:
        return worker()(article, progress)
    finally:
        slot.empty()
