"""Atomic file writes: a temporary file in the same folder, fsync, then rename.

A failure at any point (a full disk, a folder that cannot be written, a crash) leaves the
old file as it was and no temporary file behind, and becomes one InputError line.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path

from assistant.core.errors import InputError, Location

_ADVICE = {
    errno.ENOSPC: "free some space or write elsewhere; any existing file is unchanged",
    errno.EDQUOT: "free some space or write elsewhere; any existing file is unchanged",
    errno.EACCES: "a folder you may write to",
    errno.EPERM: "a folder you may write to",
    errno.EROFS: "a folder on a writable disk",
    errno.ENOTDIR: "a path whose folders are folders, not files",
}


def _reason(exc: OSError) -> str:
    return (exc.strerror or type(exc).__name__).lower()


def default_mode() -> int:
    """What a plain `open()` would give a new file: 0o666 less the umask."""
    global _UMASK
    if _UMASK is None:
        _UMASK = os.umask(0o022)
        os.umask(_UMASK)
    return 0o666 & ~_UMASK


_UMASK: int | None = None


def atomic_write(
    path: Path, text: str, *, overwrite: bool = True, durable: bool = True,
    mode: int | None = None,
) -> Path:
    """Write `text` to `path` so readers see the old file or the new one, never half.

    `durable=False` leaves out the two fsyncs (file and folder): for a batch of many notes,
    which then calls `sync_folder` once at the end (an fsync per note costs more than
    rendering it). `mode` defaults to what a plain write would give (the temporary file
    starts private); sessions pass 0o600.
    """
    path = Path(path)
    folder = path.parent
    if path.is_dir():
        raise InputError("the output is a directory, not a file", Location(str(path)),
                         "a file name, e.g. note.md")
    if not overwrite and path.exists():
        raise InputError("the file already exists", Location(str(path)),
                         "use --force to overwrite it")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise InputError(f"cannot write in this folder: {_reason(exc)}", Location(str(folder)),
                         _ADVICE.get(exc.errno or 0)) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            if hasattr(os, "fchmod"):
                os.fchmod(handle.fileno(), default_mode() if mode is None else mode)
            handle.write(text)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        if overwrite:
            os.replace(tmp, path)
        else:
            _link_new(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, FileExistsError):
            raise InputError("the file already exists", Location(str(path)),
                             "use --force to overwrite it") from None
        if isinstance(exc, OSError):
            raise InputError(f"cannot write the file: {_reason(exc)}", Location(str(path)),
                             _ADVICE.get(exc.errno or 0)) from None
        raise
    if durable:
        _sync_folder(folder)
    return path


def sync_folder(folder: Path) -> None:
    """Make everything written without `durable` so far reach the disk, then the folder."""
    if hasattr(os, "sync"):
        os.sync()
    _sync_folder(Path(folder))


def _link_new(tmp: str, path: Path) -> None:
    """Put the file in place only if nothing is there (no check-then-write race)."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links: check, then rename
        if path.exists():
            raise FileExistsError(errno.EEXIST, "File exists", str(path)) from None
        os.replace(tmp, path)
        return
    with contextlib.suppress(OSError):
        os.unlink(tmp)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (best effort: not every system can open a folder)."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
