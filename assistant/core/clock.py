"""Now, in UTC to the second: the one clock of notes and sessions.

`SOURCE_DATE_EPOCH` (the reproducible-builds convention) fixes it for reproducible output
and tests. A value that is not a whole number of seconds a date can hold is refused in one
line, never a traceback (it once crashed `run` and the TUI).
"""

from __future__ import annotations

import datetime as dt
import os

from assistant.core.errors import InputError, Location

LATEST_EPOCH = 253402300799  # 9999-12-31T23:59:59Z, the last second a datetime holds


def now_utc() -> dt.datetime:
    """Now, to the second; SOURCE_DATE_EPOCH, when set, is now."""
    text = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not text:
        return dt.datetime.now(tz=dt.UTC).replace(microsecond=0)
    if text.isascii() and text.isdigit() and len(text) <= 12 and int(text) <= LATEST_EPOCH:
        return dt.datetime.fromtimestamp(int(text), tz=dt.UTC)
    shown = text if len(text) <= 40 else f"{text[:40]}..."
    raise InputError(f"'{shown}' is not a time this tool can use",
                     Location("SOURCE_DATE_EPOCH"),
                     f"whole seconds since 1970-01-01 UTC, from 0 to {LATEST_EPOCH}")
