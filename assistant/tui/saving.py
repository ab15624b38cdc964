"""What the app says when a save fails, and which running app owns a session file.

Why here and not in the app: both are plain functions of the core's session API, tested
without a terminal, and the app stays under its size.
"""

from __future__ import annotations

from typing import Protocol

from assistant.core import session as sessions
from assistant.core.errors import InputError, terminal_safe


class SessionClaim(Protocol):
    """A running app's hold on one session file (core's lock); released on exit."""

    def release(self) -> None: ...


def save_failure(exc: BaseException) -> str:
    """Why a save failed, as one plain sentence: what went wrong first (a one-line header
    cut at its end still says it), then where, then what to do; no control characters.

    An InputError (what the core raises) carries its parts; an OSError has a strerror, or
    not (then its text).
    """
    if isinstance(exc, InputError):
        parts = [exc.message, str(exc.location) if exc.location else "", exc.allowed or ""]
        text = " - ".join(part for part in parts if part)
    elif isinstance(exc, OSError):
        text = str(exc.strerror or exc)
        if exc.filename:
            text = f"{text} - {exc.filename}"
    else:
        text = str(exc) or type(exc).__name__
    return terminal_safe(" ".join(text.split()).rstrip("."))


def claim_session(session: sessions.Session) -> SessionClaim | None:
    """Hold the session's file for this app; None when another running app holds it. A
    session never saved has no file and nothing to hold yet (an empty claim)."""
    if session.file is None:
        return _Unheld()
    try:
        return sessions.claim(session.path)
    except (OSError, InputError):
        return _Unheld()  # a lock that cannot be made (read-only folder): the save says so


def session_busy(session: sessions.Session) -> bool:
    """Is the session held by another running app? (Asked before offering to resume it.)"""
    if session.file is None:
        return False
    try:
        return sessions.in_use(session.path)
    except (OSError, InputError):
        return False


def crash_message(error: Exception, saved: bool, log: str | None) -> str:
    """What a crash prints: true about the answers (saved or not) and the log."""
    lines = [terminal_safe(f"spine-assist: unexpected {type(error).__name__}: {error}")]
    if saved:
        lines.append("Your answers are saved: run `spine-assist resume` to continue.")
    else:
        lines.append("Your answers could not be saved.")
    if log:
        lines.append(f"Details: {terminal_safe(log)}")
    return "\n".join(lines)


class _Unheld:
    """No file to hold (yet), or no lock to hold it with."""

    def release(self) -> None:
        return None
