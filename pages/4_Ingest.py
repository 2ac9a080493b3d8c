"""Ingest: paste or upload an article, preview its candidate facts, save them as pending.

Thin page: widgets in, one call into atlas.sources.intake, render. Editing needs the
editor password (ui.editor); without it the page is read-only.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from atlas.sources import intake
from atlas.core.markup import md_plain
from ui.cache import get_store
from ui.editor import editor_gate
from ui.dataset_download import download_section
from ui.extraction import give_back_memory, preview_in_worker
from ui.page import page_setup
from ui.sources import sources_section, split_section

page_setup("Ingest", heading="Ingest an article", filters=False)

editor = editor_gate()
if not editor.can_edit:
    st.stop()

text = st.text_area("Article text (paste)", key="ingest_text", height=220)
upload = st.file_uploader("…or upload a file (.txt, .md, .html; up to 5 MB)", key="ingest_file",
                          type=["txt", "md", "html", "htm"])
form = intake.IngestForm(text=text or "", file_name=upload.name if upload else None,
                         file_bytes=upload.getvalue() if upload else None)

# The language selectbox follows detection whenever the text changes; the user may override it.
# Detected once per text (the session keeps the language, not the article).
source_key = (len(form.text), hash(form.text), form.file_name, hash(form.file_bytes))
if st.session_state.get("_ingest_lang_source") != source_key:
    st.session_state["_ingest_detected"] = intake.detected_language(form)
    st.session_state["_ingest_lang_source"] = source_key
    st.session_state["ingest_language"] = st.session_state["_ingest_detected"] or intake.AUTO_LANGUAGE
detected = st.session_state.get("_ingest_detected")

c1, c2 = st.columns(2)
title = c1.text_input("Title (default: first line)", key="ingest_title")
url = c2.text_input("URL", key="ingest_url")
publisher = c1.text_input("Publisher", key="ingest_publisher")
published = c2.date_input("Published (optional)", value=None, key="ingest_published",
                          min_value=pd.Timestamp("1991-01-01").date(), max_value=pd.Timestamp("2100-12-31").date())
language = c1.selectbox("Language", intake.LANGUAGE_CHOICES, key="ingest_language",
                        format_func=lambda v: "detect automatically" if v == intake.AUTO_LANGUAGE else v,
                        help="Detected from the text; change it if the guess is wrong.")
if detected:
    c2.caption(f"Detected language: {detected}")

form = intake.IngestForm(text=form.text, file_name=form.file_name, file_bytes=form.file_bytes, title=title,
                         url=url, publisher=publisher, published=published, language=language)

b1, b2 = st.columns(2)
if b1.button("Preview", key="ingest_preview"):
    pv = preview_in_worker(form, get_store())  # made in the extraction worker; nothing of it is kept
    if pv.error:
        st.error(md_plain(pv.error))
    else:
        if pv.duplicate:
            st.info(intake.MSG_DUPLICATE.format(article_id=pv.article_id))
        st.subheader("Candidate facts")
        if pv.rows:
            st.dataframe(pd.DataFrame(list(pv.rows)), hide_index=True, width="stretch")
        else:
            st.info(intake.MSG_PREVIEW_NO_FACTS)
        st.subheader("Article with mentions highlighted")
        st.markdown(pv.html, unsafe_allow_html=True)  # escaped by atlas.core.markup.highlight_html
    del pv
    give_back_memory()

if b2.button("Save as pending", key="ingest_save", type="primary"):
    with st.spinner("Extracting and saving…"):
        out = intake.save_form(get_store(), form)
    {"saved": st.success, "duplicate": st.info}.get(out.status, st.error)(md_plain(out.message))
    give_back_memory()

# Feeds the atlas follows, and splitting wrongly merged events (ui/sources.py).
sources_section(get_store(), editor)
split_section(get_store(), editor)
download_section(get_store(), editor)  # published datasets from their publishers (ui/dataset_download.py)
