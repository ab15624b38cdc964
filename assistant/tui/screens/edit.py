"""Change one earlier answer: the question again, the answer given preselected."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen

from assistant.core.machine import SKIPPED
from assistant.core.model import Question
from assistant.tui.widgets.messages import Answered, Skipped
from assistant.tui.widgets.question_view import QuestionView


class EditAnswerScreen(ModalScreen[Any]):
    """Dismisses with the new value, SKIPPED, or None when cancelled."""

    CSS_PATH = "edit.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", tooltip="Keep the answer given", id="cancel-edit"),
    ]

    def __init__(self, question: Question, given: Any) -> None:
        super().__init__()
        self.question = question
        self.given = None if given is SKIPPED else given

    def compose(self) -> ComposeResult:
        yield QuestionView(id="edit-question")

    def on_mount(self) -> None:
        self.query_one(QuestionView).show(
            self.question, self.given, title="Change the answer",
            subtitle="Esc keeps it", current=self.given,
        )

    @on(Answered)
    def _answered(self, event: Answered) -> None:
        event.stop()
        self.dismiss(event.value)

    @on(Skipped)
    def _skipped(self, event: Skipped) -> None:
        event.stop()
        self.dismiss(SKIPPED)

    def action_cancel(self) -> None:
        self.dismiss(None)
