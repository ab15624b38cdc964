"""Who owns a saved session: one running app at a time.

Two apps on one state folder once resumed the same session and each save overwrote the
other's answers. An app now `claim`s the session it saves; a second app finds it held
(`in_use`, `claim` gives None) and offers it read-only or as a copy.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def lock_path(session_path: Path) -> Path:
    """`.ID.json.lock` beside the session: hidden, so no scan takes it for a session."""
    return session_path.with_name(f".{session_path.name}.lock")


class SessionLock:
    """One running app's hold on a session file: while held, no other app claims it.

    The lock is the operating system's (filelock: flock on POSIX), so it ends with the
    process, however that ends; a lock file left behind holds nothing.
    """

    def __init__(self, session_path: Path, lock: Any) -> None:
        self.path = session_path
        self._lock = lock

    def release(self) -> None:
        if self._lock is not None:
            self._lock.release(force=True)
            self._lock = None

    @property
    def held(self) -> bool:
        return self._lock is not None


def claim(session_path: Path) -> SessionLock | None:
    """This app's hold on the session, or None when another running app holds it.

    An unwritable folder has nothing to guard: the lock holds nothing (`held` is False) and
    saving will say why it fails.
    """
    from filelock import FileLock, Timeout

    # No soft (file-exists) fallback: a crash would leave it held for ever.
    lock = FileLock(lock_path(session_path), blocking=False, thread_local=False,
                    fallback_to_soft=False)
    try:
        session_path.parent.mkdir(parents=True, exist_ok=True)
        lock.acquire()
    except Timeout:
        return None
    except OSError:
        return SessionLock(session_path, None)
    return SessionLock(session_path, lock)


def in_use(session_path: Path) -> bool:
    """Whether another running app (or another claim in this one) holds the session."""
    if not os.path.lexists(lock_path(session_path)):
        return False  # never claimed: nothing to try (and no lock file made)
    held = claim(session_path)
    if held is None:
        return True
    held.release()
    return False
