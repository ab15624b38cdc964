"""The current question at the bottom of the conversation: prompt, suggestion, input, error.

Swapping a question updates four lines of text and the input in place, so an answer
repaints in one frame.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from assistant.core.model import Question
from assistant.tui.widgets.answer_input import Invalid, build_input

if TYPE_CHECKING:
    from assistant.tui.widgets.answer_input import AnswerInput


class QuestionView(Vertical):
    """One question and its input; the parent decides what an answer does.

    One input widget per kind of question, made on first use and then updated in place:
    the next question of the same kind keeps the widget, its focus and the footer's keys,
    so an answer repaints a few lines instead of mounting (and styling) a new widget.
    """

    DEFAULT_CSS = """
    QuestionView { height: auto; }
    QuestionView > .prompt { text-style: bold; }
    QuestionView > .suggestion { color: $text-muted; }
    QuestionView > .error { color: $text-error; }
    QuestionView > .hint { color: $text-muted; }
    QuestionView > .answer-input { height: auto; max-height: 12; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None,
                 propose: bool = False) -> None:
        super().__init__(id=id, classes=classes)
        self.propose = propose  # inputs post Proposed (a preview) as the cursor moves
        self.question: Question | None = None
        self.input: AnswerInput | None = None
        self._inputs: dict[str, AnswerInput] = {}  # by question kind
        self._composed = False
        self._prompt = Static(classes="prompt")
        self._suggestion = Static(classes="suggestion")
        self._error = Static(classes="error")
        self._hint = Static(classes="hint")
        self._error_message: str | None = None
        self._shown_suggestion: str | None = None
        self._shown_hint: str | None = None

    def compose(self) -> ComposeResult:
        self._composed = True
        yield self._prompt
        yield self._suggestion
        yield self._error
        yield from self._inputs.values()  # a question shown before compose: its input
        yield self._hint

    def show(self, question: Question, default: Any = None, *, reason: str = "",
             title: str = "", subtitle: str = "", allow_skip: bool = True,
             current: Any = None) -> AnswerInput:
        """Show a question with `default` preselected; return its (focused) input.

        May be called before the view is composed (the first question then appears in
        the first frame).
        """
        self.question = question
        self.border_title = title
        self.border_subtitle = subtitle
        self._prompt.update(Text(question.prompt))
        # Lines that did not change are left alone: each update is a widget to lay out
        # and repaint in the frame that shows the next question.
        suggestion = f"suggested: {reason}" if reason else ""
        if suggestion != self._shown_suggestion:
            self._shown_suggestion = suggestion
            self._suggestion.update(Text(suggestion))
            self._suggestion.display = bool(reason)
        self.set_error("")
        hint = _hint(question, allow_skip)
        if hint != self._shown_hint:
            self._shown_hint = hint
            self._hint.update(hint)
        widget = self._inputs.get(question.kind)
        if widget is None:
            widget = self._add_input(question, default, allow_skip=allow_skip,
                                     current=current)
        else:
            widget.load(question, default, allow_skip=allow_skip, current=current)
        for other in self._inputs.values():
            other.display = other is widget
        self.input = widget
        if not widget.has_focus:
            widget.focus()
        return widget

    def prepare(self, question: Question) -> None:
        """Build the input for `question`'s kind ahead of time, hidden (idle time after
        start-up), so the first question of that kind does not pay for a new widget."""
        if question.kind not in self._inputs and self._composed:
            self._add_input(question).display = False

    def release(self) -> None:
        """Remove the inputs while a screen covers the view; `show` builds the one it
        needs again."""
        for widget in self._inputs.values():
            widget.remove()
        self._inputs.clear()
        self.input = None
        self.question = None

    def _add_input(self, question: Question, default: Any = None, *, allow_skip: bool = True,
                   current: Any = None) -> AnswerInput:
        widget = build_input(question, default, allow_skip=allow_skip, current=current)
        widget.propose = self.propose
        self._inputs[question.kind] = widget
        if self._composed:
            self.mount(widget, before=self._hint)
        return widget

    def set_error(self, message: str) -> None:
        if message == self._error_message:
            return  # no repaint (and no frame spent) for an unchanged line
        self._error_message = message
        self._error.update(Text(message))
        self._error.display = bool(message)

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
