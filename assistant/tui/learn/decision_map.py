"""The decision map as a screen: the review's Table, generated from the tree, with sources."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Header, MarkdownViewer

from assistant.core.model import Tree


class DecisionMapScreen(Screen[None]):
    """Which answers favor OSS, MISS or nonoperative care, section by section, each with its
    citation and source passage. Generated from the tree, so it cannot drift from it."""

    CSS_PATH = "decision_map.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", tooltip="Back to where you were", id="map.close"),
        Binding("t", "toggle_toc", "Contents", tooltip="Show or hide the table of contents",
                id="map.toc"),
    ]

    def __init__(self, tree: Tree) -> None:
        super().__init__()
        self.decision_tree = tree

    def compose(self) -> ComposeResult:
        from assistant.core.decision_map import to_markdown

        yield Header()
        yield MarkdownViewer(to_markdown(self.decision_tree, cell_sep="; "), id="map",
                             show_table_of_contents=False)
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Decision map"
        self.sub_title = self.decision_tree.title
        self.query_one(MarkdownViewer).focus()

    def action_toggle_toc(self) -> None:
        viewer = self.query_one(MarkdownViewer)
        viewer.show_table_of_contents = not viewer.show_table_of_contents

    def action_close(self) -> None:
        self.dismiss(None)
