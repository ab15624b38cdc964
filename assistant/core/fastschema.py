"""A fast yes/no check of a tree against the shipped JSON Schema, before jsonschema.

Why: jsonschema is slow (about 0.1 ms per value, 0.6 s for a 5,000-question tree) and costs
40 ms to import. The schema's small subset of JSON Schema compiles here to plain checks.
"valid" lets the loader skip jsonschema; "not valid" (or an unknown keyword) sends the tree
to jsonschema, which words the error. So this can never accept a tree jsonschema would
refuse, as long as each check is at least as strict as its keyword
(tests/core/test_fastschema.py compares the two on many mutated trees).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sized
from functools import cache
from typing import Any

from assistant.core import paths

Check = Callable[[Any], bool]

_IGNORED = frozenset({"$schema", "$id", "title", "description", "$comment", "$defs",
                      "examples", "default"})


class Unsupported(Exception):
    """The schema uses something this compiler does not know: always use jsonschema."""


_TYPES: dict[str, Check] = {  # a type not here is a KeyError: the schema goes to jsonschema
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    # strict: 1.0 is an integer to jsonschema, here it goes the slow way
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "null": lambda v: v is None,
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
}


class _Compiler:
    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root
        self.refs: dict[str, Check] = {}

    def ref(self, target: str) -> Check:
        if not target.startswith("#/$defs/"):
            raise Unsupported(target)
        if target not in self.refs:
            name = target[len("#/$defs/"):]
            self.refs[target] = _nothing  # a placeholder while compiling recursive refs
            compiled = self.compile(self.root["$defs"][name])
            self.refs[target] = compiled
        return lambda value: self.refs[target](value)

    def compile(self, schema: Any) -> Check:
        if schema is True or schema == {}:
            return _anything
        if not isinstance(schema, dict):
            raise Unsupported(repr(schema))
        checks = [self._keyword(keyword, arg, schema) for keyword, arg in schema.items()
                  if keyword not in _IGNORED]
        if len(checks) == 1:
            return checks[0]
        return _all_of(tuple(checks))

    def _keyword(self, keyword: str, arg: Any, schema: dict[str, Any]) -> Check:
        """At least as strict as JSON Schema's keyword (see the module doc)."""
        if keyword == "type":
            types = tuple(_TYPES[name] for name in (arg if isinstance(arg, list) else [arg]))
            if len(types) == 1:  # most values: one isinstance
                return types[0]
            return lambda v: any(is_type(v) for is_type in types)
        if keyword == "$ref":
            return self.ref(arg)
        if keyword == "enum":
            if not all(isinstance(x, str) for x in arg):
                raise Unsupported("non-string enum")
            allowed = frozenset(arg)
            return lambda v: isinstance(v, str) and v in allowed
        if keyword == "pattern":
            rx = re.compile(arg)
            return lambda v: not isinstance(v, str) or rx.search(v) is not None
        if keyword in _SIZES:
            kind, limit, at_most = _SIZES[keyword], int(arg), keyword.startswith("max")
            return lambda v: not isinstance(v, kind) or (
                len(v) <= limit if at_most else len(v) >= limit)
        if keyword == "required":
            required = tuple(arg)
            return lambda v: not isinstance(v, dict) or all(n in v for n in required)
        if keyword == "items":
            item = self.compile(arg)

            def items(v: Any) -> bool:
                if isinstance(v, list):
                    for x in v:
                        if not item(x):
                            return False
                return True
            return items
        if keyword == "properties":
            props = {k: self.compile(sub) for k, sub in arg.items()}

            def properties(v: Any) -> bool:
                if isinstance(v, dict):
                    for k, x in v.items():
                        check = props.get(k)
                        if check is not None and not check(x):
                            return False
                return True
            return properties
        if keyword == "additionalProperties":
            if "patternProperties" in schema:
                raise Unsupported("patternProperties")
            known = frozenset(schema.get("properties", {}))
            extra = _nothing if arg is False else self.compile(arg)

            def additional(v: Any) -> bool:
                if isinstance(v, dict):
                    for k, x in v.items():
                        if not isinstance(k, str) or (k not in known and not extra(x)):
                            return False
                return True
            return additional
        if keyword == "anyOf":
            options = tuple(self.compile(sub) for sub in arg)
            return lambda v: any(o(v) for o in options)
        raise Unsupported(keyword)


_SIZES: dict[str, type[Sized]] = {"minLength": str, "maxLength": str, "minItems": list,
                           "minProperties": dict}


def _anything(value: Any) -> bool:
    return True


def _nothing(value: Any) -> bool:
    return False


def _all_of(checks: tuple[Check, ...]) -> Check:
    def all_of(value: Any) -> bool:  # a loop, not all(generator): this runs per value
        for check in checks:  # noqa: SIM110
            if not check(value):
                return False
        return True
    return all_of


@cache
def _compiled() -> Check | None:
    schema = json.loads(paths.schema_file().read_text(encoding="utf-8"))
    try:
        return _Compiler(schema).compile(schema)
    except (Unsupported, KeyError, TypeError, re.error):
        return None


def is_valid(data: Any) -> bool:
    """True only if the data surely passes the schema; False means "ask jsonschema"."""
    check = _compiled()
    if check is None:
        return False
    try:
        return bool(check(data))
    except (RecursionError, TypeError):
        return False
