"""Input files and where each value in them came from: no YAML parsing here.

Reading a file with a size cap and located containers (LocDict, LocList) are all that a
consultation needs when its tree comes from the cache, so a start-up never pays for
importing PyYAML; `assistant.core.yamlio` parses, and re-exports these names.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from assistant.core.errors import InputError, Location, did_you_mean

MAX_FILE_BYTES = 2 * 1024 * 1024


class LocDict(dict):
    """A dict that remembers where it, each key and each value started.

    Positions are kept as the parser's marks and turned into Locations only when asked
    for: most values are never reported, and a large tree has hundreds of thousands.
    """

    __slots__ = ("_file", "_key_marks", "_mark", "_value_marks")

    def __init__(self, file: str, mark: Any) -> None:
        super().__init__()
        self._file = file
        self._mark = mark
        self._key_marks: dict[Any, Any] = {}
        self._value_marks: dict[Any, Any] = {}

    @property
    def loc(self) -> Location:
        return _location(self._file, self._mark)

    @property
    def key_locs(self) -> dict[Any, Location]:
        return {k: _location(self._file, m) for k, m in self._key_marks.items()}

    @property
    def value_locs(self) -> dict[Any, Location]:
        return {k: _location(self._file, m) for k, m in self._value_marks.items()}

    def key_loc(self, key: Any) -> Location:
        return _location(self._file, self._key_marks.get(key, self._mark))

    def value_loc(self, key: Any) -> Location:
        return _location(self._file, self._value_marks.get(key, self._mark))


class LocList(list):
    """A list that remembers where it and each item started (as marks, see LocDict)."""

    __slots__ = ("_file", "_item_marks", "_mark")

    def __init__(self, file: str, mark: Any) -> None:
        super().__init__()
        self._file = file
        self._mark = mark
        self._item_marks: list[Any] = []

    @property
    def loc(self) -> Location:
        return _location(self._file, self._mark)

    @property
    def item_locs(self) -> list[Location]:
        return [_location(self._file, m) for m in self._item_marks]

    def item_loc(self, index: int) -> Location:
        marks = self._item_marks
        return _location(self._file, marks[index] if 0 <= index < len(marks) else self._mark)


def _location(file: str, mark: Any) -> Location:
    return Location(file, mark.line + 1, mark.column + 1)


def loc_of(container: Any, key: Any = None) -> Location | None:
    """Best location for `container[key]` (or the container itself)."""
    if isinstance(container, LocDict):
        return container.value_loc(key) if key is not None else container.loc
    if isinstance(container, LocList):
        return container.item_loc(key) if isinstance(key, int) else container.loc
    return None


def read_text(path: Path, what: str = "file", limit: int = MAX_FILE_BYTES) -> str:
    """Read a UTF-8 file with a size cap; every failure is an InputError naming the file.

    The cap holds while reading (at most limit + 1 bytes are read), so a device or a file
    that grows, such as /dev/zero, is refused instead of filling memory.
    """
    name = str(path)
    try:
        data = _read_capped(path, limit)
        if len(data) > limit:
            size = path.stat().st_size
            shown = f" ({size} bytes)" if size > limit else ""
            raise InputError(f"{what} is too large{shown}", Location(name),
                             f"at most {limit} bytes")
    except FileNotFoundError:
        raise InputError(f"{what} not found{_near_miss(path)}", Location(name)) from None
    except PermissionError:
        if path.is_dir():  # Windows says this of a directory
            raise InputError(f"{what} is a directory, not a file", Location(name),
                             "a YAML or JSON file") from None
        raise InputError(f"{what} cannot be read (permission denied)", Location(name)) from None
    except IsADirectoryError:
        raise InputError(f"{what} is a directory, not a file", Location(name),
                         "a YAML or JSON file") from None
    except OSError as exc:
        raise InputError(f"{what} cannot be read ({exc.strerror})", Location(name)) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x})",
            Location(name, line, col),
            "save the file as UTF-8",
        ) from None


def _read_capped(path: Path, limit: int) -> bytes:
    """At most limit + 1 bytes of the file, with plain system calls (open, fstat, read,
    close: a buffered file object adds four more, and reading limit + 1 bytes at once
    would allocate 2 MB for every small answer file)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        info = os.fstat(fd)
        size = info.st_size
        want = size + 1 if size < limit else limit + 1  # one more, to see a file grow
        data = os.read(fd, want)
        if len(data) < want and stat.S_ISREG(info.st_mode):
            return data  # a short read of a regular file is its end
        chunks = [data]
        got = len(data)
        while got <= limit:  # a device, a pipe, or a file that grew: read on to the cap
            chunk = os.read(fd, limit + 1 - got)
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _near_miss(path: Path) -> str:
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


def shown(value: Any, quoted: bool = False) -> str:
    """A value in words for an error: `a list`, `nothing`, `the number 3`, `the text 'x'`;
    with quoted, plain values are just quoted as written (`'true'`, `'3'`)."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    text = str(value).lower() if isinstance(value, bool) else str(value)
    if quoted:
        return f"'{text}'"
    if isinstance(value, bool):
        return f"the boolean {text}"
    if isinstance(value, (int, float)):
        return f"the number {text}"
    return f"the text {text!r}"
