"""The declarative condition language of trees: parsed once at load, evaluated without eval.

Forms (YAML):
    {all: [c, ...]}  {any: [c, ...]}  {not: c}
    {question_id: value}                  equals (for several-choice answers: contains)
    {question_id: [v1, v2]}               one of (several-choice: any of them chosen)
    {question_id: {eq|ne|in|not_in|lt|le|gt|ge|answered|matches: operand}}
    {factor: factor_id}                   that factor was raised (outcome and advice rules)
    {favoring: OSS}                       some factor favoring OSS was raised
A mapping with several keys means all of them. A condition about an answer that was not
given is false (use `answered: false` to test for absence).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any, Protocol

from assistant.core.errors import Location, TreeError, did_you_mean, one_of
from assistant.core.records import Record, set_field
from assistant.core.source import loc_of

COMPARISONS = ("eq", "ne", "in", "not_in", "lt", "le", "gt", "ge", "answered", "matches")
NUMERIC = ("lt", "le", "gt", "ge")
RESERVED = ("all", "any", "not", "factor", "favoring")


class Context(Protocol):
    """What a condition looks at: named values and the factors raised so far."""

    values: Mapping[str, Any]
    factor_ids: Collection[str]
    favoring: Collection[str]


class EvalContext(Record):
    __slots__ = ("factor_ids", "favoring", "values")
    values: Mapping[str, Any]
    factor_ids: Collection[str]
    favoring: Collection[str]

    def __init__(self, values: Mapping[str, Any], factor_ids: Collection[str] = (),
                 favoring: Collection[str] = ()) -> None:
        set_field(self, "values", values)
        set_field(self, "factor_ids", factor_ids)
        set_field(self, "favoring", favoring)


class Condition(Record):
    """Base class; subclasses are small immutable nodes (records)."""

    __slots__ = ()

    def holds(self, ctx: Context) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    def names(self) -> set[str]:
        """Names (questions, derived values) this condition reads."""
        return set()

    def describe(self) -> str:
        """Short human text for graphs and the decision map."""
        return "always"


class Always(Condition):
    __slots__ = ()

    def holds(self, ctx: Context) -> bool:
        return True


ALWAYS = Always()


class All(Condition):
    __slots__ = ("items",)
    items: tuple[Condition, ...]

    def __init__(self, items: tuple[Condition, ...]) -> None:
        set_field(self, "items", items)

    def holds(self, ctx: Context) -> bool:
        return all(item.holds(ctx) for item in self.items)

    def names(self) -> set[str]:
        return set().union(*(i.names() for i in self.items)) if self.items else set()

    def describe(self) -> str:
        return " and ".join(i.describe() for i in self.items)


class AnyOf(Condition):
    __slots__ = ("items",)
    items: tuple[Condition, ...]

    def __init__(self, items: tuple[Condition, ...]) -> None:
        set_field(self, "items", items)

    def holds(self, ctx: Context) -> bool:
        return any(item.holds(ctx) for item in self.items)

    def names(self) -> set[str]:
        return set().union(*(i.names() for i in self.items)) if self.items else set()

    def describe(self) -> str:
        return "(" + " or ".join(i.describe() for i in self.items) + ")"


class Not(Condition):
    __slots__ = ("item",)
    item: Condition

    def __init__(self, item: Condition) -> None:
        set_field(self, "item", item)

    def holds(self, ctx: Context) -> bool:
        return not self.item.holds(ctx)

    def names(self) -> set[str]:
        return self.item.names()

    def describe(self) -> str:
        return f"not ({self.item.describe()})"


class FactorRaised(Condition):
    __slots__ = ("factor",)
    factor: str

    def __init__(self, factor: str) -> None:
        set_field(self, "factor", factor)

    def holds(self, ctx: Context) -> bool:
        return self.factor in ctx.factor_ids

    def describe(self) -> str:
        return f"factor {self.factor}"


class Favoring(Condition):
    __slots__ = ("favors",)
    favors: str

    def __init__(self, favors: str) -> None:
        set_field(self, "favors", favors)

    def holds(self, ctx: Context) -> bool:
        return self.favors in ctx.favoring

    def describe(self) -> str:
        return f"a factor favors {self.favors}"


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
}


class Compare(Condition):
    __slots__ = ("name", "op", "operand")
    name: str
    op: str
    operand: Any

    def __init__(self, name: str, op: str, operand: Any) -> None:
        set_field(self, "name", name)
        set_field(self, "op", op)
        set_field(self, "operand", operand)

    def holds(self, ctx: Context) -> bool:
        present = self.name in ctx.values
        if self.op == "answered":
            return present == bool(self.operand)
        if not present:
            return False
        value = ctx.values[self.name]
        chosen = set(value) if isinstance(value, (list, tuple)) else {value}
        if self.op == "eq":
            return self.operand in chosen
        if self.op == "ne":
            return self.operand not in chosen
        if self.op == "in":
            return bool(chosen.intersection(self.operand))
        if self.op == "not_in":
            return not chosen.intersection(self.operand)
        if self.op == "matches":
            return isinstance(value, str) and re.fullmatch(self.operand, value) is not None
        if not _is_number(value):
            return False
        return _OPS[self.op](value, self.operand)

    def names(self) -> set[str]:
        return {self.name}

    def describe(self) -> str:
        symbol = {"eq": "=", "ne": "≠", "in": "in", "not_in": "not in", "lt": "<",
                  "le": "≤", "gt": ">", "ge": "≥", "answered": "answered",
                  "matches": "matches"}[self.op]
        if self.op == "answered":
            return f"{self.name} {'answered' if self.operand else 'not answered'}"
        operand = (
            "{" + ", ".join(map(str, self.operand)) + "}"
            if isinstance(self.operand, (tuple, frozenset))
            else self.operand
        )
        return f"{self.name} {symbol} {operand}"


# ------------------------------------------------------------------ compiled tests
# A condition compiled once per tree into a plain function of (values, factor ids,
# favoring): the same answers as `holds`, without building a context or a set per test.
Test = Callable[[Mapping[str, Any], Collection[str], Collection[str]], bool]
_ABSENT = object()


def _always(values: Mapping[str, Any], ids: Collection[str], fav: Collection[str]) -> bool:
    return True


def compile_condition(cond: Condition) -> Test:
    """A function that answers exactly as `cond.holds(EvalContext(values, ids, fav))`."""
    kind = type(cond)
    if kind is Always:
        return _always
    if kind is All or kind is AnyOf:
        tests = tuple(compile_condition(item) for item in cond.items)  # type: ignore[attr-defined]
        if kind is All:
            def all_of(values: Mapping[str, Any], ids: Collection[str],
                       fav: Collection[str]) -> bool:
                for test in tests:  # noqa: SIM110 - a loop: no generator made per test
                    if not test(values, ids, fav):
                        return False
                return True
            return all_of

        def any_of(values: Mapping[str, Any], ids: Collection[str],
                   fav: Collection[str]) -> bool:
            for test in tests:  # noqa: SIM110 - a loop: no generator made per test
                if test(values, ids, fav):
                    return True
            return False
        return any_of
    if kind is Not:
        inner = compile_condition(cond.item)  # type: ignore[attr-defined]
        return lambda values, ids, fav: not inner(values, ids, fav)
    if kind is FactorRaised:
        factor = cond.factor  # type: ignore[attr-defined]
        return lambda values, ids, fav: factor in ids
    if kind is Favoring:
        favors = cond.favors  # type: ignore[attr-defined]
        return lambda values, ids, fav: favors in fav
    if kind is Compare:
        return _compile_compare(cond)  # type: ignore[arg-type]
    return lambda values, ids, fav: cond.holds(EvalContext(values, ids, fav))  # any other


def required_name(cond: Condition) -> str | None:
    """A name whose absence from the values makes `cond` false, if there is one (so a
    caller can skip the test when that name is not there), else None."""
    kind = type(cond)
    if kind is Compare:
        if cond.op != "answered" or cond.operand:  # type: ignore[attr-defined]
            return cond.name  # type: ignore[attr-defined, no-any-return]
        return None
    if kind is All:
        for item in cond.items:  # type: ignore[attr-defined]
            name = required_name(item)
            if name is not None:
                return name
    return None


def required_choices(cond: Condition) -> tuple[str, frozenset[str]] | None:
    """(name, choices) such that `cond` is false whenever the name's value is a plain text
    outside those choices (so a caller can skip the test), if there is one, else None."""
    kind = type(cond)
    if kind is Compare:
        op, operand = cond.op, cond.operand  # type: ignore[attr-defined]
        if op == "eq" and type(operand) is str:
            return cond.name, frozenset((operand,))  # type: ignore[attr-defined]
        if op == "in" and all(type(item) is str for item in operand):
            return cond.name, frozenset(operand)  # type: ignore[attr-defined]
        return None
    if kind is All:
        for item in cond.items:  # type: ignore[attr-defined]
            found = required_choices(item)
            if found is not None:
                return found
    return None


def _compile_compare(cond: Compare) -> Test:
    name, op, operand = cond.name, cond.op, cond.operand
    if op == "answered":
        wanted = bool(operand)
        return lambda values, ids, fav: (name in values) == wanted
    if op == "eq" or op == "ne":
        negate = op == "ne"

        def equals(values: Mapping[str, Any], ids: Collection[str], fav: Collection[str]) -> bool:
            value = values.get(name, _ABSENT)
            if value.__class__ is str:  # the usual case: a choice (== is `in {value}` here)
                return (value == operand) is not negate
            if value is _ABSENT:
                return False
            found = operand in (set(value) if isinstance(value, (list, tuple)) else {value})
            return found is not negate
        return equals
    if op == "in" or op == "not_in":
        negate = op == "not_in"
        members = operand

        def one_of(values: Mapping[str, Any], ids: Collection[str], fav: Collection[str]) -> bool:
            value = values.get(name, _ABSENT)
            if value.__class__ is str:  # the usual case: a choice
                return (value in members) is not negate
            if value is _ABSENT:
                return False
            chosen = set(value) if isinstance(value, (list, tuple)) else {value}
            return bool(chosen.intersection(operand)) is not negate
        return one_of
    if op == "matches":
        def matches(values: Mapping[str, Any], ids: Collection[str], fav: Collection[str]) -> bool:
            value = values.get(name, _ABSENT)
            return isinstance(value, str) and re.fullmatch(operand, value) is not None
        return matches
    if op not in _OPS:
        return lambda values, ids, fav: cond.holds(EvalContext(values, ids, fav))
    compare = _OPS[op]

    def number(values: Mapping[str, Any], ids: Collection[str], fav: Collection[str]) -> bool:
        value = values.get(name, _ABSENT)
        if value is _ABSENT or not _is_number(value):
            return False
        return compare(value, operand)
    return number


class NameInfo(Record):
    """What the parser knows about a name: its allowed values, or that it is numeric."""

    __slots__ = ("choices", "kind", "numeric")
    choices: tuple[str, ...] | None
    numeric: bool
    kind: str

    def __init__(self, choices: tuple[str, ...] | None = None, numeric: bool = False,
                 kind: str = "value") -> None:
        set_field(self, "choices", choices)
        set_field(self, "numeric", numeric)
        set_field(self, "kind", kind)


class ConditionParser:
    """Parses YAML condition data against the names a tree defines, with located errors."""

    def __init__(
        self,
        names: Mapping[str, NameInfo],
        factor_ids: Collection[str] = (),
        favors: Sequence[str] = (),
        allow_factors: bool = False,
    ) -> None:
        self.names = names
        self.factor_ids = factor_ids
        self.favors = favors
        self.allow_factors = allow_factors

    def parse(self, data: Any, where: Location | None) -> Condition:
        if data is None or data is True:
            return ALWAYS
        if isinstance(data, list):
            return All(tuple(self.parse(item, loc_of(data, i) or where)
                             for i, item in enumerate(data)))
        if not isinstance(data, dict) or not data:
            raise TreeError(
                f"a condition must be a mapping, found {_shown(data)}",
                where,
                "e.g. {bone_quality: hypersclerotic} or {all: [...]}",
            )
        parts = [self._one(key, value, loc_of(data, key) or where, data)
                 for key, value in data.items()]
        return parts[0] if len(parts) == 1 else All(tuple(parts))

    def _one(self, key: Any, value: Any, where: Location | None, parent: Any) -> Condition:
        key_where = parent.key_loc(key) if hasattr(parent, "key_loc") else where
        if key in ("all", "any"):
            if not isinstance(value, list) or not value:
                raise TreeError(f"'{key}' needs a non-empty list of conditions", where)
            items = tuple(self.parse(item, loc_of(value, i) or where)
                          for i, item in enumerate(value))
            return All(items) if key == "all" else AnyOf(items)
        if key == "not":
            return Not(self.parse(value, where))
        if key in ("factor", "favoring"):
            if not self.allow_factors:
                raise TreeError(
                    f"'{key}' can only be used in outcome and advice rules", key_where
                )
            if key == "factor":
                if value not in self.factor_ids:
                    raise TreeError(
                        f"unknown factor '{value}'{did_you_mean(value, self.factor_ids)}",
                        where,
                        one_of(self.factor_ids),
                    )
                return FactorRaised(str(value))
            if value not in self.favors:
                raise TreeError(f"unknown favors value '{value}'", where, one_of(self.favors))
            return Favoring(str(value))
        name = str(key)
        info = self.names.get(name)
        if info is None:
            raise TreeError(
                f"condition names unknown question or value '{name}'"
                f"{did_you_mean(name, self.names)}",
                key_where,
                one_of(list(self.names) + list(RESERVED if self.allow_factors else RESERVED[:3])),
            )
        if isinstance(value, dict):
            if not value:
                raise TreeError("an empty comparison", where, one_of(COMPARISONS))
            parts = [self._compare(name, info, op, operand, loc_of(value, op) or where,
                                   value.key_loc(op) if hasattr(value, "key_loc") else where)
                     for op, operand in value.items()]
            return parts[0] if len(parts) == 1 else All(tuple(parts))
        if isinstance(value, list):
            return self._compare(name, info, "in", value, where, key_where)
        return self._compare(name, info, "eq", value, where, key_where)

    def _compare(
        self, name: str, info: NameInfo, op: Any, operand: Any,
        where: Location | None, op_where: Location | None,
    ) -> Compare:
        if op not in COMPARISONS:
            raise TreeError(
                f"unknown comparison '{op}'{did_you_mean(op, COMPARISONS)}",
                op_where,
                one_of(COMPARISONS),
            )
        if op == "answered":
            if not isinstance(operand, bool):
                raise TreeError("'answered' takes true or false", where)
            return Compare(name, op, operand)
        if op == "matches":
            if info.choices is not None or info.numeric or not isinstance(operand, str):
                raise TreeError("'matches' takes a regular expression, for text questions", where)
            try:
                re.compile(operand)
            except re.error as exc:
                raise TreeError(f"the pattern does not compile: {exc.msg} at character "
                                f"{(exc.pos or 0) + 1}", where,
                                "a Python regular expression") from None
            return Compare(name, op, operand)
        if op in NUMERIC:
            if not info.numeric:
                raise TreeError(f"'{op}' compares numbers, but '{name}' is not a number", where,
                                f"for '{name}', {one_of(info.choices)}" if info.choices
                                else "eq, ne, in, not_in, answered, matches")
            if not _is_number(operand):
                raise TreeError(f"'{op}' needs a number, found {_shown(operand)}", where)
            return Compare(name, op, operand)
        if op in ("in", "not_in"):
            if not isinstance(operand, list) or not operand:
                raise TreeError(f"'{op}' needs a non-empty list", where)
            for i, item in enumerate(operand):
                self._check_value(name, info, item, loc_of(operand, i) or where)
            return Compare(name, op, tuple(self._norm(v) for v in operand))
        self._check_value(name, info, operand, where)
        return Compare(name, op, self._norm(operand))

    @staticmethod
    def _norm(value: Any) -> Any:
        """Canonical operand: `true`/`false` mean the choices yes/no, as in answer files."""
        if isinstance(value, bool):
            return "yes" if value else "no"
        return value if _is_number(value) else str(value)

    def _check_value(self, name: str, info: NameInfo, value: Any, where: Location | None) -> None:
        if isinstance(value, (dict, list)):
            raise TreeError(f"a plain value is needed for '{name}', found {_shown(value)}", where)
        if info.choices is not None:
            text = self._norm(value) if isinstance(value, bool) else str(value)
            if text not in info.choices:
                raise TreeError(
                    f"'{name}' has no value '{text}'{did_you_mean(text, info.choices)}",
                    where,
                    one_of(info.choices),
                )
        elif info.numeric and not _is_number(value):
            raise TreeError(f"'{name}' is a number, found {_shown(value)}", where)


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    return f"the text {str(value)!r}"
