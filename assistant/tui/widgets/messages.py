"""What the question view tells the screen: an answer, a skip, or a value to preview.

Messages go up, calls go down: the view knows the question and its allowed values, never
the consultation.
"""

from __future__ import annotations

from typing import Any

from textual.dom import NoScreen
from textual.message import Message
from textual.widget import Widget

from assistant.core.model import Question


class Answered(Message):
    """A checked answer."""

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


def send_to_screen(widget: Widget, message: Message) -> None:
    """Post an answer straight to the screen, where every handler of one lives: bubbling
    up through the containers costs a turn of each one's message loop before anything
    can repaint (about a millisecond per answer)."""
    try:
        screen = widget.screen
    except NoScreen:  # not mounted on a screen (a widget on its own in a test app)
        widget.post_message(message)
    else:
        screen.post_message(message)
