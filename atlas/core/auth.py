"""Who may edit: the editor password check. Pure (no Streamlit); the gate that
draws the login widgets is :mod:`ui.editor`.

The password comes from the environment (``ATLAS_EDITOR_PASSWORD``) or, failing
that, from a secrets mapping (``editor_password`` in ``.streamlit/secrets.toml``).
With neither set, editing is switched off and the app is read-only.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import math
import os
import threading
import time
from dataclasses import dataclass, replace
from typing import Any, Callable, Mapping

ENV_VAR = "ATLAS_EDITOR_PASSWORD"
SECRET_KEY = "editor_password"

MSG_EDITING_OFF = "Editing is switched off: no editor password is configured (set ATLAS_EDITOR_PASSWORD)."
MSG_WRONG_PASSWORD = "Wrong editor password; this page stays read-only."
MSG_LOGIN = "Enter the editor password to edit. Until then this page is read-only."
MSG_NEED_NAME = "Enter your editor name: it is recorded in the audit log with every decision."

MSG_WEAK_PASSWORD = ("Editing is switched off: the configured editor password is shorter than {n} characters. "
                     "Set a longer ATLAS_EDITOR_PASSWORD and restart the app.")
MSG_THROTTLED = "Too many wrong editor passwords; wait {seconds} s before trying again. This page stays read-only."

MAX_NAME = 80
MIN_PASSWORD_LENGTH = 12
LOG = logging.getLogger("atlas.core.auth")


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

    >>> editor_state("long enough pw", "Ada", env={"ATLAS_EDITOR_PASSWORD": "long enough pw"}).can_edit
    True
    >>> editor_state("pw", "Ada", env={}).message == MSG_EDITING_OFF
    True
    >>> editor_state("pw", "Ada", env={"ATLAS_EDITOR_PASSWORD": "pw"}).configured
    False
    """
    configured = configured_password(env, secrets)
    if configured is None:
        return EditorState(False, False, message=MSG_EDITING_OFF)
    if len(configured) < MIN_PASSWORD_LENGTH:
        _log_weak_once()
        return EditorState(False, False, message=MSG_WEAK_PASSWORD.format(n=MIN_PASSWORD_LENGTH))
    if not entered:
        return EditorState(True, False, message=MSG_LOGIN)
    if not check_password(entered, configured):
        return EditorState(True, False, message=MSG_WRONG_PASSWORD)
    who = clean_name(name)
    if not who:
        return EditorState(True, False, message=MSG_NEED_NAME)
    return EditorState(True, True, who=who)


_weak_logged = False


def _log_weak_once() -> None:
    global _weak_logged
    if not _weak_logged:
        _weak_logged = True
        LOG.error("editor password shorter than %d characters: editing is switched off", MIN_PASSWORD_LENGTH)


class Throttle:
    """Failed editor logins, per session and across all sessions, with growing lockouts.

    A session gets ``free`` wrong tries, then must wait ``base`` seconds, doubling with
    each further failure up to ``cap``. All sessions together get ``global_free`` wrong
    tries before the same growing wait applies to everyone (so opening new sessions does
    not reset a guesser). While locked, no password is checked at all, the right one
    included. Success clears the session's count and the global one. Thread-safe; the
    clock is injectable so tests never sleep.
    """

    def __init__(self, *, free: int = 3, global_free: int = 20, base: float = 2.0, cap: float = 300.0,
                 clock: Callable[[], float] = time.monotonic):
        self.free, self.global_free, self.base, self.cap, self.clock = free, global_free, base, cap, clock
        self._lock = threading.Lock()
        self._failures: dict[str, int] = {}
        self._until: dict[str, float] = {}
        self._global_failures = 0
        self._global_until = 0.0

    def _delay(self, failures: int, free: int) -> float:
        over = failures - free
        return 0.0 if over < 0 else min(self.cap, self.base * 2 ** over)

    def wait(self, session: str) -> float:
        """Seconds before ``session`` may try a password again (0: now)."""
        now = self.clock()
        with self._lock:
            return max(0.0, self._until.get(session, 0.0) - now, self._global_until - now)

    def failed(self, session: str) -> int:
        """Record a wrong password; returns the session's failure count."""
        now = self.clock()
        with self._lock:
            n = self._failures.get(session, 0) + 1
            self._failures[session] = n
            self._global_failures += 1
            self._until[session] = now + self._delay(n, self.free)
            self._global_until = now + self._delay(self._global_failures, self.global_free)
            if len(self._failures) > 10_000:  # bounded memory under a flood of sessions
                self._failures.clear()
                self._until.clear()
            return n

    def succeeded(self, session: str) -> None:
        with self._lock:
            self._failures.pop(session, None)
            self._until.pop(session, None)
            self._global_failures = 0
            self._global_until = 0.0


THROTTLE = Throttle()


def session_tag(session_id: str) -> str:
    """A short, non-secret tag for a session id (the raw id also authorises its uploads).

    >>> session_tag("3f2a") == session_tag("3f2a") != session_tag("3f2b")
    True
    """
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()[:8]


def attempt_login(entered: str | None, name: str | None, session_id: str, *,
                  env: Mapping[str, str] | None = None, secrets: Mapping[str, Any] | None = None,
                  throttle: Throttle | None = None) -> EditorState:
    """One login attempt from a session: throttled, logged, and audited as name plus session.

    On success ``who`` is ``"Name (session 1a2b3c4d)"``, so the audit log tells two
    people who typed the same name apart.
    """
    throttle = throttle or THROTTLE
    tag = session_tag(session_id)
    state = editor_state(None, None, env=env, secrets=secrets)
    if not state.configured or not entered:
        return state
    wait = throttle.wait(session_id)
    if wait > 0:
        LOG.warning("editor login refused while throttled: session %s, name %r, %.0f s left",
                    tag, clean_name(name), wait)
        return EditorState(True, False, message=MSG_THROTTLED.format(seconds=math.ceil(wait)))
    state = editor_state(entered, name, env=env, secrets=secrets)
    if state.message == MSG_WRONG_PASSWORD:
        n = throttle.failed(session_id)
        LOG.warning("editor login failed: session %s, name %r, failure %d in this session", tag, clean_name(name), n)
    elif state.can_edit or state.message == MSG_NEED_NAME:
        throttle.succeeded(session_id)
        if state.can_edit:
            LOG.info("editor login: session %s, name %r", tag, state.who)
            state = replace(state, who=f"{state.who} (session {tag})")
    return state
