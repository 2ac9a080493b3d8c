"""Cached loaders. The store is one per process; frames are rebuilt only when the
store's version changes (any write bumps it), so reruns that change only widgets
reuse the same frame object. Callers must treat cached frames as read-only."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from atlas.ingest import ensure_seeded
from atlas.query import load_frame
from atlas.store import Store, resolve_url


@st.cache_resource(show_spinner="Opening the atlas database…")
def _store(url: str) -> Store:
    store = Store(url)
    ensure_seeded(store)  # first start: seeds and curated data, no other step needed
    return store


def get_store() -> Store:
    """The app's store, chosen by ATLAS_DB (a path or SQLAlchemy URL), default data/atlas.sqlite."""
    return _store(resolve_url(None))


@st.cache_resource(max_entries=3, show_spinner=False)
def _frame(url: str, version: str) -> pd.DataFrame:
    return load_frame(_store(url))


def fact_frame() -> pd.DataFrame:
    store = get_store()
    return _frame(store.url, store.version())
