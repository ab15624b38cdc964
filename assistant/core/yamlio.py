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
from assistant.core.source import (  # noqa: F401 - re-exported: located reading lives there
    MAX_FILE_BYTES,
    LocDict,
    LocList,
    loc_of,
    read_text,
)

MAX_NODES = 200_000  # or one per character of the file, if more: only aliases expand past that
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
        except RecursionError:
            raise InputError(
                "nesting too deep", Location(name, 1, 1), f"at most {MAX_DEPTH} levels"
            ) from None
        except ValueError as exc:  # e.g. an integer with more than 4300 digits
            raise InputError(f"JSON value refused: {exc}", Location(name, 1, 1)) from None
    max_nodes = max(MAX_NODES, len(text))
    try:
        return _fast_load(text, name, max_nodes)
    except _Fallback:
        pass  # something out of the ordinary: the careful path decides, and words the error
    try:
        node = _compose(text, name, max_nodes)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, text, name) from None
    except yaml.reader.ReaderError as exc:
        raise _bad_character(exc, text, name) from None
    except yaml.YAMLError as exc:
        raise InputError(f"YAML error: {exc}", Location(name)) from None
    except RecursionError:  # pragma: no cover - the composer is iterative
        raise InputError(
            "nesting too deep", Location(name), f"at most {MAX_DEPTH} levels"
        ) from None
    if node is None:
        raise InputError("the file is empty", Location(name, 1, 1), "a YAML or JSON mapping")
    return _Builder(name, max_nodes).build(node)


# ------------------------------------------------------------------ quick values
# Answer files are small and plain: `id: value` lines, or a flat JSON object. For those, the
# values alone (no locations) come from a line pattern or json.loads; a caller that later
# needs a location, or meets any error, reads the file again with `load_data`. Whatever is
# not plainly inside the narrow forms below returns None, so `load_data` decides.
_QUICK_MAX = 64 * 1024
_QUICK_UNSAFE = re.compile(r"[^\n\x20-\x5b\x5d-\x7e]")  # not printable ASCII, or a backslash
_QUICK_LONG = 1000  # YAML finds a key of 1024 characters too long (and JSON's long lines)
_PLAIN = r"(?:[A-Za-z0-9_]|[-+.][A-Za-z0-9_.])(?:[A-Za-z0-9_.+/ -]*[A-Za-z0-9_.+/-])?"
_QUOTED = r"\"[^\"\n]*\"|'[^'\n]*'"
_ITEM = rf"(?:{_PLAIN}|{_QUOTED})"
_QUICK_LINES = re.compile(  # each line: `id: value`, `id: [a, b]` or `id:`, or nothing
    rf"^(?:(?P<key>[A-Za-z_][A-Za-z0-9_-]*):(?: +(?P<value>{_ITEM}|\[ *(?P<items>{_ITEM}"
    rf"(?: *, *{_ITEM})*)? *\]))?(?: +#.*)? *| *(?:#.*)?)$",  # (a comment may end any)
    re.MULTILINE,
)
_QUICK_ITEM = re.compile(rf" *({_ITEM}) *(?:,|$)")
_KEY_ON_ITS_OWN_LINE = re.compile(r'"[ \n]*\n[ \n]*:')


def quick_values(text: str, name: str) -> dict[Any, Any] | None:
    """The plain values of a small, ordinary answer file, exactly as `load_data` gives them
    (without locations), or None when the file is anything more (then use `load_data`)."""
    if len(text) > _QUICK_MAX or not text.isascii() or _QUICK_UNSAFE.search(text):
        return None
    try:
        if name.endswith(".json"):
            return _quick_json(text)
        return _quick_yaml(text)
    except _Fallback:
        return None


def _quick_yaml(text: str) -> dict[Any, Any]:
    found = _QUICK_LINES.findall(text)  # at most one match a line, none across lines
    if len(found) != text.count("\n") + 1:
        raise _Fallback  # some line is not of the plain forms
    plain = _plain_values
    out: dict[Any, Any] = {}
    for key_text, value, items in found:
        if not key_text:
            continue  # a blank or comment line
        if len(key_text) >= _QUICK_LONG:
            raise _Fallback  # YAML refuses keys of 1024 characters or more
        key = plain.get(key_text, _Fallback)
        if key is _Fallback:
            key = _plain_value(key_text)
        if key in out:
            raise _Fallback  # a duplicate: the careful path words it
        if not value:
            out[key] = None
        elif value[0] == "[":
            out[key] = [_quick_item(m) for m in _QUICK_ITEM.findall(items)] if items else []
        elif value[0] == '"' or value[0] == "'":
            out[key] = value[1:-1]
        else:
            found_value = plain.get(value, _Fallback)
            out[key] = _plain_value(value) if found_value is _Fallback else found_value
    if not out:
        raise _Fallback
    return out


def _quick_item(text: str) -> Any:
    if text[0] in "\"'":
        return text[1:-1]
    value = _plain_values.get(text, _Fallback)
    return _plain_value(text) if value is _Fallback else value


def _no_constant(text: str) -> Any:
    raise _Fallback  # NaN, Infinity: not YAML


def _yaml_float(text: str) -> float:
    if "e" in text or "E" in text:
        raise _Fallback  # YAML reads 1e5 as text: the careful path decides
    return float(text)


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise _Fallback
    return out


def _quick_json(text: str) -> dict[Any, Any]:
    if _KEY_ON_ITS_OWN_LINE.search(text) or max(map(len, text.split("\n"))) >= _QUICK_LONG:
        raise _Fallback  # a key and its ':' on two lines (not YAML), or a long line
    try:
        data = json.loads(text, object_pairs_hook=_unique_pairs, parse_float=_yaml_float,
                          parse_constant=_no_constant)
    except (ValueError, RecursionError):  # a syntax error, a huge number, deep nesting
        raise _Fallback from None
    if type(data) is not dict or not data:
        raise _Fallback
    for value in data.values():
        if type(value) is dict or (type(value) is list and any(
                type(item) is dict or type(item) is list for item in value)):
            raise _Fallback  # nested structures are never answers: let the careful path say so
    return data


def load_file(path: Path, what: str = "file") -> Any:
    """Read and parse one file: the single way trees and answer files come in."""
    return load_data(read_text(path, what), str(path))


class _Fallback(Exception):  # a signal, not an error
    """The fast path met something it leaves to the careful one."""


_PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{t}" for t in ("str", "bool", "int", "float", "null", "timestamp")
)
_plain_values: dict[str, Any] = {}  # plain scalar text -> value (the same in every file)


def _plain_value(text: str) -> Any:
    """An untagged plain scalar's value, exactly as the careful builder makes it."""
    tag = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))
    if tag not in _PLAIN_TAGS:
        raise _Fallback  # '<<' (merge), '=' (value): refused, with words, by the careful path
    try:
        value = _Builder("", 1)._scalar(yaml.ScalarNode(tag, text))
    finally:
        _SCALAR_CONSTRUCTOR.constructed_objects.clear()  # it memoizes by node, forever
    if len(_plain_values) >= 8192:
        _plain_values.clear()
    _plain_values[text] = value
    return value


def _event_parser(text: str) -> Any:
    """The bare event parser (the C one when the loader is C-based: no loader set-up)."""
    c_parser = getattr(yaml, "_yaml", None)
    if c_parser is not None and issubclass(_StringBoolLoader, c_parser.CParser):
        return c_parser.CParser(text)
    return _StringBoolLoader(text)


def _fast_load(text: str, name: str, max_nodes: int) -> Any:
    """Events straight to LocDict/LocList/scalars in one iterative pass.

    Only for the ordinary file: plain mappings, lists and untagged scalars, unique plain
    keys, no anchors or aliases, nesting within MAX_DEPTH, one document. Anything else,
    including every syntax error, raises _Fallback, so the careful path (`_compose` then
    `_Builder`, with its limits and its located messages) sees the file from the start.
    What this accepts it builds exactly as the careful path would: same values, same marks.
    """
    parser = _event_parser(text)
    scalar_event, mapping_start = yaml.ScalarEvent, yaml.MappingStartEvent
    sequence_start = yaml.SequenceStartEvent
    end_events = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    plain_values = _plain_values
    no_key = _Fallback  # a sentinel no value can be
    # open collections: [container, is_mapping, pending key (or no_key), the key's mark]
    stack: list[list[Any]] = []
    count = 0
    root: Any = no_key
    try:
        get = parser.get_event
        get()  # StreamStart
        if type(get()) is not yaml.DocumentStartEvent:
            raise _Fallback  # an empty stream
        while True:
            event = get()
            cls = type(event)
            if cls is scalar_event:
                if event.anchor is not None or event.tag is not None:
                    raise _Fallback
                text_value = event.value
                if event.implicit[0]:
                    value = plain_values.get(text_value, no_key)
                    if value is no_key:
                        value = _plain_value(text_value)
                else:
                    value = text_value
                mark = event.start_mark
            elif cls is mapping_start or cls is sequence_start:
                if event.anchor is not None or event.tag is not None or len(stack) >= MAX_DEPTH:
                    raise _Fallback
                mark = event.start_mark
                if cls is mapping_start:
                    stack.append([LocDict(name, mark), True, no_key, None])
                else:
                    stack.append([LocList(name, mark), False, no_key, None])
                count += 1
                continue
            elif cls in end_events:
                value = stack.pop()[0]
                mark = value._mark
                count -= 1  # counted when it opened
            elif cls is yaml.DocumentEndEvent:
                break
            else:  # an alias, or anything unexpected
                raise _Fallback
            count += 1
            if not stack:
                root = value
                continue
            top = stack[-1]
            container = top[0]
            if top[1]:
                key = top[2]
                if key is no_key:
                    if cls is not scalar_event or value in container:
                        raise _Fallback  # a collection as a key, or a duplicate key
                    top[2] = value
                    top[3] = mark
                else:
                    container[key] = value
                    container._key_marks[key] = top[3]
                    container._value_marks[key] = mark
                    top[2] = no_key
            else:
                container.append(value)
                container._item_marks.append(mark)
        if root is no_key or count > max_nodes or type(get()) is not yaml.StreamEndEvent:
            raise _Fallback
    except (yaml.YAMLError, TypeError, RecursionError):
        raise _Fallback from None  # TypeError: an unhashable key (careful path words it)
    finally:
        parser.dispose()
    return root


_DEFAULT_TAGS = {
    yaml.ScalarNode: "tag:yaml.org,2002:str",
    yaml.SequenceNode: "tag:yaml.org,2002:seq",
    yaml.MappingNode: "tag:yaml.org,2002:map",
}
_ALLOWED_TAGS = frozenset(
    f"tag:yaml.org,2002:{t}"
    for t in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp", "binary", "merge")
)


def _shown_tag(tag: str) -> str:
    return "!!" + tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") else tag


def _mark_loc(name: str, mark: Any) -> Location:
    return Location(name, mark.line + 1, mark.column + 1)


def _compose(text: str, name: str, max_nodes: int = MAX_NODES) -> yaml.Node | None:
    """Events to one node graph, iteratively (libyaml's own composer recurses in C and
    crashes the process on `- - - - ...` a few hundred thousand deep).

    Refuses, at the event that shows it: nesting deeper than MAX_DEPTH, any tag outside
    the plain YAML types (no `!!python/...`), and alias expansion beyond max_nodes (each
    node's expanded size is known when it closes, so a billion-laughs file stops after a
    few hundred events, not after building a billion values).
    """
    loader = _StringBoolLoader(text)
    scalar_event, alias_event = yaml.ScalarEvent, yaml.AliasEvent
    sequence_start, mapping_start = yaml.SequenceStartEvent, yaml.MappingStartEvent
    end_events = (yaml.SequenceEndEvent, yaml.MappingEndEvent)
    resolve = loader.resolve
    try:
        loader.get_event()  # StreamStart
        if loader.check_event(yaml.StreamEndEvent):
            return None
        loader.get_event()  # DocumentStart
        anchors: dict[str, tuple[yaml.Node, int]] = {}  # anchor -> (node, expanded size)
        # open collections: [node, children, anchor, expanded size so far]
        stack: list[list[Any]] = []
        root: yaml.Node | None = None
        while True:
            event = loader.get_event()
            cls = type(event)
            if cls is scalar_event:
                tag = event.tag
                if tag is None or tag == "!":
                    tag = resolve(yaml.ScalarNode, event.value, event.implicit)
                else:
                    tag = _tag(loader, yaml.ScalarNode, event, name)
                node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark,
                                       style=event.style)
                size = 1
                if event.anchor is not None:
                    anchors[event.anchor] = (node, 1)
            elif cls is sequence_start or cls is mapping_start:
                if len(stack) >= MAX_DEPTH:
                    raise InputError("nesting too deep", _mark_loc(name, event.start_mark),
                                     f"at most {MAX_DEPTH} levels")
                kind = yaml.SequenceNode if cls is sequence_start else yaml.MappingNode
                tag = _tag(loader, kind, event, name)
                node = kind(tag, [], event.start_mark, None, flow_style=event.flow_style)
                stack.append([node, [], event.anchor, 1])
                continue
            elif cls in end_events:
                node, children, anchor, size = stack.pop()
                node.end_mark = event.end_mark
                if cls is end_events[1]:
                    node.value = list(zip(children[::2], children[1::2], strict=True))
                else:
                    node.value = children
                if anchor is not None:
                    anchors[anchor] = (node, size)
            elif cls is alias_event:
                if event.anchor not in anchors:
                    raise InputError(f"unknown alias '*{event.anchor}'",
                                     _mark_loc(name, event.start_mark),
                                     "an alias must follow its '&anchor'")
                node, size = anchors[event.anchor]
            elif cls is yaml.DocumentEndEvent:
                break
            else:  # pragma: no cover - no other event inside a document
                raise InputError(f"unexpected YAML event {cls.__name__}",
                                 _mark_loc(name, event.start_mark))
            if stack:
                parent = stack[-1]
                parent[1].append(node)
                parent[3] += size
                if parent[3] > max_nodes:
                    raise InputError(
                        "too many values after expanding aliases (an alias bomb?)",
                        _mark_loc(name, event.start_mark), f"at most {max_nodes} values",
                    )
            else:
                root = node
        if not loader.check_event(yaml.StreamEndEvent):
            event = loader.get_event()
            raise InputError("more than one YAML document in the file",
                             _mark_loc(name, event.start_mark), "one document, no '---' after it")
        return root
    finally:
        loader.dispose()


def _tag(loader: Any, kind: type, event: Any, name: str) -> str:
    tag = event.tag
    if tag is None or tag == "!":
        if kind is yaml.ScalarNode:
            return loader.resolve(kind, event.value, event.implicit)
        return _DEFAULT_TAGS[kind]
    if tag not in _ALLOWED_TAGS:
        raise InputError(f"unsupported YAML tag '{_shown_tag(tag)}'",
                         _mark_loc(name, event.start_mark),
                         "plain text, numbers, lists and mappings only; tags are never run")
    return tag


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


_SCALAR_CONSTRUCTOR = yaml.SafeLoader("")  # only its scalar constructors are used
_RESOLVER = _StringBoolLoader("")  # only its resolve() is used (plain scalars' tags)


class _Builder:
    """Node graph to located Python values, counting expanded nodes to stop alias bombs."""

    def __init__(self, name: str, max_nodes: int = MAX_NODES) -> None:
        self.name = name
        self.count = 0
        self.max_nodes = max_nodes

    def _loc(self, node: yaml.Node) -> Location:
        mark = node.start_mark
        return Location(self.name, mark.line + 1, mark.column + 1)

    def build(self, node: yaml.Node, depth: int = 0) -> Any:
        self.count += 1
        if self.count > self.max_nodes:
            raise InputError(
                "too many values after expanding aliases (an alias bomb?)",
                self._loc(node),
                f"at most {self.max_nodes} values",
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
            out = LocList(self.name, node.start_mark)
            for item in node.value:
                out.append(self.build(item, depth + 1))
                out._item_marks.append(item.start_mark)
            return out
        return self._scalar(node)

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        tag = node.tag
        if tag == "tag:yaml.org,2002:str":  # most values: what the constructor would return
            return node.value
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
        out = LocDict(self.name, node.start_mark)
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise InputError("merge keys (<<) are not supported", self._loc(key_node),
                                 "write the keys out in full")
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
            out._key_marks[key] = key_node.start_mark
            out._value_marks[key] = value_node.start_mark
        return out
