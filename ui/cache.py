"""Cached loaders. The store is one per process; frames are rebuilt only when the
store's version changes (any write bumps it), so reruns that change only widgets
reuse the same frame object. Callers must treat cached frames as read-only."""
from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Callable

import pandas as pd
import streamlit as st

from atlas.core.errors import ArticleError, AtlasError, ValidationError
from atlas.core.models import Article
from atlas.sources.files import SEEDS_DIR, article_files
from atlas.sources.ingest import ensure_seeded, extract_here, run_extractor
from atlas.sources.worker import ExtractorProcess
from atlas.views.query import actor_options, load_frame_snapshotted
from atlas.db.prebuilt import install_prebuilt
from atlas.db.store import Store, resolve_url
from atlas.db.storeguard import MSG_SERVING_READ_ONLY
from ui.extraction import quietly, worker
from ui.failsafe import install as install_failsafe

LOG = logging.getLogger("atlas.server")
# Seed articles up to this many bytes in all are extracted in this process while it fills the
# store: it loads the gazetteer then anyway (AidData titles), so a worker would load it a second
# time (~1 s of CPU on a first start). The hardened extractor's worst cases take at most 0.43 s
# per 100 KB (README, "Performance"), so the server's event loop is never held for long.
SEEDS_IN_PROCESS_BYTES = 256 * 1024
# Written for the warm-up: a sentence that makes the extractor load all it loads lazily.
WARM_UP_TEXT = "Kazakhstan and China signed a loan of $300 million in Astana on 5 May 2024."


def seed_extraction(seeds_dir: Path = SEEDS_DIR) -> tuple[Callable[[Article], dict], Callable[[], object] | None]:
    """How to extract the seed articles at start-up: (extractor, what to start before loading).

    Small seed sets in this process; larger ones (or unreadable sizes) in the worker, started
    ahead by :func:`warm_extractor`.
    """
    try:
        size = sum(f.stat().st_size for f in article_files([seeds_dir])) if seeds_dir.exists() else 0
    except (OSError, AtlasError):
        size = SEEDS_IN_PROCESS_BYTES + 1
    if size <= SEEDS_IN_PROCESS_BYTES:
        return extract_seed_here, None
    return run_extractor, warm_extractor


def extract_seed_here(article: Article) -> dict:
    """:func:`atlas.sources.ingest.extract_here`, failing as the worker fails: with an
    ArticleError, so a bug met in one seed is listed and the app serves what it holds."""
    try:
        return extract_here(article)
    except AtlasError:
        raise
    except Exception as exc:  # noqa: BLE001 - the worker turns any error into a message the same way
        raise ArticleError(f"{type(exc).__name__}: {exc}") from None


def _warm_up(extractor: ExtractorProcess) -> None:
    try:
        extractor(Article.from_text(WARM_UP_TEXT, title="warm-up"))
    except Exception:  # noqa: BLE001 - the real extraction after it restarts the worker and reports
        LOG.warning("the extraction worker's warm-up failed", exc_info=True)


def warm_extractor() -> threading.Thread:
    """Start the extraction worker now, in the background: its process start, imports and
    gazetteer (1-2 s) then run on the other core while this process reads the curated files
    and datasets, and the seed articles' extraction finds it ready."""
    thread = threading.Thread(target=_warm_up, args=(worker(),), name="atlas-warm-extractor", daemon=True)
    thread.start()
    return thread


@st.cache_resource(show_spinner="Opening the atlas database…")
def _store(url: str) -> tuple[Store, tuple[str, ...]]:
    install_prebuilt(url)  # a fresh clone's store starts as the shipped prebuilt one, then is checked
    store = Store(url)
    if store.read_only:  # nothing can be loaded into it: serve what it holds and say so
        return store, (MSG_SERVING_READ_ONLY,)
    try:
        with quietly():  # inside a cached function: no progress elements to replay
            # first start (or changed seeds/curated files): load them, no other step
            extractor, before_loading = seed_extraction()
            ensure_seeded(store, before_loading=before_loading, extractor=extractor)
        problems: tuple[str, ...] = ()
    except ValidationError as exc:  # bad files: keep serving what is stored, and say why
        problems = tuple(exc.problems)
    except AtlasError as exc:
        problems = (str(exc),)
    return store, problems


def _opened() -> tuple[Store, tuple[str, ...]]:
    install_failsafe()  # every page opens the store first: from here on a failure shows a friendly message
    return _store(resolve_url(None))


def get_store() -> Store:
    """The app's store, chosen by ATLAS_DB (a path or SQLAlchemy URL), default data/atlas.sqlite."""
    return _opened()[0]


SOURCES_PROBLEM = ("Seeds or curated data could not be loaded; showing what the database already holds. "
                   "Run `python -m atlas validate` for details.")


def source_problems() -> tuple[str, ...]:
    """Problems met loading seeds/curated files at start-up (empty when all loaded)."""
    return _opened()[1]


@st.cache_resource(max_entries=3, show_spinner=False)
def fact_frame_at(url: str, version: str) -> pd.DataFrame:
    """All facts of the store at ``url`` as of ``version`` (for caches already keyed on both)."""
    return load_frame_snapshotted(_store(url)[0])


def fact_frame() -> pd.DataFrame:
    store = get_store()
    return fact_frame_at(store.url, store.version())


@st.cache_resource(max_entries=3, show_spinner=False)
def _actors(url: str, version: str) -> list[str]:
    return actor_options(fact_frame_at(url, version))


def actor_choices() -> list[str]:
    """Outside powers present in the store, most frequent first (0.2 s at 100k facts: cached)."""
    store = get_store()
    return _actors(store.url, store.version())
