"""A yes/no question, shown literally (a file name may hold `[/]`: never markup)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from assistant.core.errors import terminal_safe


class ConfirmScreen(ModalScreen[bool]):
    """Dismisses True for yes; n, Esc and the focused default button say no."""

    CSS_PATH = "confirm.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "dismiss(True)", "Yes", id="confirm-yes"),
        Binding("n,escape", "dismiss(False)", "No", id="confirm-no"),
    ]

    def __init__(self, question: str, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.question = question
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(Text(terminal_safe(self.question)), id="confirm-question")
            with Horizontal(id="confirm-buttons"):
                yield Button(f"{self.yes} (y)", id="yes", variant="warning",
                             action="screen.dismiss(True)")
                yield Button(f"{self.no} (n)", id="no", variant="primary",
                             action="screen.dismiss(False)")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()
