"""Review: pending extracted facts with their evidence; accept, reject, or edit and accept.

Thin page: each button's callback makes one call into atlas.views.review. Without the
editor password the queue is shown read-only. The audit log is always visible.
"""
from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from atlas.views import review
from atlas.core.markup import md_plain
from atlas.core.models import CENTRAL_ASIA, DATE_PRECISIONS, FACT_TYPES, GEO_PRECISIONS
from ui.cache import get_store
from ui.editor import current_editor, editor_gate
from ui.page import page_setup

page_setup("Review", heading="Review extracted facts", filters=False)

editor = editor_gate()
store = get_store()
FLASH = "_review_flash"


def _flash(ok: bool, message: str) -> None:
    st.session_state[FLASH] = (ok, message)


def _as_editor(action):
    """Run a button's action only if the login is still valid at click time."""
    def run(*args):
        who = current_editor()
        if not who.can_edit:
            _flash(False, who.message)
            return
        _flash(*action(who.who, *args))
    return run


_decide = _as_editor(lambda who, fact_id, decision: (True, review.decide(store, fact_id, decision, who)))
_save_accept = _as_editor(lambda who, fact_id: review.save_edit(
    store, fact_id, {k: st.session_state.get(f"edit_{k}_{fact_id}") for k in review.EDIT_FIELDS}, who))
_reextract = _as_editor(lambda who: (True, review.reextract_all(store)))


if FLASH in st.session_state:
    ok, message = st.session_state.pop(FLASH)
    (st.success if ok else st.error)(md_plain(message))

queue_tab, audit_tab = st.tabs(["Queue", "Audit log"])

with queue_tab:
    if editor.can_edit:
        st.button("Re-extract all articles", key="reextract_all", on_click=_reextract,
                  help="Run the current extractor again; accepted, rejected and edited facts are kept.")
    choices = review.pending_articles(store)
    labels = {"": "All articles", **{aid: f"{title or aid} ({aid})" for aid, title in choices}}
    article = st.selectbox("Article", list(labels), format_func=labels.get, key="review_article")
    items, total = review.review_queue(store, article_id=article or None, limit=20)
    if not items:
        st.info(review.MSG_QUEUE_EMPTY)
    else:
        st.caption(f"Showing {len(items)} of {total} pending fact(s).")
    for item in items:
        f = item.fact
        with st.container(border=True):
            st.markdown(f"**{md_plain(f.title)}**")
            st.text(f"{f.type} · {f.date_start or 'no date'} · countries {', '.join(f.countries) or '–'} · "
                    f"actors {', '.join(f.actors) or '–'} · {f.trust_label} · {f.id}")
            if item.article_title:
                st.text(f"From: {item.article_title}")
            st.markdown(item.context_html, unsafe_allow_html=True)  # escaped by atlas.core.markup.evidence_html
            if item.location_warning:
                st.warning(md_plain(item.location_warning))
            if not editor.can_edit:
                continue
            a, r, _ = st.columns([1, 1, 4])
            a.button("Accept", key=f"accept_{f.id}", on_click=_decide, args=(f.id, "accepted"))
            r.button("Reject", key=f"reject_{f.id}", on_click=_decide, args=(f.id, "rejected"))
            with st.expander("Edit, then accept"):
                d = review.edit_defaults(f)
                e1, e2 = st.columns(2)
                e1.selectbox("Type", FACT_TYPES, index=FACT_TYPES.index(d["type"]), key=f"edit_type_{f.id}")
                e2.text_input("Title", value=d["title"], key=f"edit_title_{f.id}")
                e1.date_input("Date (start)", value=d["date_start"], key=f"edit_date_start_{f.id}",
                              min_value=date(1991, 1, 1), max_value=date(2100, 12, 31))
                e2.date_input("Date (end, optional)", value=d["date_end"], key=f"edit_date_end_{f.id}",
                              min_value=date(1991, 1, 1), max_value=date(2100, 12, 31))
                e1.selectbox("Date precision", DATE_PRECISIONS, index=DATE_PRECISIONS.index(d["date_precision"]),
                             key=f"edit_date_precision_{f.id}")
                e2.multiselect("Countries", list(CENTRAL_ASIA), default=d["countries"], key=f"edit_countries_{f.id}")
                e1.text_input("Actors (codes, comma-separated)", value=d["actors"], key=f"edit_actors_{f.id}")
                e2.selectbox("Location precision", GEO_PRECISIONS, index=GEO_PRECISIONS.index(d["geo_precision"]),
                             key=f"edit_geo_precision_{f.id}")
                e1.number_input("Latitude", value=d["lat"], min_value=-90.0, max_value=90.0, format="%.4f",
                                key=f"edit_lat_{f.id}")
                e2.number_input("Longitude", value=d["lon"], min_value=-180.0, max_value=180.0, format="%.4f",
                                key=f"edit_lon_{f.id}")
                st.button("Save and accept", key=f"save_accept_{f.id}", type="primary",
                          on_click=_save_accept, args=(f.id,))

with audit_tab:
    rows = review.audit_rows(store)
    if rows:
        st.caption("Every decision: who, when, and each changed field before → after (newest first).")
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    else:
        st.info("No decisions yet.")
