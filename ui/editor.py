"""The Streamlit login gate for editing pages (Ingest, Review).

The password check, throttling and logging are :mod:`atlas.core.auth`; this module draws
the two inputs, reads ``st.secrets`` without failing when no secrets.toml exists, and
remembers per session which password it last checked, so a rerun (any click) is not a
new login attempt and only a changed password counts against the throttle.
"""
from __future__ import annotations

import hashlib
from typing import Any

import streamlit as st

from atlas.core.auth import MSG_THROTTLED, SECRET_KEY, EditorState, attempt_login, editor_state
from ui.st_internals import session_id
from ui.upload_guard import set_editor
from ui.urlstate import page_changed

_CHECKED = "_editor_checked"  # (digest of the name and password last checked, the outcome)
_THROTTLED_PREFIX = MSG_THROTTLED.split("{", 1)[0]


def _secrets() -> dict[str, Any]:
    """``{"editor_password": ...}`` from st.secrets, or {} when there are no secrets."""
    try:
        if not st.secrets.load_if_toml_exists():
            return {}
        value = st.secrets.get(SECRET_KEY)
    except Exception:  # no/invalid secrets.toml: Streamlit raises its own error types
        return {}
    return {} if value is None else {SECRET_KEY: value}


def _checked_state(password: str | None, name: str | None, secrets: dict[str, Any]) -> EditorState:
    if not password:
        return editor_state(password, name, secrets=secrets)
    digest = hashlib.sha256(f"{name}\0{password}".encode("utf-8")).hexdigest()
    cached = st.session_state.get(_CHECKED)
    if cached is not None and cached[0] == digest:
        return cached[1]
    state = attempt_login(password, name, session_id(), secrets=secrets)
    if not state.message.startswith(_THROTTLED_PREFIX):  # a refused try is retried once the wait is over
        st.session_state[_CHECKED] = (digest, state)
    return state


LOGIN = "_atlas_editor_login"  # (name, password) of this browser session's valid login


def _log_out() -> None:
    for k in (LOGIN, _CHECKED):
        st.session_state.pop(k, None)
    st.session_state["editor_name"] = st.session_state["editor_password"] = ""
    set_editor(session_id(), False)


def editor_gate() -> EditorState:
    """Draw the editor login (sidebar) and say whether this session may edit.

    Streamlit drops widget values when the user opens another page, so a successful
    login is kept in the session (:data:`LOGIN`) and put back into the inputs on the
    next editing page, until "Log out".
    """
    secrets = _secrets()
    probe = editor_state(None, None, secrets=secrets)
    if not probe.configured:
        set_editor(session_id(), False)
        st.info(probe.message)
        return probe
    saved = st.session_state.get(LOGIN)
    switched = page_changed("editor")  # a page switch resets the inputs; the user emptying them does not
    if saved and (switched or "editor_password" not in st.session_state):
        st.session_state["editor_name"], st.session_state["editor_password"] = saved
    with st.sidebar:
        st.markdown("**Editor login**")
        name = st.text_input("Editor name", key="editor_name", max_chars=80,
                             help="Recorded in the audit log with every decision.")
        password = st.text_input("Editor password", type="password", key="editor_password")
    state = _checked_state(password, name, secrets)
    set_editor(session_id(), state.can_edit)  # only an editor's session may upload (ui.upload_guard)
    if state.can_edit:
        st.session_state[LOGIN] = (name, password)
        st.sidebar.text(f"Editing as {state.who}")
        st.sidebar.button("Log out", key="editor_logout", on_click=_log_out)
        return state
    st.session_state.pop(LOGIN, None)
    (st.warning if password else st.info)(state.message)
    return state


def current_editor() -> EditorState:
    """The editor state from the login widgets' current values, without drawing anything.

    Button callbacks call this so a decision is refused if the login changed meanwhile.
    """
    return _checked_state(st.session_state.get("editor_password"), st.session_state.get("editor_name"),
                          _secrets())
