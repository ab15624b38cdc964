"""One error family with a location, so every bad input becomes one clear line and exit 2."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum


class ExitCode(IntEnum):
    """Exit codes of the headless commands (the contract)."""

    OK = 0
    UNEXPECTED = 1
    BAD_INPUT = 2


@dataclass(frozen=True, slots=True)
class Location:
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
        return " ".join(text.split()) if "\n" in text else text


class TreeError(InputError):
    """The tree definition is malformed or unsound."""


class TemplateError(InputError):
    """A template does not compile, or uses something it should not."""


class AnswerError(InputError):
    """An answer (typed or from a file) does not fit the tree."""


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A ` did you mean 'x'?` suffix when something close exists, else ''."""
    close = difflib.get_close_matches(str(word), list(candidates), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def one_of(values: Iterable[str], limit: int = 12) -> str:
    """`allowed: a, b, c` with a cut-off for long lists."""
    items = [str(v) for v in values]
    shown = ", ".join(items[:limit])
    if len(items) > limit:
        shown += f", ... ({len(items)} in all)"
    return f"allowed: {shown}"
