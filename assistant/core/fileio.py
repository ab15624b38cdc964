"""Atomic file writes: a temporary file in the same folder, fsync, then rename.

A failure at any point (a full disk, a folder that cannot be written, a crash) leaves the
old file as it was and no temporary file behind, and becomes one InputError line.
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import os
import stat
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
    path: Path | str, text: str, *, overwrite: bool = True, durable: bool = True,
    mode: int | None = None, writer: LeanWriter | None = None,
) -> Path:
    """Write `text` to `path` so readers see the old file or the new one, never half.

    `durable=False` leaves out the two fsyncs (file and folder): for the session saved
    after every answer (the rename alone survives a killed process) and for a batch of
    many notes, which then calls `sync_folder` once at the end (an fsync per note costs
    more than rendering it). Such a write goes the lean way (`LeanWriter`) and only what
    that cannot do comes here; a batch passes its own `writer`, made once. `mode` defaults
    to what a plain write would give (the temporary file starts private); sessions pass
    0o600.
    """
    if not durable and (writer or LeanWriter(overwrite, mode)).write(os.fspath(path), text):
        return Path(path)
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


class LeanWriter:
    """`atomic_write(target, text, overwrite=..., durable=False)` in its usual case, leaner.

    The same steps (a new temporary file beside the target, then a rename, or a hard link
    when nothing may be overwritten), with plain system calls on the file descriptor,
    without the checks and the text layer, which together cost a third of rendering a
    note and half of saving a session. Anything unusual (no folder yet, a directory in the
    way, an existing file that must stay, a full disk) returns False, leaving nothing
    behind: `atomic_write` then does the work the careful way and words any error. One
    writer serves a whole batch.
    """

    __slots__ = ("chmod", "mode", "overwrite")

    def __init__(self, overwrite: bool = True, mode: int | None = None) -> None:
        self.overwrite = overwrite
        self.mode = default_mode() if mode is None else mode
        # The file is made with its mode (the umask applies, as for atomic_write's fchmod
        # to 0o666 less the umask); a folder whose default ACL gives something else is
        # caught on the first file, and from then on every file is chmodded.
        self.chmod: bool | None = None  # None: not known yet

    def write(self, target: str, text: str) -> bool:
        folder, name = os.path.split(target)
        tmp = f".{name}.{os.getpid()}.{next(_NAMES)}.tmp"
        if folder:
            tmp = f"{folder}/{tmp}"
        try:
            fd = os.open(tmp, _CREATE, self.mode)
        except OSError:
            return False
        try:
            try:
                if self.chmod is None:  # the first file: does the folder give the mode?
                    self.chmod = stat.S_IMODE(os.fstat(fd).st_mode) != self.mode
                if self.chmod and _FCHMOD is not None:
                    _FCHMOD(fd, self.mode)
                data = text.encode("utf-8")
                done = os.write(fd, data)
                if done < len(data):  # a write may take part of it
                    view = memoryview(data)
                    while done < len(data):
                        done += os.write(fd, view[done:])
            finally:
                os.close(fd)
            if self.overwrite:
                os.replace(tmp, target)
            else:
                os.link(tmp, target)
        except BaseException as exc:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            if isinstance(exc, OSError):
                return False
            raise
        if not self.overwrite:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        return True


_NAMES = itertools.count()  # temporary names: the process id and a counter
_FCHMOD = getattr(os, "fchmod", None)
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | \
    getattr(os, "O_BINARY", 0)
