"""The thin Streamlit layer: cached loaders and widget helpers shared by pages.

Everything here may import streamlit; nothing in ``atlas/`` does.
"""

from ui.upload_guard import install as _install_upload_guard

# Every page imports ui, so the first page run in a server process guards its upload route
# (its result is checked on every page run: ui.page.page_setup, ui.upload_guard.refuse_unguarded).
_install_upload_guard()

from atlas.sources.ingest import use_runner as _use_runner  # noqa: E402
from ui.extraction import run_in_worker as _run_in_worker  # noqa: E402

# Extraction (Preview, Save, Re-extract; at start-up a large seed set, see ui.cache.seed_extraction)
# runs in a worker process with a time limit, so one heavy article never stalls the other sessions.
_use_runner(_run_in_worker)
