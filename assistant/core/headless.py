"""Headless consultations: an answer file in, an Outcome (and warnings) out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.core.answers import AnswerFile, allowed_text, answers_from_data, load_answer_file
from assistant.core.errors import AnswerError, Location
from assistant.core.machine import replay
from assistant.core.model import Tree
from assistant.core.records import Record
from assistant.core.result import Outcome


class HeadlessRun(Record):
    outcome: Outcome
    warnings: list[str]


def run_answers(tree: Tree, answers: AnswerFile) -> HeadlessRun:
    """Replay the answers; a required question left unanswered is an error naming it."""
    walk = replay(tree, answers.values, skip_missing_optional=True)
    if walk.current is not None:
        question = tree.questions[walk.current]
        before = next((q for q in reversed(walk.path) if q in answers.locations), None)
        line = answers.locations[before].line if before else None
        after = f", asked after '{before}'" if before else ", the first question"
        raise AnswerError(  # located where the answer would go: after the one before it
            f'no answer for \'{question.id}\' ("{question.prompt}"){after}',
            Location(answers.path, (line or 0) + 1, 1),
            allowed_text(question),
        )
    # The walk takes its values from the answers: as many means every answer is on it.
    warnings = [] if len(walk.values) == len(answers.values) else [
        f"{answers.locations.get(qid, Location(answers.path))}: warning: '{qid}' is not on the "
        "path these answers take; it is left out of the result"
        for qid in answers.values
        if qid not in walk.values
    ]
    return HeadlessRun(Outcome.from_walk(tree, walk, answers.meta), warnings)


def run_file(tree: Tree, path: Path | str) -> HeadlessRun:
    return run_answers(tree, load_answer_file(tree, path))


def run_mapping(tree: Tree, data: dict[str, Any], name: str = "<answers>") -> HeadlessRun:
    return run_answers(tree, answers_from_data(tree, data, name))
