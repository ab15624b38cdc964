"""Change one earlier answer: the question again, the answer given preselected.

Esc cancels the edit only: it is this screen's binding, and the screen below (where Esc
takes back an answer) is not asked for keys while this one is on top.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen

from assistant.core.machine import SKIPPED
from assistant.core.model import Question
from assistant.tui.protocol import host
from assistant.tui.widgets.asking import AnswerTarget
from assistant.tui.widgets.question_box import QuestionBox


class EditAnswerScreen(AnswerTarget, ModalScreen[Any]):
    """Dismisses with the new value, SKIPPED, or None when cancelled."""

    CSS_PATH = "edit.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", tooltip="Keep the answer given", id="cancel-edit"),
    ]

    def __init__(self, qid: str) -> None:
        super().__init__()
        self.qid = qid

    def compose(self) -> ComposeResult:
        yield QuestionBox(id="edit-question")

    def on_mount(self) -> None:
        consultation = host(self).consultation
        given = consultation.known.get(self.qid)
        given = None if given is SKIPPED else given
        self.query_one(QuestionBox).show(consultation.tree.questions[self.qid], given,
                                         title="Change the answer", subtitle="Esc keeps it",
                                         current=given)

    def _close(self, value: Any) -> None:
        """Dismiss once: a key still on its way once the dialog is gone changes nothing."""
        if self.is_current:
            self.dismiss(value)

    def answer_given(self, question: Question, value: Any) -> None:
        self._close(value)

    def answer_skipped(self, question: Question) -> None:
        self._close(SKIPPED)

    def action_cancel(self) -> None:
        self._close(None)
