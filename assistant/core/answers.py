"""Answers: turning raw values (typed, or from YAML/JSON files) into checked values."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from assistant.core.conditions import text_pattern
from assistant.core.errors import AnswerError, Location, did_you_mean, one_of, terminal_safe
from assistant.core.model import Question, Tree
from assistant.core.records import Record
from assistant.core.source import LocDict, loc_of, read_text, shown

META_KEYS = ("case_label", "comments")
MAX_TEXT = 500
MAX_META_TEXT = 2000
MAX_ANSWER_VALUES = 10_000  # an answer file has about 30; a hostile one stops here at once


def allowed_text(question: Question) -> str:
    """What a question accepts, in words (for error messages and hints)."""
    if question.kind == "single":
        return one_of(question.choice_ids, limit=20)
    if question.kind == "multi":
        only = f"; or [{', '.join(question.exclusive)}] alone" if question.exclusive else ""
        others = [c for c in question.choice_ids if c not in question.exclusive]
        return f"a list of {', '.join(others)}{only}"
    if question.kind == "integer":
        low = question.minimum if question.minimum is not None else "any"
        high = question.maximum if question.maximum is not None else "any"
        return f"a whole number from {low} to {high}"
    return question.pattern_hint or (f"text matching {question.pattern}" if question.pattern
                                     else "text")


def parse_answer(question: Question, raw: Any) -> Any:
    """Check one raw answer; return the canonical value or raise AnswerError (unlocated)."""
    kind = question.kind
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise _wrong(question, f"no value given for '{question.id}'")
    if kind == "single":
        if isinstance(raw, (list, dict)):
            found = "a list" if isinstance(raw, list) else "a mapping"
            raise _wrong(question, f"'{question.id}' takes one value, found {found}")
        return _choice(question, raw)
    if kind == "multi":
        items = raw if isinstance(raw, list) else [raw]
        if isinstance(raw, dict) or not items:
            raise _wrong(question, f"'{question.id}' needs a list of choices")
        values: list[str] = []
        for item in items:
            if isinstance(item, (list, dict)):
                raise _wrong(question, f"'{question.id}' takes a flat list of choices")
            value = _choice(question, item)
            if value in values:
                raise _wrong(question, f"'{value}' is given twice in '{question.id}'")
            values.append(value)
        exclusive = [v for v in values if v in question.exclusive]
        if exclusive and len(values) > 1:
            raise _wrong(question, f"'{exclusive[0]}' cannot be combined with other choices "
                                   f"in '{question.id}'")
        return sorted(values, key=question.choice_ids.index)
    if kind == "integer":
        if isinstance(raw, (bool, list, dict)):
            raise _wrong(question, f"'{question.id}' needs a whole number, found "
                                   f"{shown(raw, quoted=True)}")
        if isinstance(raw, float):
            if not raw.is_integer():
                raise _wrong(question, f"'{question.id}' needs a whole number, found {raw}")
            raw = int(raw)
        if isinstance(raw, str):
            text = raw.strip()
            if not re.fullmatch(r"[+-]?[0-9]{1,9}", text):
                raise _wrong(question, f"'{question.id}' needs a whole number, found '{raw}'")
            if re.fullmatch(r"[+-]?0[0-9]+", text):  # 020: octal in YAML 1.1, so ambiguous
                raise AnswerError(f"'{question.id}' needs a whole number without leading "
                                  f"zeros, found '{text}'",
                                  allowed=f"write it as {int(text)}")
            raw = int(text)
        if (question.minimum is not None and raw < question.minimum) or (
            question.maximum is not None and raw > question.maximum
        ):
            raise _wrong(question, f"{raw} is out of range for '{question.id}'")
        return raw
    # text
    if isinstance(raw, (list, dict, bool)):
        raise _wrong(question, f"'{question.id}' needs text, found {shown(raw, quoted=True)}")
    text = str(raw).strip()
    if len(text) > MAX_TEXT:
        raise AnswerError(f"'{question.id}' is too long", allowed=f"at most {MAX_TEXT} characters")
    normalized = {"upper": text.upper(), "lower": text.lower()}.get(question.case, text)
    if question.pattern and not text_pattern(question.pattern).fullmatch(normalized):
        raise _wrong(question, f"'{text}' does not fit '{question.id}'")
    return normalized


def _wrong(question: Question, message: str) -> AnswerError:
    """An AnswerError saying what the question accepts."""
    return AnswerError(message, allowed=allowed_text(question))


def _choice(question: Question, raw: Any) -> str:
    """One choice id (`true`/`false` read as the choices yes/no)."""
    if isinstance(raw, bool):
        raw = "yes" if raw else "no"
    value = "" if raw is None else str(raw).strip()
    if value not in question.choice_ids:
        raise _wrong(question, f"'{terminal_safe(value)}' is not a value of '{question.id}'"
                               f"{did_you_mean(value, question.choice_ids)}")
    return value


class AnswerFile(Record):
    """A parsed answer file: checked values by id, free-text metadata, and locations."""

    path: str
    values: dict[str, Any]
    meta: dict[str, str]
    locations: Mapping[str, Location]


def load_answer_file(tree: Tree, path: Path | str) -> AnswerFile:
    """Read a YAML or JSON answer file and check every id and value against the tree."""
    return answers_from_text(tree, read_text(Path(path), "answer file"), str(path))


def answers_from_text(tree: Tree, text: str, name: str) -> AnswerFile:
    """`load_answer_file` of text already read (`name` locates its errors)."""
    from assistant.core.yamlio import load_data  # PyYAML: not at start-up of the TUI

    return answers_from_data(tree, load_data(text, name, MAX_ANSWER_VALUES), name)


def answers_from_data(tree: Tree, data: Any, name: str) -> AnswerFile:
    """Check parsed data (located when it came from a file) against the tree."""
    if not isinstance(data, dict):
        where = loc_of(data) or Location(name, 1, 1)
        raise AnswerError("an answer file must map question ids to values", where,
                          "e.g. 'fit_for_surgery: yes'")

    def key_loc(key: Any) -> Location:
        return data.key_loc(key) if isinstance(data, LocDict) else Location(name)

    def value_loc(key: Any) -> Location:
        return data.value_loc(key) if isinstance(data, LocDict) else Location(name)

    questions = tree.questions
    values: dict[str, Any] = {}
    meta: dict[str, str] = {}
    locations: dict[str, Location] = {}
    for key, raw in data.items():
        ident = str(key)
        question = questions.get(ident)
        if ident in META_KEYS:
            if raw is not None:
                meta[ident] = _meta_text(ident, raw, value_loc(key))
            continue
        if question is None:
            raise AnswerError(
                f"unknown question id '{terminal_safe(ident)}'{did_you_mean(ident, questions)}",
                key_loc(key), one_of([*questions, *META_KEYS], limit=40))
        try:
            values[ident] = parse_answer(question, raw)
        except AnswerError as exc:
            raise AnswerError(exc.message, value_loc(key), exc.allowed) from None
        locations[ident] = value_loc(key)
    return AnswerFile(name, values, meta, locations)


def _meta_text(ident: str, raw: Any, where: Location) -> str:
    if not isinstance(raw, (str, int, float)) or isinstance(raw, bool):
        raise AnswerError(f"'{ident}' must be text, found {shown(raw, quoted=True)}", where,
                          f"e.g. {ident}: \"bed 4, Monday\"")
    text = str(raw)
    if len(text) > MAX_META_TEXT:
        raise AnswerError(f"'{ident}' is too long", where, f"at most {MAX_META_TEXT} characters")
    return text
