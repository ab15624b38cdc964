"""One error family with a location, so every bad input becomes one clear line and exit 2."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from enum import IntEnum
from functools import cache

from assistant.core.records import Record

# What must never reach a terminal raw: C0 (with TAB, LF, CR, ESC, NUL), DEL, C1, the line
# and paragraph separators, the bidi embeddings/overrides/isolates and marks (they reorder or
# hide text), and lone surrogates (from undecodable file names; printing one crashes).
_OTHERS = "\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"


@cache  # compiled when first needed: 1-5 ms of every start that text never needs
def _unsafe(keep_lines: bool) -> re.Pattern[str]:
    return re.compile(f"[\x00-\x08\x0b-\x1f{_OTHERS}]" if keep_lines  # TAB and LF kept
                      else f"[\x00-\x1f{_OTHERS}]")


_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def terminal_safe(text: str, *, keep_lines: bool = False) -> str:
    """Every control character shown as a visible escape (`\\x1b`, `\\u2028`).

    An escape sequence could retitle, clear or rewrite the terminal, a CR overwrite what was
    printed, a bidi override disguise a path. TAB too: an error line holds no control
    character. `keep_lines` keeps LF and TAB for text shown as lines (a note); never CR.
    """
    if text.isprintable():  # the usual case, no copy: every character above is unprintable
        return text
    return _unsafe(keep_lines).sub(_visible, text)


def error_line(error: object) -> str:
    """The one, terminal-safe line printed for an error."""
    return f"spine-assist: error: {terminal_safe(str(error))}"


class ExitCode(IntEnum):
    """Exit codes of the headless commands (the contract)."""

    OK = 0
    UNEXPECTED = 1
    BAD_INPUT = 2


class Location(Record):
    """A place in a file: 1-based line and column, as editors count."""

    file: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        if self.line is None:
            return self.file
        return f"{self.file}:{self.line}:{self.column or 1}"


class SpineAssistError(Exception):
    """Base of every error the tool reports to a person."""


class InputError(SpineAssistError):
    """Bad input (tree, template, answer file): `file:line:col: what (allowed)`."""

    def __init__(
        self,
        message: str,
        location: Location | None = None,
        allowed: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.location = location
        self.allowed = allowed

    def __str__(self) -> str:
        text = self.message
        if self.allowed:
            text = f"{text} ({self.allowed})"
        if self.location is not None:
            text = f"{self.location}: {text}"
        if "\n" in text:  # a message from a library over several lines becomes one line
            text = _LINE_BREAKS.sub(" ", text)
        return terminal_safe(text)


_LINE_BREAKS = re.compile(r"(?<![ \t])[ \t]*(?:\r?\n)+[ \t]*")  # linear: from a run's start


class TreeError(InputError):
    """The tree definition is malformed or unsound."""


class TemplateError(InputError):
    """A template does not compile, or uses something it should not."""


class AnswerError(InputError):
    """An answer (typed or from a file) does not fit the tree."""


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A `; did you mean 'x'?` suffix, or ''."""
    import difflib  # with heapq ~2 ms of every start; only an error needs it
    close = difflib.get_close_matches(str(word), list(candidates), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def one_of(values: Iterable[str], limit: int = 12) -> str:
    """`allowed: a, b, c`, cut off for long lists."""
    items = [str(v) for v in values]
    shown = ", ".join(items[:limit])
    if len(items) > limit:
        shown += f", ... ({len(items)} in all)"
    return f"allowed: {shown}"


def unknown_name(message: str, name: str, known: Collection[str], where: Location | None,
                 allowed: str | None = None) -> TreeError:
    """A name a tree uses and does not define: `message`, a did-you-mean, and what is."""
    return TreeError(f"{message}{did_you_mean(name, known)}", where, allowed or one_of(known))
