"""Pick another tree (the command palette's "switch tree"); titles shown literally."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from assistant.core.errors import InputError, terminal_safe
from assistant.core.model import Tree


class TreePickerScreen(ModalScreen[Tree | None]):
    CSS_PATH = "trees.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Cancel", id="cancel-trees"),
    ]

    def __init__(self, current: Tree) -> None:
        super().__init__()
        self.current = current
        self.trees: dict[str, Tree] = {}
        self.problems: list[str] = []

    def compose(self) -> ComposeResult:
        from assistant.core.catalog import tree_files
        from assistant.core.loader import load_tree

        for file in tree_files():
            try:
                tree = load_tree(file)
            except InputError as exc:
                self.problems.append(str(exc))
                continue
            self.trees[str(file)] = tree
        with Vertical(id="trees-box") as box:
            box.border_title = "Switch tree (a new consultation)"
            yield OptionList(*(
                Option(Text(terminal_safe(f"{t.title}  (version {t.version})"),
                            style="bold" if t.id == self.current.id else ""), id=key)
                for key, t in self.trees.items()
            ), id="trees-list")
            if self.problems:
                yield Static(Text("\n".join(terminal_safe(p) for p in self.problems)),
                             id="trees-problems")

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.trees.get(event.option_id or ""))
