"""The current question: prompt, suggestion, complaint, the answer widget and a hint.

One box asks in the consultation, edit dialog, what-if screen and trainee mode, so keys
mean the same everywhere. What the person did becomes a call on the screen holding it
(asking.AnswerTarget): an answer, a skip, or (in a preview box) a proposal.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Input, OptionList, SelectionList, Static

from assistant.core.answers import parse_answer
from assistant.core.errors import AnswerError, terminal_safe
from assistant.core.model import Question
from assistant.tui.widgets.answer_widgets import (
    SKIP_ID,
    AnswerField,
    CheckList,
    ChoiceList,
    typed_problem,
)
from assistant.tui.widgets.asking import AnswerTarget


def hint_for(kind: str, skip: bool, preview: bool) -> str:
    """The answering keys, in words."""
    if kind == "single":
        keys = "1-9 or ↑↓ to look, Enter applies" if preview else "1-9, or ↑↓ and Enter"
        return keys + (" · s skips" if skip else "")
    if kind == "multi":
        return "1-9/Space tick · Enter confirms" + (" · s skips" if skip else "")
    return "Enter confirms" + (" · Enter with nothing skips" if skip else "")


def _update(static: Static, text: str) -> None:
    """Update only on change: an update lays the screen out again."""
    if str(static.content) != text:
        static.update(Text(text))


class QuestionBox(Vertical):
    """One question and its answer widget; the screen decides what an answer does."""

    DEFAULT_CSS = """
    QuestionBox {
        height: auto;
        #q-prompt { text-style: bold; }
        #q-note { color: $text-muted; }
        #q-error { color: $text-error; }
        #q-note, #q-error { display: none; }
        OptionList, SelectionList {
            height: auto; max-height: 100%; border: none; padding: 0; background: transparent;
            scrollbar-gutter: stable;  /* a scrollbar coming or going would rewrap the lines */
        }
        OptionList:focus, SelectionList:focus { border: none; background-tint: transparent; }
        #q-field { margin: 0 0 0 0; }
        #q-foot { height: 1; color: $text-muted; }
        #q-hint { width: 1fr; }
        #q-progress { width: auto; }
    }
    """

    def __init__(self, *, preview: bool = False, steady: bool = False,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.preview = preview  # what-if: moving and ticking only propose (Enter applies)
        # steady: keep the tallest question's height so far (at this width), so the
        # conversation above neither jumps nor is laid out again with every question.
        self.steady = steady
        self._steady_size = (0, 0)  # (width, tallest height at that width)
        self.question: Question  # set by show(), before any widget has a choice or text
        self.kind = ""
        self.allow_skip = False
        self._reason = ""
        self.prompt = Static(id="q-prompt")
        self.note = Static(id="q-note")
        self.complaint = Static(id="q-error")
        self.choices = ChoiceList(id="q-choices")
        self.checks = CheckList(id="q-checks")
        self.field = AnswerField(id="q-field")
        self.hint = Static(id="q-hint")
        self.progress = Static(id="q-progress")
        self.choices.asker = self.checks.asker = self.field.asker = self

    def compose(self) -> ComposeResult:
        yield self.prompt
        yield self.note
        yield self.complaint
        yield self.choices
        yield self.checks
        yield self.field
        with Horizontal(id="q-foot"):
            yield self.hint
            yield self.progress

    # -- what the screens and tests read -------------------------------------------------
    @property
    def widget(self) -> Widget:
        """The answer widget of the question shown."""
        return {"single": self.choices, "multi": self.checks}.get(self.kind, self.field)

    @property
    def ticked(self) -> list[str]:
        """The ticked choices, in the question's order."""
        chosen = set(self.checks.selected)
        return [c for c in self.question.choice_ids if c in chosen]

    @property
    def error(self) -> str:
        return str(self.complaint.content) if self.complaint.display else ""

    @property
    def suggestion(self) -> str:
        return f"suggested: {self._reason}" if self._reason else ""

    # -- showing -------------------------------------------------------------------------
    def show(self, question: Question, default: Any = None, *, reason: str = "",
             title: str = "", subtitle: str = "", progress: str = "",
             allow_skip: bool = True, current: Any = None) -> None:
        """`default` preselected or filled in; focuses the answer widget."""
        self.question = question
        self.kind = question.kind if question.kind in ("single", "multi") else "value"
        self.allow_skip = allow_skip and question.optional
        self._reason = reason
        self.prompt.update(Text(terminal_safe(question.prompt)))
        _update(self.note, terminal_safe(self.suggestion))
        self.note.display = bool(reason)  # a style set now, not a class (applied a frame later)
        self.set_error("")
        if self.kind == "single":
            self.choices.show(question, default, allow_skip=self.allow_skip, current=current)
        elif self.kind == "multi":
            self.checks.show(question, default, allow_skip=self.allow_skip)
        else:
            self.field.show(question, default, allow_skip=self.allow_skip)
        for widget in (self.choices, self.checks, self.field):
            widget.display = widget is self.widget
        _update(self.hint, hint_for(self.kind, self.allow_skip, self.preview))
        self.set_progress(progress)
        self.border_title = title or None
        self.border_subtitle = subtitle or None
        self.focus_answer()
        self.call_after_refresh(self._place_cursor)

    def set_progress(self, progress: str) -> None:
        _update(self.progress, progress)

    def on_resize(self, event: events.Resize) -> None:
        """The field may have moved: Input places the terminal's cursor only when its
        selection changes or it takes the focus."""
        if self.steady and not self.complaint.display:  # a complaint is gone at the next key
            self._keep_tallest(event.size.width, event.size.height)
        self.call_after_refresh(self._place_cursor)

    def _keep_tallest(self, width: int, height: int) -> None:
        """A new width (terminal resized) starts again from the next question's height."""
        if width != self._steady_size[0]:
            self._steady_size = (width, 0)
            self.styles.min_height = None
        elif height > self._steady_size[1]:
            self._steady_size = (width, height)
            self.styles.min_height = height

    def _place_cursor(self) -> None:
        if self.field.has_focus:
            self.app.cursor_position = self.field.cursor_screen_offset
            self.field.refresh()  # the next frame takes the cursor there

    def focus_answer(self) -> None:
        """At once after an answer: Widget.focus waits for the app's queue, and a key
        already in it would go to the widget focused before."""
        widget = self.widget
        if not self.is_mounted or self.screen.focused is widget:
            return
        if self.screen.focused in (self.choices, self.checks, self.field):
            self.screen.set_focus(widget)
        else:  # the first question shown: focused once laid out, the cursor in place
            widget.focus()

    def set_error(self, message: str) -> None:
        if message != self.error:
            self.complaint.update(Text(message))
            self.complaint.display = bool(message)

    # -- what the person did -------------------------------------------------------------
    @property
    def _target(self) -> AnswerTarget:
        """The screen (or app) holding this box decides what an answer does."""
        return next(node for node in self.ancestors if isinstance(node, AnswerTarget))

    def _answer(self, value: Any) -> None:
        self._target.answer_given(self.question, value)

    def skip(self) -> None:
        """Offered (`s`, skip row, empty field) only where the question allows it."""
        self._target.answer_skipped(self.question)

    def _propose(self, value: Any) -> None:
        if self.preview:
            self._target.answer_proposed(self.question, value)

    def digit(self, number: int) -> None:
        """Pick (in a preview, show) or tick that choice."""
        question = self.question
        count = len(question.choices)
        if number > count:
            self.set_error(f"There is no choice {number}: press 1 to {count}.")
            return
        if self.kind == "multi":
            self.checks.highlighted = number - 1
            self.checks.toggle(question.choices[number - 1].id)
        elif self.preview:
            self.choices.highlighted = number - 1  # shown and proposed, not applied
        else:
            self._answer(question.choices[number - 1].id)

    def confirm(self) -> None:
        """Answer with what the box shows, or say why that is no answer."""
        if self.kind == "single":
            option = self.choices.highlighted_option
            if option is not None:
                self._chosen(option.id)
        elif self.kind == "multi":
            ticked = self.ticked
            if not ticked:
                self.set_error("Tick at least one (Space or a digit), then Enter.")
                return
            try:
                self._answer(parse_answer(self.question, ticked))
            except AnswerError:
                self.set_error("These cannot go together: untick one, then Enter.")
        elif self.kind == "value":
            self.submit(self.field.value)

    def _chosen(self, option_id: str | None) -> None:
        if option_id == SKIP_ID:
            self.skip()
        elif option_id is not None:
            self._answer(option_id)

    @on(OptionList.OptionSelected, "#q-choices")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        """In a preview a click only shows the choice (Enter applies)."""
        event.stop()
        if not self.preview:
            self._chosen(event.option_id)

    @on(OptionList.OptionHighlighted, "#q-choices")
    def _moved(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option_id not in (None, SKIP_ID):
            self.set_error("")
            self._propose(event.option_id)

    @on(SelectionList.SelectionToggled, "#q-checks")
    def _toggled(self, event: SelectionList.SelectionToggled[str]) -> None:
        """The exclusive choice (`none`) clears the others; any other clears it."""
        event.stop()
        choice = str(event.selection.value)
        if choice in self.checks.selected:
            exclusive = self.question.exclusive
            for other in list(self.checks.selected):
                if other != choice and (choice in exclusive or other in exclusive):
                    self.checks.deselect(other)
        self.set_error("")
        self._propose(self.ticked)

    @on(SelectionList.SelectedChanged, "#q-checks")
    @on(SelectionList.SelectionHighlighted, "#q-checks")
    def _quiet(self, event: Any) -> None:
        event.stop()

    @on(Input.Changed, "#q-field")
    def _typed(self, event: Input.Changed) -> None:
        """The complaint says what is wrong as it is typed."""
        event.stop()
        if self.kind != "value":
            return
        problem = typed_problem(self.question, event.value) if event.value.strip() else ""
        self.set_error(problem)
        if not problem and event.value.strip():
            self._propose(parse_answer(self.question, event.value))

    def submit(self, text: str) -> None:
        """Enter in the field: empty skips (where allowed)."""
        question = self.question
        if not text.strip() and self.allow_skip:
            self.skip()
            return
        problem = typed_problem(question, text)  # empty: "An answer is needed"
        if problem:
            self.set_error(problem)
        else:
            self._answer(parse_answer(question, text))
