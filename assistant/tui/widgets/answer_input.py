"""Inputs fitted to a question's kind; each posts Answered / Skipped / Proposed upward.

Messages go up, calls go down: the inputs know the question and its allowed values, never
the consultation. `build_input` picks the widget for a kind.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import events, on
from textual.binding import Binding, BindingType
from textual.dom import NoScreen
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from assistant.core.answers import allowed_text, parse_answer
from assistant.core.errors import AnswerError
from assistant.core.model import Question

if TYPE_CHECKING:
    from typing import TypeAlias

    from assistant.tui.widgets.multi_input import MultiInput

SKIP_ID = "__skip__"


class Answered(Message):
    """A checked answer from an input."""

    def __init__(self, question: Question, value: Any) -> None:
        super().__init__()
        self.question = question
        self.value = value


class Skipped(Message):
    """The user skipped an optional question."""

    def __init__(self, question: Question) -> None:
        super().__init__()
        self.question = question


class Proposed(Message):
    """A value under the cursor (not confirmed): the what-if screen previews it."""

    def __init__(self, question: Question, value: Any) -> None:
        super().__init__()
        self.question = question
        self.value = value


class Invalid(Message):
    """The typed value does not fit (message shown inline by the parent), or '' when fixed."""

    def __init__(self, question: Question, message: str) -> None:
        super().__init__()
        self.question = question
        self.message = message


def send_to_screen(widget: Widget, message: Message) -> None:
    """Post an answer straight to the screen, where every handler of one lives: bubbling
    up through the question view and its containers costs a turn of each one's message
    loop before anything can repaint (about a millisecond per answer)."""
    try:
        screen = widget.screen
    except NoScreen:  # not mounted on a screen (a widget on its own in a test app)
        widget.post_message(message)
    else:
        screen.post_message(message)


def choice_prompt(index: int, label: str, explain: str, marked: bool = False) -> Text:
    text = Text()
    text.append(f"{index} " if index <= 9 else "  ", style="bold")
    text.append(label)
    if marked:
        text.append("  (current)", style="italic")
    if explain:
        text.append(f" — {explain}", style="dim")
    return text


class ChoiceBase:
    """What the two choice inputs share: built for a question and reloaded in place by
    `load`, and the `s` key, which skips optional questions and is greyed on required ones."""

    question: Question
    allow_skip: bool

    def __init__(self, question: Question, default: Any = None, *,
                 allow_skip: bool = True, current: Any = None, id: str | None = None) -> None:
        super().__init__(id=id, classes="answer-input")  # type: ignore[call-arg]
        self.load(question, default, allow_skip=allow_skip, current=current)

    def load(self, question: Question, default: Any = None, *, allow_skip: bool = True,
             current: Any = None) -> None:
        """Show `question` in place (no new widget, so focus and bindings stay)."""
        self.question = question
        self.allow_skip = allow_skip and question.optional

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "skip":
            # Greyed out (None), not hidden, on a required question: the footer keeps its
            # keys from question to question and only dims this one.
            return True if self.allow_skip else None
        return True

    def action_skip(self) -> None:
        if self.allow_skip:
            send_to_screen(self, Skipped(self.question))  # type: ignore[arg-type]


class ChoiceInput(ChoiceBase, OptionList):
    """Single choice: digits 1-9 pick at once, arrows and Enter also work; `s` skips."""

    propose = False  # post Proposed for values under the cursor (the what-if screen)

    BINDINGS: ClassVar[list[BindingType]] = [
        # Also bound (not only in on_key): a digit typed before the list has focus still
        # picks once the key reaches the app and the list is focused by then.
        *(Binding(str(n), f"pick({n})", show=False) for n in range(1, 10)),
        Binding("s", "skip", "Skip", tooltip="Skip this optional question", id="skip"),
    ]

    def load(self, question: Question, default: Any = None, *, allow_skip: bool = True,
             current: Any = None) -> None:
        super().load(question, default, allow_skip=allow_skip, current=current)
        options = [
            Option(choice_prompt(i, c.label, c.explain, c.id == current), id=c.id)
            for i, c in enumerate(question.choices, 1)
        ]
        if self.allow_skip:
            options.append(Option(Text("s skip this optional question", style="italic"),
                                  id=SKIP_ID))
        self.set_options(options)
        ids = question.choice_ids
        self.highlighted = ids.index(default) if default in ids else 0

    def on_key(self, event: events.Key) -> None:
        """Digits pick here when the list has focus: Textual runs a binding only once the
        key has bubbled up to the app (five more message hops before the answer is taken)."""
        digit = event.character
        if digit is not None and len(digit) == 1 and "1" <= digit <= "9":
            event.stop()
            event.prevent_default()
            self.action_pick(int(digit))

    def action_pick(self, number: int) -> None:
        # No highlight first: the next question replaces the list, and a frame spent on the
        # highlight would hold back the one that shows the next question.
        if number <= len(self.question.choices):
            send_to_screen(self, Answered(self.question, self.question.choices[number - 1].id))

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_id == SKIP_ID:
            self.action_skip()
        else:
            send_to_screen(self, Answered(self.question, event.option_id))

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if self.propose and event.option_id and event.option_id != SKIP_ID:
            self.post_message(Proposed(self.question, event.option_id))


class ValueInput(Input):
    """A number or text, checked as typed; Enter confirms only a valid value."""

    propose = False  # post Proposed for values under the cursor (the what-if screen)

    def __init__(self, question: Question, default: Any = None, *,
                 allow_skip: bool = True, current: Any = None, id: str | None = None) -> None:
        super().__init__(
            type="integer" if question.kind == "integer" else "text",
            max_length=500,
            id=id,
            classes="answer-input",
        )
        self.load(question, default, allow_skip=allow_skip, current=current)

    def load(self, question: Question, default: Any = None, *, allow_skip: bool = True,
             current: Any = None) -> None:
        """Show another question of the same kind in place, `default` filled in."""
        self.question = question
        self.allow_skip = allow_skip and question.optional
        placeholder = allowed_text(question)
        if self.allow_skip:
            placeholder += " (Enter with nothing to skip)"
        self.placeholder = placeholder
        with self.prevent(Input.Changed):
            self.value = "" if default is None else str(default)
        self.cursor_position = len(self.value)

    def check(self) -> tuple[Any, str]:
        """(value, '') when valid, (None, message) when not."""
        text = self.value.strip()
        if not text:
            needed = f"an answer is needed: {allowed_text(self.question)}"
            return None, "" if self.allow_skip else needed
        try:
            return parse_answer(self.question, text), ""
        except AnswerError as exc:
            return None, f"{exc.message} ({exc.allowed})" if exc.allowed else exc.message

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        value, message = self.check()
        shown = message if self.value.strip() else ""
        self.post_message(Invalid(self.question, shown))
        if value is not None and self.propose:
            self.post_message(Proposed(self.question, value))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not self.value.strip() and self.allow_skip:
            send_to_screen(self, Skipped(self.question))
            return
        value, message = self.check()
        if value is None:
            self.post_message(Invalid(self.question, message))
            return
        send_to_screen(self, Answered(self.question, value))


if TYPE_CHECKING:  # an alias for annotations (the checklist's module is imported lazily)
    AnswerInput: TypeAlias = ChoiceInput | MultiInput | ValueInput


def build_input(question: Question, default: Any = None, *, allow_skip: bool = True,
                current: Any = None) -> AnswerInput:
    """The input widget for a question's kind, preselecting `default`."""
    if question.kind == "single":
        return ChoiceInput(question, default, allow_skip=allow_skip, current=current)
    if question.kind == "multi":
        # Its own module: SelectionList costs ~3 ms to import, not spent at start-up
        # unless the first question is a checklist.
        from assistant.tui.widgets.multi_input import MultiInput

        return MultiInput(question, default, allow_skip=allow_skip, current=current)
    return ValueInput(question, default, allow_skip=allow_skip, current=current)
