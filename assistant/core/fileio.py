"""Files in and out: one atomic writer and one careful reader, each wording its failures.

Writing: a temporary file in the same folder, then a rename (or a hard link, when nothing may
be overwritten), so readers see the old file or the new one, never half. A failure (full
disk, unwritable folder, crash) leaves the old file as it was, no temporary file, and one
InputError line.

Reading: only regular files, opened without blocking (a FIFO would wait for ever for a
writer, /dev/zero never ends), with a size limit that holds while reading.
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import json
import math
import os
import stat
from pathlib import Path
from typing import Any

from assistant.core.errors import InputError, Location, did_you_mean

_ADVICE = {
    errno.ENOSPC: "free some space or write elsewhere; any existing file is unchanged",
    errno.EDQUOT: "free some space or write elsewhere; any existing file is unchanged",
    errno.EACCES: "a folder you may write to",
    errno.EPERM: "a folder you may write to",
    errno.EROFS: "a folder on a writable disk",
    errno.ENOTDIR: "a path whose folders are folders, not files",
    errno.ENAMETOOLONG: "a shorter file name",
}

_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISLNK, "a symbolic link"),
)


def _reason(exc: OSError) -> str:
    """The system's words for an error, without assuming it carries any."""
    text = exc.strerror or (os.strerror(exc.errno) if exc.errno else type(exc).__name__)
    return str(text).lower()


def kind_of(mode: int) -> str:
    """`a named pipe (FIFO)`, `a character device`...: for neither a file nor a folder."""
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


# --------------------------------------------------------------------------- reading
def read_regular_file(path: Path | str, limit: int, what: str = "file", *,
                      follow_symlinks: bool = True) -> bytes:
    """A regular file of at most `limit` bytes; anything else is an InputError.

    Checked before opening (a FIFO, device or socket is never opened), opened non-blocking
    (a file swapped for a FIFO in between cannot hang us), checked again once open.
    `follow_symlinks=False` (session files) refuses a symbolic link itself.
    """
    name = os.fspath(path)
    where = Location(str(name))
    try:
        info = os.stat(name) if follow_symlinks else os.lstat(name)
        _require_regular(info.st_mode, what, where)
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
        if not follow_symlinks:
            flags |= getattr(os, "O_NOFOLLOW", 0)
        fd = os.open(name, flags | getattr(os, "O_CLOEXEC", 0))
        try:
            info = os.fstat(fd)
            _require_regular(info.st_mode, what, where)
            if info.st_size > limit:
                raise _too_large(what, where, limit, info.st_size)
            data = _read_up_to(fd, min(info.st_size, limit) + 1)
            if len(data) > limit:  # it grew while we read
                raise _too_large(what, where, limit, None)
            return data
        finally:
            os.close(fd)
    except FileNotFoundError:
        raise InputError(f"{what} not found{near_miss(Path(name))}", where) from None
    except PermissionError:
        raise InputError(f"{what} cannot be read (permission denied)", where) from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # O_NOFOLLOW met a symbolic link
            raise InputError(f"{what} is a symbolic link, not a regular file", where,
                             "a regular file") from None
        raise InputError(f"{what} cannot be read ({_reason(exc)})", where) from None


def _require_regular(mode: int, what: str, where: Location, *,
                     folder_hint: str = "a YAML or JSON file",
                     other_hint: str = "a regular file") -> None:
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise InputError(f"{what} is a directory, not a file", where, folder_hint)
    raise InputError(f"{what} is {kind_of(mode)}, not a regular file", where, other_hint)


def _too_large(what: str, where: Location, limit: int, size: int | None) -> InputError:
    shown = f" ({size} bytes)" if size is not None else ""
    return InputError(f"{what} is too large{shown}", where, f"at most {limit} bytes")


def _read_up_to(fd: int, count: int) -> bytes:
    data = b""  # one read in the usual case (`b"" + chunk` is the chunk itself, no copy)
    while len(data) < count and (chunk := os.read(fd, count - len(data))):
        data += chunk
    return data


def near_miss(path: Path) -> str:
    """`; did you mean 'x'?` for a file beside the missing one, or a word on the folder."""
    folder = path.parent
    try:
        if not folder.is_dir():
            return f" (the folder '{folder}' does not exist)"
        siblings = {p.stem: p.name for p in folder.iterdir() if not p.name.startswith(".")}
    except OSError:
        return ""
    hint = did_you_mean(path.stem, list(siblings)[:1000])  # stems: '.yaml' is no likeness
    if not hint:
        return ""
    close = siblings[hint[len("; did you mean '"):-len("'?")]]
    return f"; did you mean '{folder / close if str(folder) != '.' else close}'?"


# --------------------------------------------------------------------------- JSON
def parse_json(raw: bytes, where: Location, error: type[InputError] = InputError,
               max_depth: int = 8) -> Any:
    """Infinity, NaN, 1e400, a 5,000-digit number and nesting past `max_depth` are refused,
    located."""
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_no_constant,
                          parse_float=_finite_float, parse_int=_short_int)
    except UnicodeDecodeError:
        raise error("the file is not UTF-8", where) from None
    except json.JSONDecodeError as exc:
        raise error(f"not valid JSON ({exc.msg})",
                    Location(where.file, exc.lineno, exc.colno)) from None
    except ValueError as exc:  # from the number hooks
        raise error(str(exc), where, "finite numbers of at most 18 digits") from None
    except RecursionError:
        raise error("nested too deeply", where, f"at most {max_depth} levels") from None
    if _too_deep(data, max_depth):
        raise error("nested too deeply", where, f"at most {max_depth} levels")
    return data


def _no_constant(name: str) -> Any:
    raise ValueError(f"'{name}' is not a number")


def _finite_float(text: str) -> float:
    value = float(text)
    if len(text) > 40 or not math.isfinite(value):
        raise ValueError(f"the number '{text[:40]}' is out of range")
    return value


def _short_int(text: str) -> int:
    if len(text) > 19:  # 18 digits and a sign; int() of 5,000 digits is slow, and refused
        raise ValueError(f"the number '{text[:40]}...' is out of range")
    return int(text)


def _too_deep(data: Any, levels: int) -> bool:
    """More than `levels` levels of lists and mappings (recursing at most that deep)."""
    if not isinstance(data, dict | list):
        return False
    items = data.values() if isinstance(data, dict) else data
    return levels == 0 or any(_too_deep(item, levels - 1) for item in items)


# --------------------------------------------------------------------------- writing
def check_output(path: Path | str) -> None:
    """Refuse an existing output that is not a regular file, whatever --force says: replacing
    it would break what it is, and writing into it could block or reach a device."""
    name = os.fspath(path)
    try:
        info = os.stat(name)  # a link is judged by what it points at
    except OSError:
        return  # nothing there (or nothing we can see): the write says what is wrong
    _require_regular(info.st_mode, "the output", Location(str(name)),
                     folder_hint="a file name, e.g. note.md",
                     other_hint="a new or regular file; `-o -` for standard output")


def atomic_write(path: Path | str, text: str, *, overwrite: bool = True, durable: bool = True,
                 mode: int | None = None) -> Path:
    """Readers see the old file or the new one, never half.

    `durable=False` skips the two fsyncs: for the session saved after every answer (the
    rename alone survives a killed process) and for a batch, which calls `sync_folder` once
    at the end (an fsync per note costs more than rendering it). `mode`: sessions pass 0o600.
    """
    target = Path(path)
    check_output(target)
    if not overwrite and os.path.lexists(target):
        raise _exists(target)
    named: list[str] = []  # the temporary file's name, kept before it is made (see below)
    try:
        fd = _create_temporary(target, 0o666 if mode is None else mode, named)
        tmp = named[-1]
        try:
            if mode is not None and hasattr(os, "fchmod"):
                os.fchmod(fd, mode)
            _write_all(fd, text.encode("utf-8"))
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        if overwrite:
            os.replace(tmp, target)
        else:
            _link_new(tmp, target)
    except BaseException as exc:
        if named:
            with contextlib.suppress(OSError):
                os.unlink(named[-1])
        if isinstance(exc, FileExistsError):
            raise _exists(target) from None
        if isinstance(exc, OSError):
            raise InputError(f"cannot write the file: {_reason(exc)}", Location(str(target)),
                             _ADVICE.get(exc.errno or 0)) from None
        raise
    if durable:
        _sync_folder(target.parent)
    return target


def _exists(target: Path) -> InputError:
    return InputError("the file already exists", Location(str(target)),
                      "use --force to overwrite it")


def _create_temporary(target: Path, mode: int, named: list[str]) -> int:
    """Its name goes into `named` before it is made, so the caller can remove it whatever
    interrupts (a SIGTERM stopping a batch worker is raised as soon as `os.open` returns: a
    file made but not yet returned was left behind). At most 40 characters of the target's
    name, so any valid target has a valid temporary name.
    """
    folder = target.parent
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | \
        getattr(os, "O_BINARY", 0)
    made_folder = False
    while True:
        tmp = os.path.join(folder, f".{target.name[:40]}.{os.getpid()}.{next(_NAMES)}.tmp")
        named.append(tmp)
        try:
            return os.open(tmp, flags, mode)  # less the umask, as open() gives
        except FileExistsError:  # a leftover of a process that had our id: the next name
            named.pop()
        except FileNotFoundError as exc:
            if made_folder:
                raise _folder_error(folder, exc) from None
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as mkdir_exc:
                raise _folder_error(_first_missing(folder), mkdir_exc) from None
            made_folder = True
        except OSError as exc:
            where = _first_missing(folder) if exc.errno == errno.ENOTDIR else folder
            raise _folder_error(where, exc) from None


def _first_missing(folder: Path) -> Path:
    """The part of the path that is in the way of the folder (a file where a folder goes)."""
    for parent in reversed((folder, *folder.parents)):
        if os.path.lexists(parent) and not parent.is_dir():
            return parent
    return folder


def _folder_error(folder: Path, exc: OSError) -> InputError:
    return InputError(f"cannot write in this folder: {_reason(exc)}", Location(str(folder)),
                      _ADVICE.get(exc.errno or 0))


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:  # a write may take part of it
        view = view[os.write(fd, view):]


def _link_new(tmp: str, path: Path) -> None:
    """Put the file in place only if nothing is there (no check-then-write race)."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links: check, then rename
        if os.path.lexists(path):
            raise FileExistsError(errno.EEXIST, "File exists", str(path)) from None
        os.replace(tmp, path)
        return
    with contextlib.suppress(OSError):
        os.unlink(tmp)


def sync_folder(folder: Path) -> None:
    """Make everything written without `durable` so far reach the disk, then the folder."""
    if hasattr(os, "sync"):
        os.sync()
    _sync_folder(Path(folder))


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (best effort: not every system can open a folder)."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


_NAMES = itertools.count()  # temporary names: the process id and a counter
