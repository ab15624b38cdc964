"""What a question box tells the screen holding it. Called, not messaged (keyorder.py);
calls go up only: the box knows the question, never the consultation.
"""

from __future__ import annotations

from typing import Any

from assistant.core.model import Question


class AnswerTarget:
    """The box calls its nearest such ancestor."""

    def answer_given(self, question: Question, value: Any) -> None:
        """A checked answer (in a what-if preview: the explicit apply)."""

    def answer_skipped(self, question: Question) -> None:
        """An optional question skipped."""

    def answer_proposed(self, question: Question, value: Any) -> None:
        """A value under the cursor, not confirmed (the what-if screen previews it)."""
