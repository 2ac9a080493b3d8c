"""Streamlit glue for the Ingest page's "Published datasets" section: an editor fetches a
publisher's current release and imports it (logic: atlas.sources.datasets.download), with a progress bar."""
from __future__ import annotations

import streamlit as st

from atlas.core.auth import EditorState
from atlas.sources.datasets import DATASETS
from atlas.sources.datasets.download import RELEASES, download_and_import
from atlas.core.errors import AtlasError
from atlas.core.markup import md_plain

HINT = ("Fetches the publisher's current release (addresses in the README, \"Published datasets\"), checks it "
        "and imports it in one step; a failed download or a bad file changes nothing.")


def download_section(store, editor: EditorState) -> None:
    if not editor.can_edit:
        return
    st.header("Published datasets")
    st.caption(HINT)
    keys = [k for k in DATASETS if k in RELEASES]
    c1, c2 = st.columns([3, 2])
    key = c1.selectbox("Dataset", keys, key="dataset_download_pick", format_func=lambda k: DATASETS[k].title)
    allow = c2.checkbox("Accept withdrawing more than 10 % of its records", key="dataset_download_allow")
    if not st.button("Download and import", key="dataset_download_go"):
        return
    bar = st.progress(0.0, text="starting")
    try:
        done = download_and_import(store, key, allow_withdraw=allow, who=f"import (download, {editor.who})",
                                   progress=lambda x, text: bar.progress(min(max(x, 0.0), 1.0), text=md_plain(text)))
    except AtlasError as exc:
        st.error(md_plain(str(exc)))
        return
    st.success(md_plain(done.sync.summary()))
    notes = [line for line in done.lines()[1:]]
    if notes:
        st.caption(md_plain(f"{len(notes)} note(s), e.g. {notes[0]}"))
