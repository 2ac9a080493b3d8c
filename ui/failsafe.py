"""What a visitor sees when a page fails: one friendly message with a reference id.

The traceback (server paths, SQL with its parameters) goes to the server log under
that reference, never to the browser; ``client.showErrorDetails = "none"`` in
.streamlit/config.toml is the second line of defence. A busy store gets its own
message and a retry button. Streamlit calls :func:`on_script_error` for any uncaught
exception of a page run; :func:`install` registers it for the running session and,
once per process, for every session that starts later.
"""
from __future__ import annotations

import logging
import sys
import uuid

import streamlit as st

from atlas.core.errors import StoreError
from atlas.db.storeguard import StoreBusy, StoreUnavailable, db_error
from ui import st_internals

LOG = logging.getLogger("atlas.app")
MSG_FAILED = ("Something went wrong showing this page. It has been logged; if it keeps happening, "
              "tell the maintainers reference {ref}.")
MSG_BUSY = "The atlas is busy (another process is writing to it). Nothing was lost; try again in a moment."
MSG_STORE = "The atlas database cannot be used right now: {reason}"
MSG_RETRYING = "Trying again every {s} seconds; the page comes back by itself when the database does."
RETRY_EVERY_S = 5
RETRY_KEY = "atlas_retry"


def _store_problem(ex: BaseException) -> StoreError | None:
    """The store error behind ``ex`` (named, or a database driver error), if any."""
    seen = ex
    while seen is not None:
        if isinstance(seen, StoreError):
            return seen
        if type(seen).__module__.startswith(("sqlalchemy", "sqlite3", "psycopg")):
            return db_error(seen)
        seen = seen.__cause__ or seen.__context__
    return None


def on_script_error(ex: Exception) -> bool:
    """Log ``ex`` with a reference and show the friendly message; True hides Streamlit's own."""
    ref = uuid.uuid4().hex[:8]
    LOG.error("page error, reference %s", ref, exc_info=ex)
    problem = _store_problem(ex)
    if isinstance(problem, StoreBusy):
        st.warning(MSG_BUSY)
        st.button("Try again", key=RETRY_KEY)  # a click reruns the page
    elif problem is not None:
        st.error(MSG_STORE.format(reason=str(problem).replace("\n", " ")) + f" (reference {ref})")
        if isinstance(problem, StoreUnavailable):  # PostgreSQL down or restarting: come back by itself
            st.caption(MSG_RETRYING.format(s=RETRY_EVERY_S))
            st.button("Try again", key=RETRY_KEY)
            _retry_soon()
    else:
        st.error(MSG_FAILED.format(ref=ref))
    # Under AppTest keep Streamlit's exception element too, so the many tests asserting
    # "no exception" still see a crash; a served app never imports the testing package.
    return "streamlit.testing.v1" not in sys.modules


def _retry_soon() -> None:
    """Rerun the whole page every few seconds (a timed fragment asks the server; no browser reload)."""
    @st.fragment(run_every=RETRY_EVERY_S)
    def _retry() -> None:
        if st.session_state.get("_atlas_retry_armed"):
            st.rerun(scope="app")
        st.session_state["_atlas_retry_armed"] = True

    st.session_state.pop("_atlas_retry_armed", None)
    _retry()


def install() -> None:
    """Use :func:`on_script_error` for this page run and for sessions that start later."""
    st_internals.set_script_error_handler(on_script_error)
    _install_for_new_sessions()


_process_done = False


def _install_for_new_sessions() -> None:
    global _process_done
    if _process_done:
        return
    _process_done = True
    st_internals.set_new_session_error_handler(on_script_error)
