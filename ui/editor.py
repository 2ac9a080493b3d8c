"""The Streamlit login gate for editing pages (Ingest, Review).

The password check itself is :mod:`atlas.auth`; this module only draws the two
inputs and reads ``st.secrets`` without failing when no secrets.toml exists.
"""
from __future__ import annotations

from typing import Any

import streamlit as st

from atlas.auth import SECRET_KEY, EditorState, editor_state


def _secrets() -> dict[str, Any]:
    """``{"editor_password": ...}`` from st.secrets, or {} when there are no secrets."""
    try:
        if not st.secrets.load_if_toml_exists():
            return {}
        value = st.secrets.get(SECRET_KEY)
    except Exception:  # no/invalid secrets.toml: Streamlit raises its own error types
        return {}
    return {} if value is None else {SECRET_KEY: value}


def editor_gate() -> EditorState:
    """Draw the editor login (sidebar) and say whether this session may edit."""
    secrets = _secrets()
    probe = editor_state(None, None, secrets=secrets)
    if not probe.configured:
        st.info(probe.message)
        return probe
    with st.sidebar:
        st.markdown("**Editor login**")
        name = st.text_input("Editor name", key="editor_name", max_chars=80,
                             help="Recorded in the audit log with every decision.")
        password = st.text_input("Editor password", type="password", key="editor_password")
    state = editor_state(password, name, secrets=secrets)
    if state.can_edit:
        st.sidebar.text(f"Editing as {state.who}")
    elif password:
        st.warning(state.message)
    else:
        st.info(state.message)
    return state


def current_editor() -> EditorState:
    """The editor state from the login widgets' current values, without drawing anything.

    Button callbacks call this so a decision is refused if the login changed meanwhile.
    """
    return editor_state(st.session_state.get("editor_password"), st.session_state.get("editor_name"),
                        secrets=_secrets())
