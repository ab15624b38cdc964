"""What a question box tells its screen: an answer, a skip, or a value to preview.

Messages go up, calls go down: the box knows the question and its allowed values, never
the consultation.
"""

from __future__ import annotations

from typing import Any

from textual.message import Message

from assistant.core.model import Question


class Answered(Message):
    """A checked answer (in a what-if preview: the explicit apply)."""

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
