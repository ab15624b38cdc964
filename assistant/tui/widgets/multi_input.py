"""Several choices: a checklist where digits or Space toggle and Enter confirms.

Apart from the other inputs because Textual's SelectionList is imported only when a
question needs it (after the first frame, or at the first checklist).
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.binding import Binding, BindingType
from textual.widgets import SelectionList
from textual.widgets.selection_list import Selection

from assistant.core.answers import parse_answer
from assistant.core.errors import AnswerError
from assistant.core.model import Question
from assistant.tui.widgets.answer_input import (
    Answered,
    ChoiceBase,
    Invalid,
    Proposed,
    choice_prompt,
    send_to_screen,
)


class MultiInput(ChoiceBase, SelectionList[str]):
    """Several choices: digits or Space toggle, Enter confirms; exclusive `none` clears."""

    propose = False  # post Proposed for values under the cursor (the what-if screen)

    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(str(n), f"toggle_number({n})", show=False) for n in range(1, 10)),
        Binding("enter", "confirm", "Confirm", tooltip="Confirm the choices ticked",
                id="confirm"),
        Binding("s", "skip", "Skip", tooltip="Skip this optional question", id="skip"),
    ]

    _adjusting = False  # while the exclusive choice clears the others

    def load(self, question: Question, default: Any = None, *, allow_skip: bool = True,
             current: Any = None) -> None:
        """Show another question in place, ticking `default`."""
        super().load(question, default, allow_skip=allow_skip, current=current)
        chosen = set(default or ()) if isinstance(default, (list, tuple)) else set()
        self.clear_options()
        self.add_options([
            Selection(choice_prompt(i, c.label, c.explain), c.id, c.id in chosen)
            for i, c in enumerate(question.choices, 1)
        ])
        self.highlighted = 0

    def action_toggle_number(self, number: int) -> None:
        if number <= len(self.question.choices):
            self.highlighted = number - 1
            self.toggle(self.question.choices[number - 1].id)

    def action_confirm(self) -> None:
        value = self.value()
        try:
            checked = parse_answer(self.question, value)
        except AnswerError as exc:
            message = "tick at least one (Space or a digit), then Enter" if not value \
                else exc.message
            self.post_message(Invalid(self.question, message))
            return
        send_to_screen(self, Answered(self.question, checked))

    def value(self) -> list[str]:
        chosen = set(self.selected)
        return [c for c in self.question.choice_ids if c in chosen]

    @on(SelectionList.SelectionToggled)
    def _toggled(self, event: SelectionList.SelectionToggled) -> None:
        """The exclusive choice (`none`) clears the others, and any other clears it."""
        event.stop()
        if self._adjusting:
            return
        toggled = event.selection.value
        if toggled not in self.selected:
            self._preview()
            return
        self._adjusting = True
        try:
            exclusive = self.question.exclusive
            for other in list(self.selected):
                if other == toggled:
                    continue
                if toggled in exclusive or other in exclusive:
                    self.deselect(other)
        finally:
            self._adjusting = False
        self._preview()

    def _preview(self) -> None:
        value = self.value()
        self.post_message(Invalid(self.question, ""))
        if value and self.propose:
            self.post_message(Proposed(self.question, value))
