"""Issue 13 item 5: editor password throttling, logging, minimum length, session in the audit."""
from __future__ import annotations

import logging

import pytest
from streamlit.testing.v1 import AppTest

from atlas.core import auth
from atlas.core.auth import (MIN_PASSWORD_LENGTH, MSG_THROTTLED, MSG_WEAK_PASSWORD, MSG_WRONG_PASSWORD, Throttle,
                        attempt_login)
from tests.helpers import EDITOR_TIMEOUT as TIMEOUT, INGEST, PASSWORD, keys, login, messages  # db: tests/conftest.py

ENV = {"ATLAS_EDITOR_PASSWORD": "correct horse battery"}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_pinned_messages():
    assert MSG_WEAK_PASSWORD.format(n=12) == (
        "Editing is switched off: the configured editor password is shorter than 12 characters. "
        "Set a longer ATLAS_EDITOR_PASSWORD and restart the app.")
    assert MSG_THROTTLED.format(seconds=4) == (
        "Too many wrong editor passwords; wait 4 s before trying again. This page stays read-only.")


def test_session_waits_grow_after_three_failures():
    clock = Clock()
    t = Throttle(clock=clock)
    waits = []
    for _ in range(6):
        t.failed("s1")
        waits.append(t.wait("s1"))
    assert waits == [0, 0, 2, 4, 8, 16]
    assert t.wait("s2") == 0  # another session is not locked by one guesser...
    clock.now += 16
    assert t.wait("s1") == 0
    t.succeeded("s1")
    t.failed("s1")
    assert t.wait("s1") == 0


def test_new_sessions_do_not_reset_a_guesser():
    t = Throttle(clock=Clock())
    for i in range(19):
        t.failed(f"s{i}")
    assert t.wait("fresh") == 0
    t.failed("s19")  # the twentieth wrong password across all sessions
    assert t.wait("fresh") == 2  # ...but all sessions together are


def test_forty_wrong_guesses_then_the_right_one_is_refused(caplog):
    clock = Clock()
    t = Throttle(clock=clock)
    caplog.set_level(logging.INFO, logger="atlas.core.auth")
    states = [attempt_login(f"guess {i}", "Mallory", "sess-a", env=ENV, throttle=t) for i in range(40)]
    assert states[0].message == MSG_WRONG_PASSWORD
    assert states[-1].message.startswith("Too many wrong editor passwords; wait ")
    right = attempt_login(ENV["ATLAS_EDITOR_PASSWORD"], "Mallory", "sess-a", env=ENV, throttle=t)
    assert not right.can_edit and right.message.startswith("Too many wrong editor passwords")
    failed = [r.getMessage() for r in caplog.records if "login failed" in r.getMessage()]
    assert len(failed) == 3  # then the throttle refuses without checking
    assert failed[0] == f"editor login failed: session {auth.session_tag('sess-a')}, name 'Mallory', " \
                        "failure 1 in this session"
    assert "sess-a" not in caplog.text  # the raw session id authorises uploads: never logged
    clock.now += t.wait("sess-a")
    ok = attempt_login(ENV["ATLAS_EDITOR_PASSWORD"], "Ada", "sess-a", env=ENV, throttle=t)
    assert ok.can_edit and ok.who == f"Ada (session {auth.session_tag('sess-a')})"


def test_short_password_switches_editing_off_with_a_clear_message(db, monkeypatch, caplog):
    monkeypatch.setenv("ATLAS_EDITOR_PASSWORD", "x" * (MIN_PASSWORD_LENGTH - 1))
    caplog.set_level(logging.ERROR, logger="atlas.core.auth")
    monkeypatch.setattr(auth, "_weak_logged", False)
    at = AppTest.from_file(INGEST, default_timeout=TIMEOUT).run()
    assert MSG_WEAK_PASSWORD.format(n=MIN_PASSWORD_LENGTH) in messages(at, "info")
    assert "editor_password" not in keys(at, "text_input")
    assert "editor password shorter than 12 characters" in caplog.text


def test_page_refuses_the_right_password_after_repeated_wrong_ones(db, monkeypatch):
    monkeypatch.setenv("ATLAS_EDITOR_PASSWORD", PASSWORD)
    monkeypatch.setattr(auth, "THROTTLE", Throttle(clock=Clock()))
    at = AppTest.from_file(INGEST, default_timeout=TIMEOUT).run()
    for i in range(4):
        login(at, password=f"wrong {i}")
    login(at, password=PASSWORD)
    assert any(m.startswith("Too many wrong editor passwords") for m in messages(at, "warning"))
    assert "ingest_text" not in keys(at, "text_area")
    # three counted failures; the fourth try and the right password were refused unchecked
    assert sum(auth.THROTTLE._failures.values()) == 3


@pytest.mark.parametrize("reruns", [3])
def test_reruns_are_not_attempts(db, monkeypatch, reruns):
    monkeypatch.setenv("ATLAS_EDITOR_PASSWORD", PASSWORD)
    monkeypatch.setattr(auth, "THROTTLE", Throttle(clock=Clock()))
    at = login(AppTest.from_file(INGEST, default_timeout=TIMEOUT).run(), password="wrong")
    for _ in range(reruns):
        at.run()
    assert MSG_WRONG_PASSWORD in messages(at, "warning")
    assert sum(auth.THROTTLE._failures.values()) == 1


def test_editor_gate_marks_the_session_for_uploads(db, monkeypatch):
    from ui import upload_guard

    monkeypatch.setenv("ATLAS_EDITOR_PASSWORD", PASSWORD)
    monkeypatch.setattr(auth, "THROTTLE", Throttle(clock=Clock()))
    at = login(AppTest.from_file(INGEST, default_timeout=TIMEOUT).run())
    assert "ingest_text" in keys(at, "text_area")
    assert upload_guard.may_upload("test session id")  # AppTest's session id
    login(at, password="wrong")
    assert not upload_guard.may_upload("test session id")
