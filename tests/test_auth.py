"""The editor password check (atlas.core.auth): pure, no Streamlit."""
from __future__ import annotations

import pytest

from atlas.core import auth
from atlas.core.auth import (MSG_EDITING_OFF, MSG_LOGIN, MSG_NEED_NAME, MSG_WRONG_PASSWORD, check_password,
                        configured_password, editor_state)

ENV = {"ATLAS_EDITOR_PASSWORD": "correct horse"}


def test_pinned_messages():
    assert MSG_EDITING_OFF == "Editing is switched off: no editor password is configured (set ATLAS_EDITOR_PASSWORD)."
    assert MSG_WRONG_PASSWORD == "Wrong editor password; this page stays read-only."


@pytest.mark.parametrize("env,secrets,expected", [
    ({}, None, None),
    ({}, {}, None),
    ({"ATLAS_EDITOR_PASSWORD": ""}, {}, None),
    ({"ATLAS_EDITOR_PASSWORD": "   "}, {"editor_password": ""}, None),
    ({"ATLAS_EDITOR_PASSWORD": "env"}, {"editor_password": "sec"}, "env"),
    ({"ATLAS_EDITOR_PASSWORD": ""}, {"editor_password": "sec"}, "sec"),
    ({}, {"editor_password": 1234}, "1234"),
    ({}, {"other": "x"}, None),
])
def test_configured_password(env, secrets, expected):
    assert configured_password(env, secrets) == expected


def test_configured_password_reads_process_env(monkeypatch):
    monkeypatch.setenv("ATLAS_EDITOR_PASSWORD", "from-env")
    assert configured_password() == "from-env"
    monkeypatch.delenv("ATLAS_EDITOR_PASSWORD")
    assert configured_password() is None


@pytest.mark.parametrize("entered,configured,ok", [
    ("pw", "pw", True),
    ("pw ", "pw", False),
    ("PW", "pw", False),
    ("", "pw", False),
    (None, "pw", False),
    ("", "", False),
    ("pw", None, False),
    ("pässwörd", "pässwörd", True),
])
def test_check_password(entered, configured, ok):
    assert check_password(entered, configured) is ok


def test_check_password_uses_compare_digest(monkeypatch):
    calls = []
    real = auth.hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(auth.hmac, "compare_digest", spy)
    assert check_password("x", "x")
    assert calls == [(b"x", b"x")]


def test_editor_state_flow():
    off = editor_state("anything", "Ada", env={})
    assert (off.configured, off.can_edit, off.message) == (False, False, MSG_EDITING_OFF)
    assert editor_state("", "Ada", env=ENV).message == MSG_LOGIN
    wrong = editor_state("wrong", "Ada", env=ENV)
    assert (wrong.configured, wrong.can_edit, wrong.message) == (True, False, MSG_WRONG_PASSWORD)
    assert editor_state("correct horse", "  ", env=ENV).message == MSG_NEED_NAME
    ok = editor_state("correct horse", "  Ada \n Lovelace ", env=ENV)
    assert (ok.can_edit, ok.who, ok.message) == (True, "Ada Lovelace", "")
    via_secrets = editor_state("s" * 12, "Bo", env={}, secrets={"editor_password": "s" * 12})
    assert via_secrets.can_edit and via_secrets.who == "Bo"


def test_name_is_bounded():
    assert len(editor_state("correct horse", "x" * 500, env=ENV).who) == auth.MAX_NAME
