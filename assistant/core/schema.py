"""Checking a tree's structure against the shipped JSON Schema, with located messages.

A fast hand-compiled check (fastschema) accepts valid trees without importing jsonschema;
anything it doubts goes to jsonschema, whose best error becomes one located line with
"did you mean" for unknown fields.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import cache
from typing import Any

from assistant.core import paths
from assistant.core.errors import Location, TreeError, did_you_mean, one_of
from assistant.core.source import LocDict, loc_of, shown


@cache
def _schema_validator() -> Any:
    """jsonschema is imported only when a tree is new."""
    import jsonschema

    schema = json.loads(paths.schema_file().read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def validate_schema(data: Any, name: str) -> None:
    """Raise the best single error as a located TreeError."""
    if not isinstance(data, dict):
        raise TreeError("a tree must be a mapping at the top level", Location(name, 1, 1))
    from assistant.core.fastschema import is_valid

    if is_valid(data):  # surely valid: skip jsonschema (slow to import and to run)
        return
    validator = _schema_validator()
    errors = list(validator.iter_errors(data))
    if not errors:
        return
    import jsonschema.exceptions

    error = min(errors, key=lambda e: (_error_line(data, e), -len(e.absolute_path)))
    error = jsonschema.exceptions.best_match([error])
    raise _schema_error(data, error, name)


def _locate(data: Any, parts: Iterable[Any]) -> tuple[Any, Any]:
    """(container, key) of the value at a JSON path, as deep as it exists."""
    container, key = data, None
    node = data
    for part in parts:
        container, key = node, part
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
    return container, key


def _error_line(data: Any, error: Any) -> int:
    loc = loc_of(*_locate(data, error.absolute_path))
    return (loc.line or 0) if loc else 0


def _schema_error(data: Any, error: Any, name: str) -> TreeError:
    where = loc_of(*_locate(data, error.absolute_path)) or Location(name)
    field = ".".join(str(p) for p in error.absolute_path) or "the tree"
    validator = error.validator
    schema = error.schema
    if validator == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        instance = error.instance if isinstance(error.instance, dict) else {}
        extra = [k for k in instance if k not in allowed]
        if extra:
            bad = extra[0]
            at = instance.key_loc(bad) if isinstance(instance, LocDict) else where
            return TreeError(
                f"unknown field '{bad}' in {field}{did_you_mean(bad, allowed)}",
                at,
                one_of(allowed, limit=20),
            )
    if validator == "required":
        missing = re.findall(r"'([^']+)' is a required property", error.message)
        miss = missing[0] if missing else error.message
        return TreeError(f"{field} is missing the field '{miss}'", where,
                         "required: " + ", ".join(schema.get("required", [miss])))
    if validator == "enum":
        hint = did_you_mean(str(error.instance), map(str, schema["enum"]))
        return TreeError(
            f"{field}: '{error.instance}' is not allowed{hint}",
            where,
            one_of(map(str, schema["enum"])),
        )
    if validator == "type":
        wanted = schema["type"]
        wanted = " or ".join(wanted) if isinstance(wanted, list) else wanted
        return TreeError(
            f"{field} should be {_article(wanted)}, found {shown(error.instance)}", where
        )
    if validator == "pattern":
        choice = "." in schema["pattern"]  # a choice id may also hold '.' and '+'
        return TreeError(
            f"{field}: {error.instance!r} is not a valid "
            f"{'choice id' if choice else 'id'}",
            where,
            "letters, digits, '_', '-', '.' and '+', starting with a letter or digit" if choice
            else "letters, digits, '_' and '-', starting with a letter",
        )
    if validator == "maxLength":
        return TreeError(f"{field} is too long ({len(error.instance)} characters)", where,
                         f"at most {schema['maxLength']} characters")
    if validator in ("minItems", "minProperties", "minLength"):
        return TreeError(f"{field} must not be empty", where, "at least one")
    return TreeError(f"{field}: {error.message}", where)


def _article(word: str) -> str:
    return {"object": "a mapping", "array": "a list", "integer": "a whole number",
            "string": "text", "boolean": "true or false"}.get(word, f"a {word}")
