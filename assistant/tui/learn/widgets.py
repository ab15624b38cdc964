"""Small widgets of trainee mode: an answer picker per question kind, the prediction picker
and feedback cards. Kept apart from the consultation's widgets so the two can evolve freely.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Label, OptionList, SelectionList, Static
from textual.widgets.option_list import Option

from assistant.core.model import Question
from assistant.core.training import AnswerFeedback, CaseResult

FAVOR_STYLES = {"OSS": "bold red", "MISS": "bold green", "nonoperative": "bold blue",
                "caution": "bold yellow"}


class Picked(Message):
    """A value chosen in a picker (an answer or a prediction), raw as typed or selected."""

    def __init__(self, value: Any) -> None:
        super().__init__()
        self.value = value


class _MultiList(SelectionList[str]):
    """Space toggles a choice; Enter submits the whole selection."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "submit", "Submit", tooltip="Submit the choices ticked"),
    ]

    def action_submit(self) -> None:
        self.post_message(Picked(list(self.selected)))


class AnswerPicker(Vertical):
    """The input for one question: a list for choices, a line for numbers and text."""

    def __init__(self, question: Question, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.question = question

    def compose(self) -> ComposeResult:
        q = self.question
        yield Label(Text(q.prompt, style="bold"), id="prompt")
        if q.kind == "single":
            yield OptionList(*[Option(c.label, id=c.id) for c in q.choices], id="choices")
            yield Label("↑↓ to move, Enter to answer", classes="hint")
        elif q.kind == "multi":
            yield _MultiList(*[(c.label, c.id) for c in q.choices], id="choices")
            yield Label("Space to tick each that applies, Enter to answer", classes="hint")
        else:
            placeholder = (f"a whole number ({q.minimum}-{q.maximum} {q.unit})".strip()
                           if q.kind == "integer" else q.pattern_hint or "text")
            yield Input(placeholder=placeholder, id="choices",
                        type="integer" if q.kind == "integer" else "text")
            yield Label("Type, then Enter to answer", classes="hint")

    def on_mount(self) -> None:
        widget = self.query_one("#choices")
        if isinstance(widget, OptionList):
            widget.highlighted = 0
        widget.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(Picked(event.option.id))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(Picked(event.value))


class PredictionPicker(Vertical):
    """Before the reveal: which recommendation does the tree derive for this story?"""

    def __init__(self, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.choices = choices

    def compose(self) -> ComposeResult:
        yield Label(Text("Your prediction: what does the tree recommend?", style="bold"),
                    id="prompt")
        yield OptionList(*[Option(f"{oid}: {title}", id=oid) for oid, title in self.choices],
                         id="choices")
        yield Label("↑↓ to move, Enter to commit your prediction", classes="hint")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(Picked(event.option.id))


def answer_card(feedback: AnswerFeedback) -> Static:
    """✓ or ✗, what the story implied and why, with the question's source."""
    text = Text()
    if feedback.correct:
        text.append("✓ ", style="bold green")
        text.append(f"{feedback.question}: {feedback.expected_label}", style="bold")
    else:
        text.append("✗ ", style="bold red")
        text.append(f"{feedback.question}: you said {feedback.given_label}; the story implies ",
                    style="bold")
        text.append(feedback.expected_label, style="bold underline")
    text.append(f"\n  {feedback.why}")
    if feedback.cite:
        text.append(f"\n  Source: {feedback.cite}", style="dim italic")
    return Static(text, classes="card answer " + ("right" if feedback.correct else "wrong"))


def reveal_card(result: CaseResult) -> Static:
    """The reveal: the prediction against the tree, then every factor with its citation."""
    text = Text()
    right = result.prediction_right
    text.append("✓ Right: " if right else "✗ Wrong: ", style="bold green" if right else "bold red")
    text.append(f"you predicted {result.prediction}; the tree derives ")
    text.append(result.recommendation, style=FAVOR_STYLES.get(result.recommendation, "bold"))
    if result.provisional:
        text.append(" (provisional: something is still unknown)", style="yellow")
    text.append(f"\nPoints for this case: {result.points}/{result.max_points} "
                f"(answers {result.answers_right}/{len(result.answers)}).\n")
    if result.recommendation == "OSS":
        text.append("One OSS factor is enough for OSS.", style="dim")
    elif result.recommendation == "MISS":
        text.append("No factor favors OSS, so MISS with early adjuvant RT.", style="dim")
    else:
        text.append("Surgery is off the table: the approach questions are not reached.",
                    style="dim")
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
