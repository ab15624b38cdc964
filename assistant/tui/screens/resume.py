"""The offer on launch: resume the unfinished consultation, or start a new one."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from assistant.core.model import Tree
from assistant.core.session import Session


class ResumeScreen(ModalScreen[bool]):
    """Dismisses True to resume, False to start afresh (the old session stays saved)."""

    CSS_PATH = "resume.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "choose(True)", "Resume", tooltip="Continue where you left off",
                id="resume"),
        Binding("n", "choose(False)", "New", tooltip="Start a new consultation", id="new"),
        Binding("escape", "choose(False)", show=False),
    ]

    def __init__(self, saved: Session, tree: Tree) -> None:
        super().__init__()
        self.saved = saved
        self.decision_tree = tree

    def compose(self) -> ComposeResult:
        text = Text()
        text.append("An unfinished consultation was found.\n\n", style="bold")
        text.append(self.saved.describe())
        label = self.saved.meta.get("case_label")
        if label:
            text.append(f"\nCase: {label}")
        text.append(f"\n{self.decision_tree.title}", style="dim")
        with Vertical(id="resume-box") as box:
            box.border_title = "Resume?"
            yield Static(text, id="resume-text")
            with Horizontal(id="resume-buttons"):
                yield Button("Resume (r)", id="resume", variant="primary")
                yield Button("Start new (n)", id="new")

    def on_mount(self) -> None:
        self.query_one("#resume", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "resume")

    def action_choose(self, resume: bool) -> None:
        self.dismiss(resume)
