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
from functools import lru_cache
from operator import ge, gt, le, lt
from typing import Any

from assistant.core.errors import Location, TreeError, one_of, terminal_safe, unknown_name
from assistant.core.records import Record
from assistant.core.source import loc_of, shown

COMPARISONS = ("eq", "ne", "in", "not_in", "lt", "le", "gt", "ge", "answered", "matches")
NUMERIC = ("lt", "le", "gt", "ge")
SYMBOLS = {"eq": "=", "ne": "≠", "in": "in", "not_in": "not in", "lt": "<", "le": "≤",
           "gt": ">", "ge": "≥", "matches": "matches"}  # how describe() writes each comparison
RESERVED = ("all", "any", "not", "factor", "favoring")


class EvalContext(Record):
    """What a condition looks at: named values and the factors raised so far."""

    values: Mapping[str, Any]
    factor_ids: Collection[str] = ()
    favoring: Collection[str] = ()


class Condition(Record):
    """Base class; subclasses are small immutable nodes (records)."""

    def holds(self, ctx: EvalContext) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    def names(self) -> set[str]:
        """Names (questions, derived values) this condition reads."""
        return set()

    def describe(self) -> str:
        """Short human text for graphs and the decision map."""
        return "always"


class Always(Condition):
    def holds(self, ctx: EvalContext) -> bool:
        return True


ALWAYS = Always()


class _Group(Condition):
    items: tuple[Condition, ...]

    def names(self) -> set[str]:
        return set().union(*(i.names() for i in self.items))


class All(_Group):
    def holds(self, ctx: EvalContext) -> bool:
        return all(item.holds(ctx) for item in self.items)

    def describe(self) -> str:
        return " and ".join(i.describe() for i in self.items)


class AnyOf(_Group):
    def holds(self, ctx: EvalContext) -> bool:
        return any(item.holds(ctx) for item in self.items)

    def describe(self) -> str:
        return "(" + " or ".join(i.describe() for i in self.items) + ")"


class Not(Condition):
    item: Condition

    def holds(self, ctx: EvalContext) -> bool:
        return not self.item.holds(ctx)

    def names(self) -> set[str]:
        return self.item.names()

    def describe(self) -> str:
        return f"not ({self.item.describe()})"


class FactorRaised(Condition):
    factor: str

    def holds(self, ctx: EvalContext) -> bool:
        return self.factor in ctx.factor_ids

    def describe(self) -> str:
        return f"factor {self.factor}"


class Favoring(Condition):
    favors: str

    def holds(self, ctx: EvalContext) -> bool:
        return self.favors in ctx.favoring

    def describe(self) -> str:
        return f"a factor favors {self.favors}"


MAX_PATTERN = 1000  # characters in a tree's regular expression


@lru_cache(maxsize=256)
def text_pattern(pattern: str) -> Any:
    """A tree's regular expression (`pattern`, `matches`), compiled for google-re2: linear
    time whatever the text, so no pattern can backtrack for ever (`(a|aa)+$`)."""
    import re2

    options = re2.Options()
    options.log_errors = False  # re2 would print its own line on stderr
    return re2.compile(pattern, options)


def pattern_problem(pattern: str) -> tuple[str, str] | None:
    """(what is wrong, what is allowed) with a tree's regular expression, or None.

    RE2 runs the pattern, so RE2 judges it (compiled once, reused by the answers); Python's
    parser words a refusal it shares (it words syntax errors best), else RE2 does
    (backreferences, lookaround: not linear)."""
    if len(pattern) > MAX_PATTERN:
        return (f"pattern is too long ({len(pattern)} characters)",
                f"at most {MAX_PATTERN} characters")
    try:
        text_pattern(pattern)
        return None
    except Exception as exc:  # re2.error; its message is bytes
        detail = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(
            exc.args[0], bytes) else str(exc)
    try:
        re.compile(pattern)
    except re.error as exc:
        return (f"pattern does not compile: {exc.msg} at character {(exc.pos or 0) + 1}",
                "a Python regular expression")
    except (RecursionError, OverflowError):
        return "pattern is too complex", "a simpler regular expression"
    return (f"pattern cannot run in linear time (RE2): {detail}",
            "no backreferences or lookaround; a regular expression RE2 accepts")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_OPS: dict[str, Callable[[Any, Any], bool]] = {"lt": lt, "le": le, "gt": gt, "ge": ge}


class Compare(Condition):
    name: str
    op: str
    operand: Any

    def holds(self, ctx: EvalContext) -> bool:
        present = self.name in ctx.values
        if self.op == "answered":
            return present == bool(self.operand)
        if not present:
            return False
        value = ctx.values[self.name]
        # A list answer (several choices) is its set of choices; one value, a set of one.
        chosen = value if isinstance(value, (list, tuple)) else (value,)
        if self.op == "eq":
            return self.operand in chosen
        if self.op == "ne":
            return self.operand not in chosen
        if self.op == "in":
            return any(item in self.operand for item in chosen)
        if self.op == "not_in":
            return not any(item in self.operand for item in chosen)
        if self.op == "matches":
            return isinstance(value, str) and bool(text_pattern(self.operand).fullmatch(value))
        if not _is_number(value):
            return False
        return _OPS[self.op](value, self.operand)

    def names(self) -> set[str]:
        return {self.name}

    def describe(self) -> str:
        if self.op == "answered":
            return f"{self.name} {'answered' if self.operand else 'not answered'}"
        operand = self.operand
        if isinstance(operand, tuple):  # in, not_in
            operand = "{" + ", ".join(map(str, operand)) + "}"
        return f"{self.name} {SYMBOLS[self.op]} {operand}"


class NameInfo(Record):
    """What the parser knows about a name: its allowed values, or that it is numeric."""

    choices: tuple[str, ...] | None = None
    numeric: bool = False


def _all_of(parts: list[Condition]) -> Condition:
    """Conditions that must all hold (one alone is itself)."""
    return parts[0] if len(parts) == 1 else All(tuple(parts))


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
            return All(self._items(data, where))
        if not isinstance(data, dict) or not data:
            raise TreeError(f"a condition must be a mapping, found {shown(data)}", where,
                            "e.g. {bone_quality: hypersclerotic} or {all: [...]}")
        return _all_of([self._one(key, value, loc_of(data, key) or where, data)
                        for key, value in data.items()])

    def _items(self, data: list[Any], where: Location | None) -> tuple[Condition, ...]:
        return tuple(self.parse(item, loc_of(data, i) or where) for i, item in enumerate(data))

    def _one(self, key: Any, value: Any, where: Location | None, parent: Any) -> Condition:
        key_where = parent.key_loc(key) if hasattr(parent, "key_loc") else where
        if key in ("all", "any"):
            if not isinstance(value, list) or not value:
                raise TreeError(f"'{key}' needs a non-empty list of conditions", where)
            items = self._items(value, where)
            return All(items) if key == "all" else AnyOf(items)
        if key == "not":
            return Not(self.parse(value, where))
        if key in ("factor", "favoring"):
            if not self.allow_factors:
                raise TreeError(f"'{key}' can only be used in outcome and advice rules",
                                key_where)
            factor = key == "factor"
            known = self.factor_ids if factor else self.favors
            if value not in known:
                what = "factor" if factor else "favors value"
                raise unknown_name(f"unknown {what} '{value}'", str(value), known, where)
            return FactorRaised(str(value)) if factor else Favoring(str(value))
        name = str(key)
        info = self.names.get(name)
        if info is None:
            raise unknown_name(
                f"condition names unknown question or value '{terminal_safe(name)}'", name,
                self.names, key_where,
                one_of(list(self.names) + list(RESERVED if self.allow_factors else RESERVED[:3])),
            )
        if isinstance(value, dict):
            if not value:
                raise TreeError("an empty comparison", where, one_of(COMPARISONS))
            return _all_of([self._compare(name, info, op, operand, loc_of(value, op) or where,
                                          value.key_loc(op) if hasattr(value, "key_loc") else where)
                            for op, operand in value.items()])
        if isinstance(value, list):
            return self._compare(name, info, "in", value, where, key_where)
        return self._compare(name, info, "eq", value, where, key_where)

    def _compare(
        self, name: str, info: NameInfo, op: Any, operand: Any,
        where: Location | None, op_where: Location | None,
    ) -> Compare:
        if op not in COMPARISONS:
            raise unknown_name(f"unknown comparison '{op}'", op, COMPARISONS, op_where)
        if op == "answered":
            if not isinstance(operand, bool):
                raise TreeError("'answered' takes true or false", where)
            return Compare(name, op, operand)
        if op == "matches":
            if info.choices is not None or info.numeric or not isinstance(operand, str):
                raise TreeError("'matches' takes a regular expression, for text questions", where)
            problem = pattern_problem(operand)
            if problem:
                raise TreeError(f"the {problem[0]}", where, problem[1])
            return Compare(name, op, operand)
        if op in NUMERIC:
            if not info.numeric:
                raise TreeError(f"'{op}' compares numbers, but '{name}' is not a number", where,
                                f"for '{name}', {one_of(info.choices)}" if info.choices
                                else "eq, ne, in, not_in, answered, matches")
            if not _is_number(operand):
                raise TreeError(f"'{op}' needs a number, found {shown(operand)}", where)
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
            raise TreeError(f"a plain value is needed for '{name}', found {shown(value)}", where)
        if info.choices is not None:
            text = self._norm(value) if isinstance(value, bool) else str(value)
            if text not in info.choices:
                raise unknown_name(f"'{name}' has no value '{text}'", text, info.choices, where)
        elif info.numeric and not _is_number(value):
            raise TreeError(f"'{name}' is a number, found {shown(value)}", where)
