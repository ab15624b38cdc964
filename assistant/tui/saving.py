"""What the app says when a save fails or it crashes.

Apart from the app: tested without a terminal, and the app stays under its size.
"""

from __future__ import annotations

from assistant.core.errors import InputError, terminal_safe


def save_failure(exc: BaseException) -> str:
    """One sentence, what went wrong first (a one-line header cut at its end still says
    it), then where, then what to do."""
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


def crash_message(error: Exception, saved: bool, log: str | None) -> str:
    """True about the answers (saved or not) and the log."""
    lines = [terminal_safe(f"spine-assist: unexpected {type(error).__name__}: {error}")]
    if saved:
        lines.append("Your answers are saved: run `spine-assist resume` to continue.")
    else:
        lines.append("Your answers could not be saved.")
    if log:
        lines.append(f"Details: {terminal_safe(log)}")
    return "\n".join(lines)

