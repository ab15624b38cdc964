"""Immutable records with slots: what `@dataclass(frozen=True, slots=True)` gives, lighter.

Why not dataclasses: every headless command imports the model, and generating the methods
of its 26 frozen dataclasses (exec'd source, the class built twice for slots) cost about
15 ms per process, a sixth of a whole `spine-assist run`. Here the methods are written once,
on the base class, and each record only annotates its fields (in order), names them in
`__slots__` and writes its `__init__`. Behaviour matches the frozen dataclasses they
replace: equality and hash by fields (same class only), the same repr,
`FrozenInstanceError` on assignment, pickling, `__match_args__`, and `replace(**changes)`
for what `dataclasses.replace` did.
"""

from __future__ import annotations

import inspect
from dataclasses import FrozenInstanceError
from operator import attrgetter
from typing import Any, ClassVar

set_field = object.__setattr__  # for __init__: records refuse ordinary assignment


class Record:
    """Base of the immutable records: a subclass annotates its fields, in order, and names
    the same fields in `__slots__`."""

    __slots__ = ()
    _fields: ClassVar[tuple[str, ...]] = ()
    _values: ClassVar[Any] = staticmethod(lambda record: ())

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # The fields, in order, are the annotated names (ruff sorts `__slots__`); a slot
        # whose name starts with '_' is a cache of derived data, not a field.
        fields = tuple(name for klass in reversed(cls.__mro__)
                       if issubclass(klass, Record) and klass is not Record
                       for name in inspect.get_annotations(klass) if not name.startswith("_"))
        slots = {name for klass in cls.__mro__ for name in klass.__dict__.get("__slots__", ())
                 if not name.startswith("_")}
        if set(fields) != slots:
            raise TypeError(f"{cls.__name__}: __slots__ and the annotated fields differ")
        cls._fields = fields
        cls.__match_args__ = fields
        _RECORDS[cls.__name__] = None if cls.__name__ in _RECORDS else cls
        if len(fields) > 1:
            cls._values = staticmethod(attrgetter(*fields))
        elif fields:
            get = attrgetter(fields[0])
            cls._values = staticmethod(lambda record: (get(record),))

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._values(self) == self._values(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._values(self))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__qualname__}({shown})"

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return type(self), tuple(self._values(self))

    def replace(self, **changes: Any) -> Record:
        """A copy with some fields changed (as `dataclasses.replace` does)."""
        unknown = set(changes).difference(self._fields)
        if unknown:
            raise TypeError(f"{type(self).__name__} has no field {sorted(unknown)[0]!r}")
        values = dict(zip(self._fields, self._values(self), strict=True))
        values.update(changes)
        return type(self)(**values)


# ------------------------------------------------------------------ plain data (JSON)
_RECORDS: dict[str, type[Record] | None] = {}  # class name -> class (None: name taken twice)


def to_plain(value: Any) -> Any:
    """Records, tuples, lists, dicts and scalars as JSON-ready data (`from_plain` undoes it);
    anything else is a TypeError."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, Record):
        return {"r": type(value).__name__, "v": [to_plain(v) for v in value._values(value)]}
    if isinstance(value, tuple):
        return {"t": [to_plain(v) for v in value]}
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    if isinstance(value, dict):
        return {"d": [[to_plain(k), to_plain(v)] for k, v in value.items()]}
    raise TypeError(f"{type(value).__name__} is not plain data")


def from_plain(data: Any) -> Any:
    """What `to_plain` made, built again: only records of this program's own classes."""
    if isinstance(data, list):
        return [from_plain(v) for v in data]
    if not isinstance(data, dict):
        return data
    if "r" in data:
        cls = _RECORDS.get(data["r"])
        if cls is None:
            raise TypeError(f"unknown record {data['r']!r}")
        return cls(*(from_plain(v) for v in data["v"]))
    if "t" in data:
        return tuple(from_plain(v) for v in data["t"])
    return {from_plain(k): from_plain(v) for k, v in data["d"]}
