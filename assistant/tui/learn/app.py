"""TrainApp: a trainee round over vignettes, in its own small app."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.binding import Binding, BindingType

from assistant.core.model import Tree
from assistant.core.training import Round
from assistant.core.vignettes import Vignette
from assistant.tui.keyorder import OrderedKeysApp


class TrainApp(OrderedKeysApp[int]):
    """Read the story, answer from it, predict, then learn why: one vignette at a time."""

    TITLE = "spine-assist train"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", id="quit"),
    ]

    def __init__(self, tree: Tree, cases: Sequence[Vignette], seed: int | None = None) -> None:
        super().__init__()
        self.round = Round(tree, cases, seed)

    def on_mount(self) -> None:
        from assistant.tui.learn.round import RoundScreen

        self.push_screen(RoundScreen(self.round))


def run_training(tree: Tree, cases: Sequence[Vignette], seed: int | None = None) -> int:
    TrainApp(tree, cases, seed).run()
    return 0
