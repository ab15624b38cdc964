"""Safe, located YAML and JSON reading.

Why not `yaml.safe_load`: it turns `yes`/`no`/`on`/`off` into booleans (our trees and answer
files are full of yes/no choices), silently keeps the last of duplicate keys, and forgets
where each value came from. Here we compose nodes (with the C parser when present), then
build plain dicts and lists that remember the line and column of every key and item, with
limits on size, nesting and alias expansion so hostile files are refused quickly.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from assistant.core.errors import InputError, Location

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_NODES = 200_000
MAX_DEPTH = 64

try:  # the C composer is ~8x faster on a large tree
    _BaseLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    _BaseLoader = yaml.SafeLoader


class _StringBoolLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """SafeLoader where only true/false are booleans (YAML 1.2), yes/no/on/off stay strings."""


_StringBoolLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_StringBoolLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


class LocDict(dict):
    """A dict that remembers where it, each key and each value started."""

    __slots__ = ("key_locs", "loc", "value_locs")

    def __init__(self, loc: Location) -> None:
        super().__init__()
        self.loc = loc
        self.key_locs: dict[Any, Location] = {}
        self.value_locs: dict[Any, Location] = {}

    def key_loc(self, key: Any) -> Location:
        return self.key_locs.get(key, self.loc)

    def value_loc(self, key: Any) -> Location:
        return self.value_locs.get(key, self.loc)


class LocList(list):
    """A list that remembers where it and each item started."""

    __slots__ = ("item_locs", "loc")

    def __init__(self, loc: Location) -> None:
        super().__init__()
        self.loc = loc
        self.item_locs: list[Location] = []

    def item_loc(self, index: int) -> Location:
        return self.item_locs[index] if 0 <= index < len(self.item_locs) else self.loc


def loc_of(container: Any, key: Any = None) -> Location | None:
    """Best location for `container[key]` (or the container itself)."""
    if isinstance(container, LocDict):
        return container.value_loc(key) if key is not None else container.loc
    if isinstance(container, LocList):
        return container.item_loc(key) if isinstance(key, int) else container.loc
    return None


def read_text(path: Path, what: str = "file", limit: int = MAX_FILE_BYTES) -> str:
    """Read a UTF-8 file with a size cap; every failure is an InputError naming the file."""
    name = str(path)
    try:
        if path.is_dir():
            raise InputError(f"{what} is a directory, not a file", Location(name))
        size = path.stat().st_size
        if size > limit:
            raise InputError(
                f"{what} is too large ({size} bytes)", Location(name), f"at most {limit} bytes"
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{what} not found", Location(name)) from None
    except PermissionError:
        raise InputError(f"{what} cannot be read (permission denied)", Location(name)) from None
    except IsADirectoryError:
        raise InputError(f"{what} is a directory, not a file", Location(name)) from None
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


def load_data(text: str, name: str) -> Any:
    """Parse YAML (or JSON, a subset) into LocDict/LocList/scalars, with located errors."""
    if not text.strip():
        raise InputError("the file is empty", Location(name, 1, 1), "a YAML or JSON mapping")
    if name.endswith(".json"):
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"JSON syntax error: {exc.msg}", Location(name, exc.lineno, exc.colno)
            ) from None
    _check_flow_depth(text, name)
    try:
        loader = _StringBoolLoader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "YAML syntax error"
        if mark is not None and _char_at(text, mark.line, mark.column) == "\t":
            problem = "a tab character: YAML indentation must use spaces, not tabs"
        loc = Location(name, mark.line + 1, mark.column + 1) if mark else Location(name)
        raise InputError(f"YAML syntax error: {problem}", loc) from None
    except yaml.YAMLError as exc:
        raise InputError(f"YAML error: {exc}", Location(name)) from None
    except RecursionError:
        raise InputError(
            "nesting too deep", Location(name), f"at most {MAX_DEPTH} levels"
        ) from None
    if node is None:
        raise InputError("the file is empty", Location(name, 1, 1), "a YAML or JSON mapping")
    return _Builder(name).build(node)


def load_file(path: Path, what: str = "file") -> Any:
    """Read and parse one file: the single way trees and answer files come in."""
    return load_data(read_text(path, what), str(path))


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.splitlines()
    if 0 <= line < len(lines) and 0 <= column < len(lines[line]):
        return lines[line][column]
    return ""


def _check_flow_depth(text: str, name: str) -> None:
    """Refuse `[[[[...]]]]` bombs before the (recursive) parser sees them."""
    depth = 0
    for index, char in enumerate(text):
        if char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line = text.count("\n", 0, index) + 1
                col = index - (text.rfind("\n", 0, index) + 1) + 1
                raise InputError(
                    "nesting too deep", Location(name, line, col), f"at most {MAX_DEPTH} levels"
                )
        elif char in "]}":
            depth = max(0, depth - 1)


_SCALAR_CONSTRUCTOR = yaml.SafeLoader("")  # only its scalar constructors are used


class _Builder:
    """Node graph to located Python values, counting expanded nodes to stop alias bombs."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.count = 0

    def _loc(self, node: yaml.Node) -> Location:
        mark = node.start_mark
        return Location(self.name, mark.line + 1, mark.column + 1)

    def build(self, node: yaml.Node, depth: int = 0) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise InputError(
                "too many values after expanding aliases (an alias bomb?)",
                self._loc(node),
                f"at most {MAX_NODES} values",
            )
        if depth > MAX_DEPTH:
            raise InputError("nesting too deep", self._loc(node), f"at most {MAX_DEPTH} levels")
        if isinstance(node, yaml.MappingNode):
            if node.tag != "tag:yaml.org,2002:map":
                raise InputError(f"unsupported YAML tag {node.tag!r}", self._loc(node),
                                 "plain values only")
            return self._mapping(node, depth)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                raise InputError(f"unsupported YAML tag {node.tag!r}", self._loc(node),
                                 "plain values only")
            out = LocList(self._loc(node))
            for item in node.value:
                out.append(self.build(item, depth + 1))
                out.item_locs.append(self._loc(item))
            return out
        return self._scalar(node)

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        tag = node.tag
        if tag == "tag:yaml.org,2002:bool":
            return node.value.lower() == "true"
        if tag in ("tag:yaml.org,2002:str", "tag:yaml.org,2002:null",
                   "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
            try:
                return _SCALAR_CONSTRUCTOR.construct_object(node, deep=True)
            except (ValueError, yaml.YAMLError):
                return node.value
        if tag in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:binary"):
            return node.value
        raise InputError(f"unsupported YAML tag {tag!r}", self._loc(node), "plain values only")

    def _mapping(self, node: yaml.MappingNode, depth: int) -> LocDict:
        out = LocDict(self._loc(node))
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise InputError("merge keys (<<) are not supported", self._loc(key_node))
            key = self.build(key_node, depth + 1)
            if isinstance(key, (dict, list)):
                raise InputError("a key must be a plain value", self._loc(key_node))
            if key in out:
                first = out.key_loc(key)
                raise InputError(
                    f"duplicate key '{key}' (first at line {first.line})",
                    self._loc(key_node),
                    "each key once per mapping",
                )
            out[key] = self.build(value_node, depth + 1)
            out.key_locs[key] = self._loc(key_node)
            out.value_locs[key] = self._loc(value_node)
        return out
