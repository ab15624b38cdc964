"""Safe, located YAML and JSON reading: values mean what the person wrote.

Why not `yaml.safe_load`: it reads YAML 1.1, where `020` is 16 (octal), `1:10` is 70
(sexagesimal), `yes`/`no`/`on`/`off` are booleans and a tag (`!!bool`, `!!int`) changes what
a value means; it silently keeps the last of duplicate keys and forgets where each value came
from. Here PyYAML's composer runs over libyaml's events with a YAML 1.2 core-schema resolver;
every tag is refused; nodes are counted while composing (nesting, alias expansion and size
are limited, so memory is bounded by nodes, not only bytes); the values built remember the
line and column of every key and item. yaml_errors words PyYAML's errors.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, ClassVar

import yaml

from assistant.core.errors import InputError, Location, terminal_safe
from assistant.core.source import (  # noqa: F401 - re-exported: located reading lives there
    MAX_FILE_BYTES,
    LocDict,
    LocList,
    loc_of,
    mark_loc,
    read_text,
)

MAX_NODES = 200_000  # values in one file, aliases expanded: an answer file has about 30
MAX_DEPTH = 64  # nesting levels in one file (PyYAML >= 6.0.4 has a limit of its own too)

_INT, _FLOAT, _BOOL, _NULL = (
    f"tag:yaml.org,2002:{t}" for t in ("int", "float", "bool", "null"))
# The resolver's own tag strings, told from a tag written in the file by identity (`is`)
_STR = yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG
_SEQ = yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG
_MAP = yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG

try:  # the C parser is ~8x faster on a large tree
    _BaseLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    _BaseLoader = yaml.SafeLoader


class _Refused(Exception):
    """A limit broken while composing (located afterwards: the hooks get no mark)."""

    def __init__(self, message: str, allowed: str) -> None:
        super().__init__(message)
        self.message, self.allowed = message, allowed


class LimitedComposing:
    """Limits held in the hooks PyYAML's composer (libyaml's, in C) calls per node: nesting
    within MAX_DEPTH, at most `max_nodes` nodes (a 30 MB list stops there); aliases make no
    node (what they repeat is counted before building)."""

    max_nodes = MAX_NODES
    made = 0  # nodes made so far: the one that broke a limit is found by its number
    depth = 0
    yaml_implicit_resolvers: ClassVar[dict[Any, list[tuple[str, re.Pattern[str]]]]]

    def descend_resolver(self, parent: Any, index: Any) -> None:
        self.made = made = self.made + 1
        self.depth += 1
        if made > self.max_nodes:
            raise _Refused("too many values in the file", f"at most {self.max_nodes} values")

    def ascend_resolver(self) -> None:
        self.depth -= 1

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        # A tag the resolver gives is one of its own strings: an explicit tag (`!!int`,
        # `!custom`) is a string the parser made, and the builder refuses it (`is`).
        if kind is yaml.ScalarNode:
            if implicit[0]:  # plain: PyYAML's own resolution, without path resolvers
                for tag, pattern in self.yaml_implicit_resolvers.get(value[:1], ()):
                    if pattern.match(value):
                        return tag
                return _STR
            return _STR if implicit[1] else "!"  # quoted, or a `!` tag
        if self.depth > MAX_DEPTH:
            raise _Refused("nesting too deep", f"at most {MAX_DEPTH} levels")
        if not implicit:
            return "!"
        return _SEQ if kind is yaml.SequenceNode else _MAP


class CoreSchemaLoader(LimitedComposing, _BaseLoader):  # type: ignore[misc, valid-type]
    """A safe loader with YAML 1.2's core schema: decimal numbers, true/false, null; a
    leading zero (`020`), `1:10`, `0x1F`, `yes`, `on`, `.inf` and dates stay text."""

    yaml_implicit_resolvers: ClassVar[dict[Any, list[tuple[str, re.Pattern[str]]]]] = {}


for _tag, _pattern, _first in (
    (_BOOL, r"(?:true|True|TRUE|false|False|FALSE)", "tTfF"),
    (_INT, r"[-+]?(?:0|[1-9][0-9]*)", "-+0123456789"),
    # floats have a point, and an exponent has a sign: every form read here as a number is
    # one a YAML 1.1 writer (PyYAML's) quotes when it means text, so its files read back
    (_FLOAT, r"[-+]?(?:0|[1-9][0-9]*)\.[0-9]*(?:[eE][-+][0-9]+)?|\.[0-9]+(?:[eE][-+][0-9]+)?",
     "-+0123456789."),
    (_NULL, r"(?:~|null|Null|NULL|)", ["~", "n", "N", ""]),
):
    CoreSchemaLoader.add_implicit_resolver(_tag, re.compile(rf"^(?:{_pattern})\Z"), list(_first))


def load_file(path: Path, what: str = "file", max_nodes: int = MAX_NODES,
              max_bytes: int = MAX_FILE_BYTES) -> Any:
    """Read and parse one file: the single way trees and answer files come in."""
    return load_data(read_text(path, what, max_bytes), str(path), max_nodes)


def load_data(text: str, name: str, max_nodes: int = MAX_NODES) -> Any:
    """Parse YAML (or JSON, a subset) into LocDict/LocList/scalars, with located errors."""
    if not text.strip():
        raise InputError("the file is empty", Location(name, 1, 1), "a YAML or JSON mapping")
    if name.endswith(".json"):
        _check_json(text, name)
    reader = CoreSchemaLoader(text)
    reader.max_nodes = max_nodes
    try:
        node = reader.get_single_node()
    except _Refused as exc:
        raise InputError(exc.message, mark_loc(name, _node_mark(text, reader.made)),
                         exc.allowed) from None
    except (yaml.MarkedYAMLError, yaml.reader.ReaderError) as exc:
        from assistant.core.yaml_errors import worded  # only a bad file needs the wording

        raise worded(exc, text, name) from None
    except yaml.YAMLError as exc:
        raise InputError(f"YAML error: {exc}", Location(name)) from None
    finally:
        reader.dispose()
    if node is None:
        raise InputError("the file is empty", Location(name, 1, 1), "a YAML or JSON mapping")
    builder = _ValueBuilder(name, text.splitlines() if "!" in text else None)
    if "&" in text:  # anchors: what their aliases repeat is counted before anything is built
        builder.count_expanded(node, max_nodes)
    return builder.build(node)


def _check_json(text: str, name: str) -> None:
    """JSON's own words for a JSON syntax error (YAML's would puzzle a JSON writer)."""
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"JSON syntax error: {exc.msg}", Location(name, exc.lineno, exc.colno)
        ) from None
    except RecursionError:
        raise InputError(
            "nesting too deep", Location(name, 1, 1), f"at most {MAX_DEPTH} levels"
        ) from None
    except ValueError as exc:  # e.g. an integer with more than 4300 digits
        raise InputError(f"JSON value refused: {exc}", Location(name, 1, 1)) from None


def shown_tag(tag: str) -> str:
    """`!!int` for `tag:yaml.org,2002:int`: a tag as the person wrote it."""
    return "!!" + tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") else tag


def _node_mark(text: str, number: int) -> Any:
    """Where the `number`-th node (aliases aside) starts: the parser's events, counted."""
    made = 0
    for event in yaml.parse(text, Loader=CoreSchemaLoader):
        if isinstance(event, (yaml.ScalarEvent, yaml.CollectionStartEvent)):
            made += 1
            if made >= number:
                return event.start_mark
    return event.start_mark


_TAG_FIRST = re.compile(r"(?:&\S+\s+)?!")  # at a node's start: its tag (after an anchor)


class _ValueBuilder:
    """Node graph to located Python values (the composer has already bounded its size)."""

    def __init__(self, name: str, lines: list[str] | None = None) -> None:
        self.name = name
        self.lines = lines  # the text's lines when it holds a `!`: a tag may be there

    def count_expanded(self, root: yaml.Node, max_nodes: int) -> None:
        """Refuse aliases repeating more than `max_nodes` values in all (a billion-laughs
        file is a few hundred nodes), nesting too deep, or containing themselves; each node is
        counted once, so this is linear in the file."""
        sizes: dict[int, int] = {}
        open_nodes: set[int] = set()

        def size(node: yaml.Node, depth: int) -> int:
            if isinstance(node, yaml.ScalarNode):
                return 1
            key = id(node)
            if key in sizes:
                return sizes[key]
            where = mark_loc(self.name, node.start_mark)
            if key in open_nodes:
                raise InputError("an alias is inside its own anchor", where,
                                 "an alias repeats a finished value")
            if depth > MAX_DEPTH:
                raise InputError("nesting too deep", where, f"at most {MAX_DEPTH} levels")
            open_nodes.add(key)
            items = node.value if isinstance(node, yaml.SequenceNode) else \
                [item for pair in node.value for item in pair]
            total = 1
            for item in items:
                total += size(item, depth + 1)
                if total > max_nodes:
                    raise InputError("too many values after expanding aliases (an alias "
                                     "bomb?)", where, f"at most {max_nodes} values")
            open_nodes.discard(key)
            sizes[key] = total
            return total

        size(root, 1)

    def build(self, node: yaml.Node) -> Any:
        tag = node.tag
        if tag is _STR and self.lines is None:  # most values: text, with no `!` to look for
            return node.value
        if tag is _MAP:
            return self._mapping(node)  # type: ignore[arg-type]
        if tag is _SEQ:
            out = LocList(self.name, node.start_mark)
            build, marks = self.build, out._item_marks
            for item in node.value:
                out.append(build(item))
                marks.append(item.start_mark)
            return out
        if tag is _STR or tag is _INT or tag is _FLOAT or tag is _BOOL or tag is _NULL:
            if self.lines is None or not self._tagged(node.start_mark):
                return _scalar(node)
            tag = "!"
        raise InputError(f"unsupported YAML tag '{terminal_safe(shown_tag(tag))}'",
                         mark_loc(self.name, node.start_mark),
                         "plain text, numbers, lists and mappings only; tags are never run")

    def _tagged(self, mark: Any) -> bool:
        """A `!` written before a scalar (libyaml resolves `! 58` as if plain: an int)."""
        assert self.lines is not None
        line = self.lines[mark.line] if mark.line < len(self.lines) else ""
        return _TAG_FIRST.match(line, mark.column) is not None

    def _mapping(self, node: yaml.MappingNode) -> LocDict:
        out = LocDict(self.name, node.start_mark)
        build, key_marks, value_marks = self.build, out._key_marks, out._value_marks
        for key_node, value_node in node.value:
            if key_node.value == "<<" and key_node.tag is _STR and not key_node.style:
                raise InputError("merge keys (<<) are not supported",
                                 mark_loc(self.name, key_node.start_mark),
                                 "write the keys out in full")
            if not isinstance(key_node, yaml.ScalarNode):
                raise InputError("a key must be a plain value",
                                 mark_loc(self.name, key_node.start_mark))
            key = build(key_node)
            if key in out:
                raise InputError(
                    f"duplicate key '{terminal_safe(str(key))}' (first at line "
                    f"{out.key_loc(key).line})",
                    mark_loc(self.name, key_node.start_mark), "each key once per mapping")
            out[key] = build(value_node)
            key_marks[key] = key_node.start_mark
            value_marks[key] = value_node.start_mark
        return out


def _scalar(node: yaml.Node) -> Any:
    """A scalar's value under the core schema (the only tags the resolver gives)."""
    tag, text = node.tag, node.value
    if tag == _STR:
        return text
    if tag == _INT:
        try:
            return int(text)
        except ValueError:  # more than 4300 digits: keep what was written
            return text
    if tag == _FLOAT:
        return float(text)
    if tag == _BOOL:
        return text in ("true", "True", "TRUE")
    return None
