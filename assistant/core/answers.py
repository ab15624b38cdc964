"""Answers: turning raw values (typed, or from YAML/JSON files) into checked values."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.core.errors import AnswerError, Location, did_you_mean, one_of
from assistant.core.model import Question, Tree, per_tree
from assistant.core.source import LocDict, loc_of, read_text

META_KEYS = ("case_label", "comments")
MAX_TEXT = 500


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
    hint = question.pattern_hint or (f"text matching {question.pattern}" if question.pattern
                                     else "text")
    return hint


def parse_answer(question: Question, raw: Any) -> Any:
    """Check one raw answer; return the canonical value or raise AnswerError (unlocated)."""
    kind = question.kind
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise AnswerError(f"no value given for '{question.id}'", allowed=allowed_text(question))
    if kind == "single":
        if isinstance(raw, (list, dict)):
            raise AnswerError(f"'{question.id}' takes one value, found a list"
                              if isinstance(raw, list) else
                              f"'{question.id}' takes one value, found a mapping",
                              allowed=allowed_text(question))
        value = _choice_text(raw)
        if value not in question.choice_ids:
            raise AnswerError(
                f"'{value}' is not a value of '{question.id}'"
                f"{did_you_mean(value, question.choice_ids)}",
                allowed=allowed_text(question),
            )
        return value
    if kind == "multi":
        items = raw if isinstance(raw, list) else [raw]
        if isinstance(raw, dict) or not items:
            raise AnswerError(f"'{question.id}' needs a list of choices",
                              allowed=allowed_text(question))
        values: list[str] = []
        for item in items:
            if isinstance(item, (list, dict)):
                raise AnswerError(f"'{question.id}' takes a flat list of choices",
                                  allowed=allowed_text(question))
            value = _choice_text(item)
            if value not in question.choice_ids:
                raise AnswerError(
                    f"'{value}' is not a value of '{question.id}'"
                    f"{did_you_mean(value, question.choice_ids)}",
                    allowed=allowed_text(question),
                )
            if value in values:
                raise AnswerError(f"'{value}' is given twice in '{question.id}'",
                                  allowed=allowed_text(question))
            values.append(value)
        exclusive = [v for v in values if v in question.exclusive]
        if exclusive and len(values) > 1:
            raise AnswerError(
                f"'{exclusive[0]}' cannot be combined with other choices in '{question.id}'",
                allowed=allowed_text(question),
            )
        order = {c: i for i, c in enumerate(question.choice_ids)}
        return sorted(values, key=order.__getitem__)
    if kind == "integer":
        if isinstance(raw, (bool, list, dict)) or raw is None:
            raise AnswerError(f"'{question.id}' needs a whole number, found {_shown(raw)}",
                              allowed=allowed_text(question))
        if isinstance(raw, float):
            if not raw.is_integer():
                raise AnswerError(f"'{question.id}' needs a whole number, found {raw}",
                                  allowed=allowed_text(question))
            raw = int(raw)
        if isinstance(raw, str):
            text = raw.strip()
            if not re.fullmatch(r"[+-]?\d{1,9}", text):
                raise AnswerError(f"'{question.id}' needs a whole number, found '{raw}'",
                                  allowed=allowed_text(question))
            raw = int(text)
        if (question.minimum is not None and raw < question.minimum) or (
            question.maximum is not None and raw > question.maximum
        ):
            raise AnswerError(f"{raw} is out of range for '{question.id}'",
                              allowed=allowed_text(question))
        return raw
    # text
    if isinstance(raw, (list, dict, bool)) or raw is None:
        raise AnswerError(f"'{question.id}' needs text, found {_shown(raw)}",
                          allowed=allowed_text(question))
    text = str(raw).strip()
    if len(text) > MAX_TEXT:
        raise AnswerError(f"'{question.id}' is too long", allowed=f"at most {MAX_TEXT} characters")
    if question.pattern:
        normalized = {"upper": text.upper(), "lower": text.lower()}.get(question.case, text)
        if not re.fullmatch(question.pattern, normalized):
            raise AnswerError(f"'{text}' does not fit '{question.id}'",
                              allowed=allowed_text(question))
        return normalized
    return {"upper": text.upper(), "lower": text.lower()}.get(question.case, text)


def _choice_text(raw: Any) -> str:
    if isinstance(raw, bool):
        return "yes" if raw else "no"
    if raw is None:
        return ""
    return str(raw).strip()


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"'{str(value).lower()}'"
    return f"'{value}'"


@dataclass
class AnswerFile:
    """A parsed answer file: checked values by id, free-text metadata, and locations."""

    path: str
    values: dict[str, Any]
    meta: dict[str, str] = field(default_factory=dict)
    locations: Mapping[str, Location] = field(default_factory=dict)


class _Locations(Mapping[str, Location]):
    """Where each answer's value sits, worked out only when a message needs it.

    `source` is the located data, or a function that reads it (the file was read quickly,
    without locations: it is read again, carefully, only if a location is ever asked for).
    """

    __slots__ = ("_keys", "_source")

    def __init__(self, source: LocDict | Callable[[], Any], keys: dict[str, Any]) -> None:
        self._source = source
        self._keys = keys  # question id -> the key as written

    def __getitem__(self, ident: str) -> Location:
        key = self._keys[ident]
        if not isinstance(self._source, LocDict):
            self._source = self._source()
        return self._source.value_loc(key)

    def __contains__(self, ident: object) -> bool:
        return ident in self._keys

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


def load_answer_file(tree: Tree, path: Path | str) -> AnswerFile:
    """Read a YAML or JSON answer file and check every id and value against the tree."""
    name = str(path)
    return answers_from_text(
        tree, read_text(path if isinstance(path, Path) else Path(path), "answer file"), name)


def answers_from_text(tree: Tree, text: str, name: str) -> AnswerFile:
    """`load_answer_file` once the file is read (a batch reads a few files, then parses)."""
    from assistant.core.yamlio import quick_values  # not at start-up of the TUI

    return answers_from_quick(tree, text, quick_values(text, name), name)


def answers_from_quick(tree: Tree, text: str, data: dict[Any, Any] | None,
                       name: str) -> AnswerFile:
    """`answers_from_text` once `quick_values(text, name)` gave `data` (None: not plain)."""
    if data is not None:  # a plain file: its values, without locations (the usual case)
        try:
            values, meta, keys = _check(tree, data, name, located=False)
        except AnswerError:
            pass  # the message needs its location: read the file again, carefully
        else:
            return AnswerFile(name, values, meta, _Locations(lambda: _load_data(text, name), keys))
    return answers_from_data(tree, _load_data(text, name), name)


def _load_data(text: str, name: str) -> Any:
    from assistant.core.yamlio import load_data  # PyYAML: not at start-up of the TUI

    return load_data(text, name)


def answers_from_data(tree: Tree, data: Any, name: str) -> AnswerFile:
    located = isinstance(data, LocDict)
    values, meta, keys = _check(tree, data, name, located)
    if located:
        return AnswerFile(name, values, meta, _Locations(data, keys))
    return AnswerFile(name, values, meta, dict.fromkeys(keys, Location(name)))


def _check(tree: Tree, data: Any, name: str,
           located: bool) -> tuple[dict[str, Any], dict[str, str], dict[str, Any]]:
    """(values by id, metadata, the key as written by id), or the first AnswerError."""
    if not isinstance(data, dict):
        where = loc_of(data) or Location(name, 1, 1)
        raise AnswerError("an answer file must map question ids to values", where,
                          "e.g. 'fit_for_surgery: yes'")
    questions = tree.questions
    singles, integers = _plain_answers(tree)
    values: dict[str, Any] = {}
    meta: dict[str, str] = {}
    keys: dict[str, Any] = {}
    for key, raw in data.items():
        ident = key if type(key) is str else str(key)
        choices = singles.get(ident)
        if choices is not None:  # the usual cases, inline (what parse_answer gives them)
            cls = raw.__class__
            if cls is str:
                value = raw.strip()
                if value in choices and value:
                    values[ident] = value
                    keys[ident] = key
                    continue
            elif cls is bool:
                value = "yes" if raw else "no"
                if value in choices:
                    values[ident] = value
                    keys[ident] = key
                    continue
        elif raw.__class__ is int and raw in integers.get(ident, ()):
            values[ident] = raw
            keys[ident] = key
            continue
        question = questions.get(ident)
        if question is None or ident in META_KEYS:
            if ident not in META_KEYS:
                raise AnswerError(
                    f"unknown question id '{ident}'{did_you_mean(ident, questions)}",
                    data.key_loc(key) if located else Location(name),
                    one_of([*questions, *META_KEYS], limit=40),
                )
            if raw is None:
                continue
            if not isinstance(raw, (str, int, float)) or isinstance(raw, bool):
                raise AnswerError(f"'{ident}' must be text, found {_shown(raw)}",
                                  data.value_loc(key) if located else Location(name),
                                  f"e.g. {ident}: \"bed 4, Monday\"")
            text = str(raw)
            if len(text) > 2000:
                raise AnswerError(f"'{ident}' is too long",
                                  data.value_loc(key) if located else Location(name),
                                  "at most 2000 characters")
            meta[ident] = text
            continue
        try:
            values[ident] = parse_answer(question, raw)
        except AnswerError as exc:
            raise AnswerError(exc.message, data.value_loc(key) if located else Location(name),
                              exc.allowed) from None
        keys[ident] = key
    return values, meta, keys


def _plain_checks(tree: Tree) -> tuple[dict[str, frozenset[str]], dict[str, range]]:
    """What `_check` takes inline, by question id: the ids of a single choice's choices,
    and the whole numbers an integer question allows (`parse_answer` takes anything else,
    and words the errors)."""
    singles: dict[str, frozenset[str]] = {}
    integers: dict[str, range] = {}
    for qid, question in tree.questions.items():
        if qid in META_KEYS:
            continue
        if question.kind == "single":
            singles[qid] = frozenset(question.choice_ids)
        elif question.kind == "integer" and question.minimum is not None and \
                question.maximum is not None:
            integers[qid] = range(question.minimum, question.maximum + 1)
    return singles, integers


_plain_answers = per_tree(_plain_checks)
