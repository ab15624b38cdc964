"""Input files and where each value in them came from: no YAML parsing here.

Reading a file with a size cap and located containers (LocDict, LocList) are all that a
consultation needs when its tree comes from the cache, so a start-up never pays for
importing PyYAML; `assistant.core.yamlio` parses, and re-exports these names.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.core.errors import InputError, Location
from assistant.core.fileio import read_regular_file

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
        return mark_loc(self._file, self._mark)

    def key_loc(self, key: Any) -> Location:
        return mark_loc(self._file, self._key_marks.get(key, self._mark))

    def value_loc(self, key: Any) -> Location:
        return mark_loc(self._file, self._value_marks.get(key, self._mark))


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
        return mark_loc(self._file, self._mark)

    def item_loc(self, index: int) -> Location:
        marks = self._item_marks
        return mark_loc(self._file, marks[index] if 0 <= index < len(marks) else self._mark)


def mark_loc(file: str, mark: Any) -> Location:
    """A parser's mark (0-based) as a Location (1-based, as editors count)."""
    return Location(file, mark.line + 1, mark.column + 1)


def loc_of(container: Any, key: Any = None) -> Location | None:
    """Best location for `container[key]` (or the container itself)."""
    if isinstance(container, LocDict):
        return container.value_loc(key) if key is not None else container.loc
    if isinstance(container, LocList):
        return container.item_loc(key) if isinstance(key, int) else container.loc
    return None


def read_text(path: Path, what: str = "file", limit: int = MAX_FILE_BYTES) -> str:
    """A regular UTF-8 file of at most `limit` bytes (a FIFO or /dev/zero is refused, not
    read); every failure is an InputError naming the file."""
    data = read_regular_file(path, limit, what)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise not_utf8(data, exc, str(path)) from None


def not_utf8(data: bytes, exc: UnicodeDecodeError, file: str, what: str = "",
             error: type[InputError] = InputError) -> InputError:
    """Located at the first byte that is not UTF-8."""
    line = data[: exc.start].count(b"\n") + 1
    column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
    return error(f"{what}not valid UTF-8 (byte 0x{data[exc.start]:02x})",
                 Location(file, line, column), "save the file as UTF-8")


def shown(value: Any, quoted: bool = False) -> str:
    """A value in words for an error (`the number 3`); `quoted`: as written (`'3'`)."""
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
