"""Who may edit: the editor password check. Pure (no Streamlit); the gate that
draws the login widgets is :mod:`ui.editor`.

The password comes from the environment (``ATLAS_EDITOR_PASSWORD``) or, failing
that, from a secrets mapping (``editor_password`` in ``.streamlit/secrets.toml``).
With neither set, editing is switched off and the app is read-only.
"""
from __future__ import annotations

import hmac
import os
from dataclasses import dataclass
from typing import Any, Mapping

ENV_VAR = "ATLAS_EDITOR_PASSWORD"
SECRET_KEY = "editor_password"

MSG_EDITING_OFF = "Editing is switched off: no editor password is configured (set ATLAS_EDITOR_PASSWORD)."
MSG_WRONG_PASSWORD = "Wrong editor password; this page stays read-only."
MSG_LOGIN = "Enter the editor password to edit. Until then this page is read-only."
MSG_NEED_NAME = "Enter your editor name: it is recorded in the audit log with every decision."

MAX_NAME = 80


def configured_password(env: Mapping[str, str] | None = None,
                        secrets: Mapping[str, Any] | None = None) -> str | None:
    """The editor password, or None when editing is switched off.

    >>> configured_password({"ATLAS_EDITOR_PASSWORD": "s3cret"}, {"editor_password": "other"})
    's3cret'
    >>> configured_password({}, {"editor_password": "other"})
    'other'
    >>> configured_password({"ATLAS_EDITOR_PASSWORD": "  "}, {}) is None
    True
    """
    env = os.environ if env is None else env
    value = env.get(ENV_VAR)
    if value is None or not str(value).strip():
        value = (secrets or {}).get(SECRET_KEY)
    if value is None:
        return None
    value = str(value)
    return value if value.strip() else None


def check_password(entered: str | None, configured: str | None) -> bool:
    """True only if a password is configured and ``entered`` equals it (constant time).

    >>> check_password("a", "a"), check_password("b", "a"), check_password("", None)
    (True, False, False)
    """
    if not configured or not entered:
        return False
    return hmac.compare_digest(entered.encode("utf-8"), configured.encode("utf-8"))


def clean_name(name: str | None) -> str:
    """The editor name as stored in the audit log: one line, trimmed, bounded.

    >>> clean_name("  Ada\\nLovelace ")
    'Ada Lovelace'
    """
    return " ".join((name or "").split())[:MAX_NAME]


@dataclass(frozen=True)
class EditorState:
    """The outcome of the login gate: may this session edit, as whom, and why not."""

    configured: bool
    can_edit: bool
    who: str = ""
    message: str = ""  # why editing is off; empty when it is on


def editor_state(entered: str | None, name: str | None, *, env: Mapping[str, str] | None = None,
                 secrets: Mapping[str, Any] | None = None) -> EditorState:
    """Decide whether this session may edit.

    >>> editor_state("pw", "Ada", env={"ATLAS_EDITOR_PASSWORD": "pw"}).can_edit
    True
    >>> editor_state("pw", "Ada", env={}).message == MSG_EDITING_OFF
    True
    """
    configured = configured_password(env, secrets)
    if configured is None:
        return EditorState(False, False, message=MSG_EDITING_OFF)
    if not entered:
        return EditorState(True, False, message=MSG_LOGIN)
    if not check_password(entered, configured):
        return EditorState(True, False, message=MSG_WRONG_PASSWORD)
    who = clean_name(name)
    if not who:
        return EditorState(True, False, message=MSG_NEED_NAME)
    return EditorState(True, True, who=who)
