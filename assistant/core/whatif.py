"""What-if: change one answer of a finished consultation and say what changes.

Pure and cheap (a replay and an evaluation for each side), so the result screen can update
on every key; the screen words the change in the question's own words.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from assistant.core.answers import parse_answer
from assistant.core.errors import AnswerError
from assistant.core.machine import Evaluation, RaisedFactor, Walk, derive, evaluate, replay
from assistant.core.model import Question, Tree
from assistant.core.records import Record


def factor_title(factor: RaisedFactor) -> str:
    rule = factor.rule
    return rule.title or rule.id.replace("_", " ").capitalize()


class WhatIf(Record):
    """The effect of one changed answer on the path, the factors and the recommendation."""

    question: Question
    old: Any
    new: Any
    before: Evaluation
    walk: Walk  # the replay with the new answer (optional questions not answered: skipped)
    after: Evaluation | None  # None when the new path needs an answer not given yet
    needs: Question | None  # the first question the new path asks that has no answer

    @property
    def complete(self) -> bool:
        return self.after is not None

    @property
    def added(self) -> tuple[RaisedFactor, ...]:
        return () if self.after is None else _not_in(self.after, self.before)

    @property
    def removed(self) -> tuple[RaisedFactor, ...]:
        return () if self.after is None else _not_in(self.before, self.after)

    @property
    def unchanged(self) -> bool:
        return self.old == self.new


def _not_in(one: Evaluation, other: Evaluation) -> tuple[RaisedFactor, ...]:
    """The factors `one` raises and `other` does not, in tree order."""
    ids = {f.id for f in other.factors}
    return tuple(f for f in one.factors if f.id not in ids)


def what_if(tree: Tree, known: Mapping[str, Any], question_id: str, raw: Any) -> WhatIf:
    """Replay `known` with one answer changed; AnswerError if the value does not fit."""
    question = tree.questions.get(question_id)
    if question is None:
        raise AnswerError(f"unknown question id '{question_id}'")
    new = parse_answer(question, raw)
    before_walk, before = derive(tree, known)
    walk = replay(tree, {**known, question_id: new}, skip_missing_optional=True)
    after = evaluate(tree, walk.values) if walk.complete else None  # no outcome half-way
    needs = tree.questions[walk.current] if walk.current else None
    return WhatIf(question, before_walk.values.get(question_id), new, before, walk, after,
                  needs)
