"""PyYAML's errors in the reader's words: one located line, what was found, what to do.

Apart from yamlio because wording is its own job: libyaml counts bytes where a person counts
characters, its messages name parser states, and the usual causes (a tab, an unclosed quote,
': ' in plain text) are not what it says.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from assistant.core.errors import InputError, Location, terminal_safe
from assistant.core.source import mark_loc
from assistant.core.yamlio import MAX_DEPTH  # yamlio imports this module only on an error


def worded(exc: yaml.YAMLError, text: str, name: str) -> InputError:
    """The located error for what PyYAML raised while composing."""
    if isinstance(exc, yaml.composer.ComposerError):
        return composer_error(exc, text, name)
    if isinstance(exc, yaml.MarkedYAMLError):
        return syntax_error(exc, text, name)
    assert isinstance(exc, yaml.reader.ReaderError)
    return bad_character(exc, text, name)


_NAME_AT = re.compile(r"[&*]([^\s,\[\]{}]+)")


def _name_at(text: str, mark: Any) -> str:
    """The anchor or alias name (`&x` or `*x`) written at a mark."""
    lines = text.splitlines()
    found = _NAME_AT.search(lines[mark.line], mark.column) if mark.line < len(lines) else None
    return found.group(1) if found else "?"


def composer_error(exc: yaml.composer.ComposerError, text: str, name: str) -> InputError:
    """Aliases, anchors, documents."""
    mark = exc.problem_mark
    where = mark_loc(name, mark) if mark else Location(name)
    if exc.problem == "found undefined alias":
        return InputError(f"unknown alias '*{terminal_safe(_name_at(text, mark))}'", where,
                          "an alias must follow its '&anchor'")
    if exc.context == "found duplicate anchor; first occurrence" and exc.context_mark:
        return InputError(f"the anchor '&{terminal_safe(_name_at(text, mark))}' is defined "
                          f"twice (first at line {exc.context_mark.line + 1})", where,
                          "each anchor once")
    if exc.context == "expected a single document in the stream":
        return InputError("more than one YAML document in the file", where,
                          "one document, no '---' after it")
    return syntax_error(exc, text, name)


_NOT_YAML = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def bad_character(exc: yaml.reader.ReaderError, text: str, name: str) -> InputError:
    """Located here: libyaml counts bytes, the pure-Python reader characters."""
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


def syntax_error(exc: yaml.MarkedYAMLError, text: str, name: str) -> InputError:
    """The problem, and a hint at the usual cause."""
    mark = exc.problem_mark or exc.context_mark
    problem = (exc.problem or exc.context or "YAML syntax error").strip()
    loc = mark_loc(name, mark) if mark else Location(name)
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
_CLOSED_QUOTE = re.compile(r'(?:[^"\\]|\\.)*"')  # a backslash escapes the next character


def _unclosed_quote(text: str, upto: int) -> tuple[int, int] | None:
    """(line, col) of the first double quote not closed on its line."""
    for number, line in enumerate(text.splitlines()[: upto + 1], 1):
        if line.lstrip().startswith("#"):
            continue
        for match in _OPENING_QUOTE.finditer(line):
            if not _CLOSED_QUOTE.match(line, match.end()):
                return number, match.end()
    return None

