"""Safe, located YAML and JSON reading: values mean what the person wrote.

Why not `yaml.safe_load`: it reads YAML 1.1, where `020` is 16 (octal), `1:10` is 70
(sexagesimal), `yes`/`no`/`on`/`off` are booleans and a tag (`!!bool`, `!!int`) changes what
a value means; it silently keeps the last of duplicate keys and forgets where each value came
from. Here PyYAML's own composer runs over libyaml's events with a YAML 1.2 core-schema
resolver; every tag is refused; nodes are counted while composing (nesting, alias expansion
and plain size all have limits, so memory is bounded by nodes, not only by bytes); then one
builder makes dicts and lists that remember the line and column of every key and item.
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
    read_text,
)

MAX_NODES = 200_000  # values in one file, aliases expanded: an answer file has about 30
MAX_DEPTH = 64

_STR, _INT, _FLOAT, _BOOL, _NULL = (
    f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null"))

try:  # the C parser is ~8x faster on a large tree
    _BaseLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    _BaseLoader = yaml.SafeLoader


class CoreSchemaLoader(_BaseLoader):  # type: ignore[misc, valid-type]
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
    try:
        node = _Composer(text, name, max_nodes).single_node()
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, text, name) from None
    except yaml.reader.ReaderError as exc:
        raise _bad_character(exc, text, name) from None
    except yaml.YAMLError as exc:
        raise InputError(f"YAML error: {exc}", Location(name)) from None
    if node is None:
        raise InputError("the file is empty", Location(name, 1, 1), "a YAML or JSON mapping")
    return _ValueBuilder(name).build(node)


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


def _mark_loc(name: str, mark: Any) -> Location:
    return Location(name, mark.line + 1, mark.column + 1)


class _Composer(yaml.composer.Composer):
    """PyYAML's composer over the core-schema loader's events, with limits checked at the
    event that breaks them: no tag at all (a tag could change what a value means, or run
    code), nesting within MAX_DEPTH, and at most max_nodes values, counting nodes as they
    are made and each alias as the size of what it repeats (a billion-laughs file stops
    after a few hundred events, a 30 MB list after max_nodes items)."""

    def __init__(self, text: str, name: str, max_nodes: int) -> None:
        super().__init__()
        events = CoreSchemaLoader(text)
        self._events = events
        self.check_event, self.peek_event = events.check_event, events.peek_event
        self.get_event, self.resolve = events.get_event, events.resolve
        self.descend_resolver = self.ascend_resolver = lambda *args: None  # no path resolvers
        self.name = name
        self.max_nodes = max_nodes
        self.made = 0  # nodes made (aliases make none)
        self.sizes: dict[str, int] = {}  # anchor -> values its node stands for
        self.open: list[int] = []  # values so far in each open collection

    def single_node(self) -> yaml.Node | None:
        """`yaml.compose`'s loop, with our words for a second document."""
        try:
            self.get_event()  # StreamStart
            node = None if self.check_event(yaml.StreamEndEvent) else self.compose_document()
            if not self.check_event(yaml.StreamEndEvent):
                raise InputError("more than one YAML document in the file",
                                 _mark_loc(self.name, self.get_event().start_mark),
                                 "one document, no '---' after it")
            return node
        finally:
            self._events.dispose()

    def compose_node(self, parent: Any, index: Any) -> yaml.Node:
        event = self.peek_event()
        anchor = event.anchor
        kind = type(event)
        if kind is yaml.AliasEvent:
            self.get_event()
            if anchor not in self.sizes:
                self._refuse_alias(event)
            node: yaml.Node = self.anchors[anchor]
            size = self.sizes[anchor]
        else:
            self.made += 1
            if event.tag is not None or anchor in self.anchors or self.made > self.max_nodes:
                self._refuse_node(event)
            if kind is yaml.ScalarEvent:
                node, size = self.compose_scalar_node(anchor), 1
            else:
                if len(self.open) >= MAX_DEPTH:
                    raise InputError("nesting too deep", _mark_loc(self.name, event.start_mark),
                                     f"at most {MAX_DEPTH} levels")
                self.open.append(1)
                node = (self.compose_sequence_node(anchor) if kind is yaml.SequenceStartEvent
                        else self.compose_mapping_node(anchor))
                size = self.open.pop()
            if anchor is not None:
                self.sizes[anchor] = size
        if self.open:
            self.open[-1] += size
            if self.open[-1] > self.max_nodes:
                raise InputError("too many values after expanding aliases (an alias bomb?)",
                                 _mark_loc(self.name, event.start_mark),
                                 f"at most {self.max_nodes} values")
        return node

    def _refuse_alias(self, event: Any) -> None:
        where = _mark_loc(self.name, event.start_mark)
        if event.anchor not in self.anchors:
            raise InputError(f"unknown alias '*{event.anchor}'", where,
                             "an alias must follow its '&anchor'")
        raise InputError(f"the alias '*{event.anchor}' is inside its own anchor", where,
                         "an alias repeats a finished value")

    def _refuse_node(self, event: Any) -> None:
        where = _mark_loc(self.name, event.start_mark)
        if event.tag is not None:
            raise InputError(f"unsupported YAML tag '{shown_tag(event.tag)}'", where,
                             "plain text, numbers, lists and mappings only; tags are never run")
        if event.anchor in self.anchors:
            first = self.anchors[event.anchor].start_mark.line + 1
            raise InputError(f"the anchor '&{event.anchor}' is defined twice (first at line "
                             f"{first})", where, "each anchor once")
        raise InputError("too many values in the file", where, f"at most {self.max_nodes} values")


class _ValueBuilder:
    """Node graph to located Python values (the composer has already bounded its size)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def build(self, node: yaml.Node) -> Any:
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node)
        if isinstance(node, yaml.SequenceNode):
            out = LocList(self.name, node.start_mark)
            build, marks = self.build, out._item_marks
            for item in node.value:
                out.append(build(item))
                marks.append(item.start_mark)
            return out
        return _scalar(node)

    def _mapping(self, node: yaml.MappingNode) -> LocDict:
        out = LocDict(self.name, node.start_mark)
        for key_node, value_node in node.value:
            if key_node.value == "<<" and key_node.tag == _STR and not key_node.style:
                raise InputError("merge keys (<<) are not supported",
                                 _mark_loc(self.name, key_node.start_mark),
                                 "write the keys out in full")
            if not isinstance(key_node, yaml.ScalarNode):
                raise InputError("a key must be a plain value",
                                 _mark_loc(self.name, key_node.start_mark))
            key = _scalar(key_node)
            if key in out:
                raise InputError(
                    f"duplicate key '{terminal_safe(str(key))}' (first at line "
                    f"{out.key_loc(key).line})",
                    _mark_loc(self.name, key_node.start_mark), "each key once per mapping")
            out[key] = self.build(value_node)
            out._key_marks[key] = key_node.start_mark
            out._value_marks[key] = value_node.start_mark
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


_NOT_YAML = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _bad_character(exc: yaml.reader.ReaderError, text: str, name: str) -> InputError:
    """A control character (NUL, bell, ...) in the text: locate it ourselves, since libyaml
    counts bytes and the pure-Python reader counts characters."""
    found = _NOT_YAML.search(text)
    index = found.start() if found else 0
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    code = ord(text[index]) if found else exc.character
    return InputError(f"a control character (U+{code:04X}) is not allowed in YAML",
                      Location(name, line, column), "remove it: YAML allows printable text only")


_QUOTE_HINTS = {
    "did not find expected key": "check the indentation and any unclosed quote above",
    "mapping values are not allowed here": "put quotes around text that contains ': '",
    "could not find expected ':'": "each key needs ': ' after it",
    "found unexpected end of stream": "a quote or bracket is not closed",
    "did not find expected node content": "a value is missing here",
    "did not find expected ',' or ']'": "a list opened with '[' must close with ']'",
    "did not find expected ',' or '}'": "a mapping opened with '{' must close with '}'",
}


def _syntax_error(exc: yaml.MarkedYAMLError, text: str, name: str) -> InputError:
    """One located line for a parser error: the problem, and a hint at the usual cause."""
    mark = exc.problem_mark or exc.context_mark
    problem = (exc.problem or exc.context or "YAML syntax error").strip()
    loc = Location(name, mark.line + 1, mark.column + 1) if mark else Location(name)
    if "nesting depth" in problem:  # PyYAML >= 6.0.4 has a depth limit of its own
        return InputError("nesting too deep", loc, f"at most {MAX_DEPTH} levels")
    hint = _QUOTE_HINTS.get(problem)
    if mark is not None and _tab_near(text, mark.line, mark.column):
        problem = "a tab character: YAML indentation must use spaces, not tabs"
        hint = None
    quote = _unclosed_quote(text, mark.line if mark else 0)
    if quote is not None and problem in _QUOTE_HINTS:
        hint = f"is the quote at line {quote[0]}, column {quote[1]} closed?"
    return InputError(f"YAML syntax error: {problem}", loc, hint)


def _tab_near(text: str, line: int, column: int) -> bool:
    lines = text.splitlines()
    if not 0 <= line < len(lines):
        return False
    here = lines[line]
    return (0 <= column < len(here) and here[column] == "\t") or here[:column + 1].lstrip(
        " ").startswith("\t")


_OPENING_QUOTE = re.compile(r'(?:^\s*(?:- )*|: |[\[{,]\s*)"')


def _unclosed_quote(text: str, upto: int) -> tuple[int, int] | None:
    """The first double-quoted value that opens but does not close on its line (line, col)."""
    for number, line in enumerate(text.splitlines()[: upto + 1], 1):
        if line.lstrip().startswith("#"):
            continue
        for match in _OPENING_QUOTE.finditer(line):
            index = match.end()
            while index < len(line):
                if line[index] == "\\":
                    index += 2
                    continue
                if line[index] == '"':
                    break
                index += 1
            else:
                return number, match.end()
    return None

