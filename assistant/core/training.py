"""A trainee round, without a terminal: picking cases, judging answers and predictions,
per-factor feedback with citations, the score and the Markdown summary.

The TUI (`assistant.tui.learn`) is a shell over `Round`: it passes answers to `Round.answer`
and the prediction to `Round.predict`, and renders the feedback returned. Everything here is
deterministic for a given seed.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.core import paths
from assistant.core.answers import parse_answer
from assistant.core.clock import now_utc
from assistant.core.decision_map import factor_source
from assistant.core.errors import InputError, did_you_mean, one_of
from assistant.core.fileio import atomic_write
from assistant.core.machine import derive
from assistant.core.model import Question, Tree
from assistant.core.records import Record
from assistant.core.vignettes import Vignette

DEFAULT_COUNT = 10
PREDICTION_POINTS = 3  # a right prediction weighs as much as three right answers


def pick(
    vignettes: Sequence[Vignette], *, seed: int | None = None, count: int | None = DEFAULT_COUNT,
    case: str | None = None,
) -> list[Vignette]:
    """The cases of a round: one by id, or `count` of them shuffled (repeatable with seed)."""
    if case is not None:
        found = [v for v in vignettes if v.id == case]
        if not found:
            ids = [v.id for v in vignettes]
            raise InputError(f"unknown vignette '{case}'{did_you_mean(case, ids)}",
                             allowed=one_of(ids, limit=40))
        return found
    if count is not None and count < 1:
        raise InputError(f"--count must be at least 1, found {count}",
                         allowed=f"1 to {len(vignettes)}")
    order = list(vignettes)
    random.Random(seed).shuffle(order)
    return order[: count or len(order)]


class AnswerFeedback(Record):
    """One answer judged against what the story implies."""

    question: str
    prompt: str
    given: Any
    given_label: str
    expected: Any
    expected_label: str
    correct: bool
    why: str
    cite: str


class FactorFeedback(Record):
    """A factor the story raises, and whether the trainee got the questions it reads right."""

    id: str
    title: str
    favors: str
    text: str
    cite: str
    passage: str
    questions: tuple[str, ...]
    found: bool
    added_rule: bool


@dataclass(slots=True)
class CaseResult:
    vignette: Vignette
    answers: list[AnswerFeedback] = field(default_factory=list)
    prediction: str | None = None
    recommendation: str = ""
    provisional: bool = False
    factors: list[FactorFeedback] = field(default_factory=list)

    @property
    def answers_right(self) -> int:
        return sum(1 for a in self.answers if a.correct)

    @property
    def prediction_right(self) -> bool:
        return self.prediction == self.recommendation

    @property
    def points(self) -> int:
        return self.answers_right + (PREDICTION_POINTS if self.prediction_right else 0)

    @property
    def max_points(self) -> int:
        return len(self.vignette.questions) + PREDICTION_POINTS


class Round:
    """The state of one round: which case, which question, and what has been judged."""

    def __init__(self, tree: Tree, vignettes: Sequence[Vignette], seed: int | None = None) -> None:
        if not vignettes:
            raise InputError("a round needs at least one vignette")
        self.tree = tree
        self.cases = list(vignettes)
        self.seed = seed
        self.results: list[CaseResult] = [CaseResult(v) for v in self.cases]
        self.index = 0  # the case in play
        self.step = 0  # the question in play within the case

    # -- where we are ------------------------------------------------------------------
    @property
    def case(self) -> Vignette:
        return self.cases[self.index]

    @property
    def result(self) -> CaseResult:
        return self.results[self.index]

    @property
    def phase(self) -> str:
        """answer -> predict -> reveal (per case), then done after the last case."""
        if self.index >= len(self.cases):
            return "done"
        if self.step < len(self.case.questions):
            return "answer"
        return "predict" if self.result.prediction is None else "reveal"

    @property
    def question(self) -> Question | None:
        if self.phase != "answer":
            return None
        return self.tree.questions[self.case.questions[self.step]]

    @property
    def outcome_choices(self) -> list[tuple[str, str]]:
        return [(o.id, o.title) for o in self.tree.outcomes]

    # -- moves -------------------------------------------------------------------------
    def answer(self, raw: Any) -> AnswerFeedback:
        """Judge the answer to the current question; raises AnswerError if not allowed."""
        question = self.question
        if question is None:
            raise InputError("there is no question to answer now")
        given = parse_answer(question, raw)
        case = self.case
        expected = case.answers[question.id]
        feedback = AnswerFeedback(
            question.id, question.prompt, given, question.label_of(given), expected,
            question.label_of(expected), given == expected,  # both canonical: lists sorted
            case.why[question.id], self.tree.cite_text(question.cite),
        )
        self.result.answers.append(feedback)
        self.step += 1
        return feedback

    def predict(self, recommendation: str) -> CaseResult:
        """Record the prediction and reveal: the derived recommendation and every factor."""
        if self.phase != "predict":
            raise InputError("a prediction comes after the last answer of the case")
        if recommendation not in self.tree.outcome_ids:
            raise InputError(f"unknown recommendation '{recommendation}'",
                             allowed=one_of(self.tree.outcome_ids))
        result = self.result
        _walk, evaluation = derive(self.tree, self.case.answers)
        result.prediction = recommendation
        result.recommendation = evaluation.recommendation
        result.provisional = evaluation.provisional
        right = {a.question for a in result.answers if a.correct}
        for raised in evaluation.factors:
            rule = raised.rule
            reads = tuple(n for n in rule.reads if n in self.case.answers)
            cite, passage = factor_source(self.tree, rule)
            result.factors.append(FactorFeedback(
                rule.id, rule.title or rule.id.replace("_", " "), rule.favors,
                " ".join(rule.text.split()), cite, passage, reads,
                all(q in right for q in reads), rule.added_rule,
            ))
        return result

    def next_case(self) -> bool:
        """Move on after the reveal; False when the round is over."""
        if self.phase != "reveal":
            raise InputError("finish the case (answers and prediction) first")
        self.index += 1
        self.step = 0
        return self.index < len(self.cases)

    # -- totals ------------------------------------------------------------------------
    @property
    def finished(self) -> list[CaseResult]:
        return [r for r in self.results if r.prediction is not None]

    def score(self) -> tuple[int, int]:
        done = self.finished
        return sum(r.points for r in done), sum(r.max_points for r in done)

    def predictions_right(self) -> tuple[int, int]:
        done = self.finished
        return sum(1 for r in done if r.prediction_right), len(done)

    def answers_right(self) -> tuple[int, int]:
        done = self.finished
        return sum(r.answers_right for r in done), sum(len(r.answers) for r in done)


def summary_markdown(round_: Round, generated_at: str = "") -> str:
    """The round as a Markdown note: per case, what was right or wrong and the sources."""
    tree = round_.tree
    points, most = round_.score()
    preds, cases = round_.predictions_right()
    right, total = round_.answers_right()
    seed = f", seed {round_.seed}" if round_.seed is not None else ""
    when = f", {generated_at}" if generated_at else ""
    lines = [
        "# Training round: " + tree.title,
        "",
        f"Tree `{tree.id}` {tree.version}{seed}{when}.",
        "",
        f"**Score: {points}/{most}** (predictions {preds}/{cases}, answers {right}/{total}; "
        f"a right prediction counts {PREDICTION_POINTS} points, a right answer 1).",
        "",
    ]
    for number, result in enumerate(round_.finished, 1):
        v = result.vignette
        mark = "right" if result.prediction_right else "wrong"
        provisional = " (provisional)" if result.provisional else ""
        lines += [
            f"## {number}. {v.title} (`{v.id}`)",
            "",
            f"> {v.story}",
            "",
            f"Prediction **{result.prediction}**, the tree derives "
            f"**{result.recommendation}**{provisional}: {mark}. "
            f"Points {result.points}/{result.max_points}.",
            "",
            "| Question | Your answer | The story implies | Why |",
            "|---|---|---|---|",
        ]
        for a in result.answers:
            ok = "✓" if a.correct else "✗"
            lines.append(f"| `{a.question}` | {ok} {_cell(a.given_label)} | "
                         f"{_cell(a.expected_label)} | {_cell(a.why)} |")
        lines += ["", "Factors:", ""]
        for f in result.factors:
            added = " (added rule, outside the review's Table)" if f.added_rule else ""
            seen = "" if f.found else " You missed this one."
            lines.append(f"- **{f.title}** favors {f.favors}{added}: {f.text} "
                         f"*Source: {f.cite}.*{seen}")
        lines.append("")
    lines += [f"*{' '.join(tree.disclaimer.split())}*", ""]
    return "\n".join(lines)


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def export_summary(round_: Round, path: Path | None = None) -> Path:
    """Write the summary note atomically (default: the notes folder); return its path."""
    stamp = now_utc()
    if path is None:
        path = paths.notes_dir() / f"training-{stamp.strftime('%Y%m%d-%H%M%S')}.md"
    text = summary_markdown(round_, stamp.strftime("%Y-%m-%d %H:%M UTC"))
    return atomic_write(path, text)
