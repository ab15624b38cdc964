"""Trainee mode's pieces: the prediction asked as a question, and feedback cards.

The questions are asked in the consultation's own QuestionBox, so keys mean the same.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static

from assistant.core.model import Choice, Question
from assistant.core.training import AnswerFeedback, CaseResult

FAVOR_STYLES = {"OSS": "bold red", "MISS": "bold green", "nonoperative": "bold blue",
                "caution": "bold yellow"}
WHY_THIS = {"OSS": "One OSS factor is enough for OSS.",
            "MISS": "No factor favors OSS, so MISS with early adjuvant RT."}


def prediction_question(outcomes: Sequence[tuple[str, str]]) -> Question:
    """Asked before the reveal."""
    return Question("prediction", "", "Your prediction: what does the tree recommend?",
                    "single", choices=tuple(Choice(oid, title) for oid, title in outcomes))


def answer_card(feedback: AnswerFeedback) -> Static:
    """✓ or ✗, what the story implied and why, with the source."""
    text = Text()
    if feedback.correct:
        text.append("✓ ", style="bold green")
        text.append(f"{feedback.prompt} {feedback.expected_label}", style="bold")
    else:
        text.append("✗ ", style="bold red")
        text.append(f"{feedback.prompt} You said {feedback.given_label}; the story implies ",
                    style="bold")
        text.append(feedback.expected_label, style="bold underline")
    text.append(f"\n  {feedback.why}")
    if feedback.cite:
        text.append(f"\n  Source: {feedback.cite}", style="dim italic")
    return Static(text, classes="card answer " + ("right" if feedback.correct else "wrong"))


def reveal_card(result: CaseResult) -> Static:
    """The prediction against the tree, then every factor with its citation."""
    text = Text()
    right = result.prediction_right
    text.append("✓ Right: " if right else "✗ Wrong: ", style="bold green" if right else "bold red")
    text.append(f"you predicted {result.prediction}; the tree derives ")
    text.append(result.recommendation, style=FAVOR_STYLES.get(result.recommendation, "bold"))
    if result.provisional:
        text.append(" (provisional: something is still unknown)", style="yellow")
    text.append(f"\nPoints for this case: {result.points}/{result.max_points} "
                f"(answers {result.answers_right}/{len(result.answers)}).\n")
    text.append(WHY_THIS.get(result.recommendation, "Surgery is off the table: the approach "
                             "questions are not reached."), style="dim")
    for factor in result.factors:
        text.append("\n\n• ")
        text.append(f"{factor.title}", style="bold")
        text.append(f" favors {factor.favors}", style=FAVOR_STYLES.get(factor.favors, ""))
        if factor.added_rule:
            text.append(" (added rule, outside the review's Table)", style="italic")
        if not factor.found:
            text.append("  ← your answers missed this", style="bold red")
        text.append(f"\n  {factor.text}")
        text.append(f"\n  Source: {factor.cite}", style="dim italic")
        if factor.passage:
            text.append(f"\n  “{factor.passage}”", style="dim")
    return Static(text, classes="card reveal " + ("right" if right else "wrong"))
