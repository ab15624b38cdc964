"""Immutable records: what `@dataclass(frozen=True, slots=True)` gives, declared the same way.

Why not dataclasses: every headless command imports the model, and its 26 frozen slotted
dataclasses cost about 29 ms per process (built twice for slots, much generated), against the
cold-start and headless-run budgets; a record class costs about 0.05 ms. Fields are annotated
as for a dataclass (mypy reads it as one: `dataclass_transform`); a record has equality and
hash by fields (same class only), the dataclass repr, `FrozenInstanceError`, pickling,
`__match_args__` and `replace(**changes)`. Only mutable state (a Session being saved, a
trainee's CaseResult) is a plain dataclass.
"""

from __future__ import annotations

from operator import attrgetter
from typing import Any, ClassVar, Self, dataclass_transform

_RECORDS: dict[str, Any] = {}  # class name -> record class (None: the name is taken twice)


@dataclass_transform(frozen_default=True)
class _RecordType(type):
    """Makes each record's slots, `__init__` and field list from its annotations."""

    def __new__(mcs, name: str, bases: tuple[type, ...], ns: dict[str, Any]) -> _RecordType:
        own = [field for field, note in ns.get("__annotations__", {}).items()
               if not field.startswith("_") and not str(note).startswith("ClassVar")]
        defaults = {field: ns.pop(field) for field in own if field in ns}
        ns["__slots__"] = tuple(own)
        cls = super().__new__(mcs, name, bases, ns)
        for base in bases:
            defaults = {**getattr(base, "_defaults", {}), **defaults}
        fields = (*(f for base in bases for f in getattr(base, "_fields", ())), *own)
        members = {"_fields": fields, "__match_args__": fields, "_defaults": defaults,
                   "_values": _getter(fields)}
        if fields and "__init__" not in ns:
            members["__init__"] = _make_init(cls, fields, defaults)
        for attribute, value in members.items():
            setattr(cls, attribute, value)
        _RECORDS[name] = None if name in _RECORDS else cls
        return cls


def _getter(fields: tuple[str, ...]) -> Any:
    """A record's field values as a tuple."""
    if len(fields) > 1:
        return staticmethod(attrgetter(*fields))
    get = attrgetter(*fields) if fields else None
    return staticmethod(lambda record: (get(record),) if get else ())


def _make_init(cls: type, fields: tuple[str, ...], defaults: dict[str, Any]) -> Any:
    names = {f"_default_{f}": v for f, v in defaults.items()}
    params = ", ".join(f"{f}=_default_{f}" if f in defaults else f for f in fields)
    body = [f"    _set(self, {f!r}, {f})" for f in fields]
    code = f"def __init__(self, {params}) -> None:\n" + "\n".join(body)
    scope: dict[str, Any] = {"_set": object.__setattr__, **names}  # records refuse `=`
    exec(code, scope)
    init = scope["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init


def _frozen(message: str) -> Exception:
    """Imported only when raised: dataclasses costs a start about 1.5 ms."""
    from dataclasses import FrozenInstanceError

    return FrozenInstanceError(message)


class Record(metaclass=_RecordType):
    """Base of the immutable records (see the module docstring)."""

    __slots__ = ()
    _fields: ClassVar[tuple[str, ...]] = ()
    _defaults: ClassVar[dict[str, Any]] = {}
    _values: ClassVar[Any] = staticmethod(lambda record: ())

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return bool(self._values(self) == self._values(other))
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._values(self))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__qualname__}({shown})"

    def __setattr__(self, name: str, value: Any) -> None:
        raise _frozen(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise _frozen(f"cannot delete field {name!r}")

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return type(self), tuple(self._values(self))

    def replace(self, **changes: Any) -> Self:
        """As `dataclasses.replace`."""
        unknown = set(changes).difference(self._fields)
        if unknown:
            raise TypeError(f"{type(self).__name__} has no field {sorted(unknown)[0]!r}")
        values = dict(zip(self._fields, self._values(self), strict=True))
        values.update(changes)
        return type(self)(**values)


# ------------------------------------------------------------------ plain data (JSON)


def to_plain(value: Any) -> Any:
    """Records, tuples, lists, dicts and scalars as JSON-ready data; anything else: TypeError."""
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
    """Builds only records of this program's own classes."""
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
