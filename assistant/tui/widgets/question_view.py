"""The current question at the bottom of the conversation: prompt, suggestion, input, error.

Swapping a question replaces only the input widget and updates three lines of text, so an
answer repaints in one frame.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Static

from assistant.core.model import Question
from assistant.tui.widgets.answer_input import Invalid, build_input


class QuestionView(Vertical):
    """One question and its input; the parent decides what an answer does."""

    DEFAULT_CSS = """
    QuestionView { height: auto; }
    QuestionView > .prompt { text-style: bold; }
    QuestionView > .suggestion { color: $text-muted; }
    QuestionView > .error { color: $text-error; }
    QuestionView > .hint { color: $text-muted; }
    QuestionView > .answer-input { height: auto; max-height: 12; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.question: Question | None = None
        self.input: Widget | None = None

    def compose(self) -> ComposeResult:
        yield Static(classes="prompt")
        yield Static(classes="suggestion")
        yield Static(classes="error")
        yield Static(classes="hint")

    def show(self, question: Question, default: Any = None, *, reason: str = "",
             title: str = "", subtitle: str = "", allow_skip: bool = True,
             current: Any = None) -> Widget:
        """Show a question with `default` preselected; return its (focused) input."""
        self.question = question
        self.border_title = title
        self.border_subtitle = subtitle
        self.query_one(".prompt", Static).update(Text(question.prompt))
        suggestion = self.query_one(".suggestion", Static)
        suggestion.update(Text(f"suggested: {reason}") if reason else "")
        suggestion.display = bool(reason)
        self.set_error("")
        hint = self.query_one(".hint", Static)
        hint.update(_hint(question, allow_skip))
        if self.input is not None:
            self.input.remove()
        self.input = build_input(question, default, allow_skip=allow_skip, current=current)
        self.mount(self.input, before=hint)
        self.input.focus()
        return self.input

    def set_error(self, message: str) -> None:
        error = self.query_one(".error", Static)
        error.update(Text(message))
        error.display = bool(message)

    @on(Invalid)
    def _invalid(self, event: Invalid) -> None:
        event.stop()
        self.set_error(event.message)


def _hint(question: Question, allow_skip: bool) -> str:
    skip = allow_skip and question.optional
    if question.kind == "single":
        text = "1-9 or arrows+Enter"
        return text + (" · s skip" if skip else "")
    if question.kind == "multi":
        text = "digits or Space tick · Enter confirms"
        return text + (" · s skip" if skip else "")
    return "Enter confirms" + (" · empty Enter skips" if skip else "")
