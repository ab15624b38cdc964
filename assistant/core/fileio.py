"""Atomic file writes: a temporary file in the same folder, fsync, then rename."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from assistant.core.errors import InputError, Location


def atomic_write(path: Path, text: str, *, overwrite: bool = True) -> Path:
    """Write `text` to `path` so readers see the old file or the new one, never half."""
    path = Path(path)
    folder = path.parent
    if path.is_dir():
        raise InputError("the output is a directory, not a file", Location(str(path)))
    if not overwrite and path.exists():
        raise InputError("the file already exists", Location(str(path)),
                         "use --force to overwrite it")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise InputError(f"cannot write here ({exc.strerror})", Location(str(folder))) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise InputError(f"cannot write the file ({exc.strerror})", Location(str(path))) from None
    return path
