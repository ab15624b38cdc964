"""The offer on launch: resume the unfinished consultation, or start a new one.

When another running spine-assist holds it, two apps would overwrite each other's answers:
the offer is then to open it read-only or to continue a copy.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from assistant.core.errors import terminal_safe
from assistant.core.model import Tree
from assistant.core.session import Session


def offer_text(saved: Session, tree: Tree, busy: bool) -> Text:
    text = Text()
    if busy:
        text.append("An unfinished consultation is open in another spine-assist window.\n",
                    style="bold")
        text.append("Open it here read-only (nothing saved), or continue a copy of it.\n\n")
    else:
        text.append("An unfinished consultation was found.\n\n", style="bold")
    label = saved.meta.get("case_label")
    text.append("Case: ", style="bold")
    text.append(terminal_safe(" ".join(label.split())) if label else "no case label")
    text.append(f"\n{saved.describe()}")
    text.append(f"\n{terminal_safe(tree.title)}", style="dim")
    return text


class ResumeScreen(ModalScreen[str | None]):
    """Dismisses "resume", "read", "copy", or None (start afresh; the old one stays saved)."""

    CSS_PATH = "resume.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "dismiss('resume')", "Resume", tooltip="Continue where you left off",
                id="resume"),
        Binding("o", "dismiss('read')", "Read-only", tooltip="Look at it; nothing is saved",
                id="read-only"),
        Binding("c", "dismiss('copy')", "Copy", tooltip="Continue a copy of it",
                id="copy"),
        Binding("n", "dismiss", "New", tooltip="Start a new consultation", id="new"),
        Binding("escape", "dismiss", show=False),
    ]

    def __init__(self, saved: Session, tree: Tree, *, busy: bool = False) -> None:
        super().__init__()
        self.saved = saved
        self.decision_tree = tree
        self.busy = busy

    def compose(self) -> ComposeResult:
        with Vertical(id="resume-box") as box:
            box.border_title = "Open in another window" if self.busy else "Resume?"
            yield Static(offer_text(self.saved, self.decision_tree, self.busy),
                         id="resume-text")
            with Horizontal(id="resume-buttons"):
                if self.busy:
                    yield Button("Read-only (o)", id="read", variant="primary",
                                 action="screen.dismiss('read')")
                    yield Button("Copy (c)", id="copy", action="screen.dismiss('copy')")
                else:
                    yield Button("Resume (r)", id="resume", variant="primary",
                                 action="screen.dismiss('resume')")
                yield Button("Start new (n)", id="new", action="screen.dismiss")

    def on_mount(self) -> None:
        self.query_one("#read" if self.busy else "#resume", Button).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "dismiss" and parameters:  # resume a free session; read or copy a held one
            return self.busy == (parameters[0] != "resume")
        return True
