"""The tree as a navigable outline (Textual's Tree widget), the current path highlighted."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Header, Label
from textual.widgets import Tree as TreeWidget
from textual.widgets.tree import TreeNode

from assistant.core.model import END, Question, Tree

ON_PATH = "bold #f59e0b"


class TreeOutlineScreen(Screen[None]):
    """Sections, questions, factors and outcome rules; questions on `path` marked ▶, open."""

    CSS_PATH = "outline.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close", tooltip="Back to where you were", id="outline.close"),
        Binding("e", "expand_all", "Expand all", id="outline.expand"),
        Binding("c", "collapse_path", "Only the path", id="outline.collapse"),
    ]

    def __init__(self, tree: Tree, path: Sequence[str] = ()) -> None:
        super().__init__()
        self.decision_tree = tree
        self.path = [p for p in path if p in tree.questions]
        self.next_on_path = dict(pairwise(self.path))  # question -> the next one
        self.question_nodes: dict[str, TreeNode[None]] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("▶ marks the current path. Enter opens or closes a node.", id="outline-help")
        yield TreeWidget(Text(self.decision_tree.title, style="bold"), id="outline")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Tree outline"
        self.sub_title = f"{len(self.path)} questions on the path" if self.path else \
            self.decision_tree.title
        widget = self.query_one("#outline", TreeWidget)
        self._build(widget.root)
        widget.root.expand()
        self.action_collapse_path()
        widget.focus()

    # -- building ----------------------------------------------------------------------
    def _build(self, root: TreeNode[None]) -> None:
        tree = self.decision_tree
        on_path = set(self.path)
        for section in tree.sections.values():
            questions = [q for q in tree.questions.values() if q.section == section.id]
            label = Text(section.title, style="bold")
            if any(q.id in on_path for q in questions):
                label.append("  ▶", style=ON_PATH)
            node = root.add(label)
            for question in questions:
                self._question(node, question, question.id in on_path)
            factors = [f for f in tree.factors if f.section == section.id]
            if factors:
                group = node.add(Text("factors raised here", style="italic"))
                for f in factors:
                    text = Text(f"{f.title or f.id} ")
                    text.append(f"favors {f.favors}", style="bold")
                    text.append(f"  when {f.when.describe()}", style="dim")
                    group.add_leaf(text)
        outcomes = root.add(Text("Outcome rules (first that holds)", style="bold"))
        for outcome in tree.outcomes:
            rule = outcome.when.describe()
            outcomes.add_leaf(Text(f"{outcome.id}: {'otherwise' if rule == 'always' else rule}"))

    def _question(self, parent: TreeNode[None], question: Question, on_path: bool) -> None:
        label = Text()
        label.append("▶ " if on_path else "  ", style=ON_PATH)
        label.append(question.id, style=ON_PATH if on_path else "bold")
        if question.optional:
            label.append(" (optional)", style="dim")
        label.append(f"  {question.prompt}")
        node = parent.add(label)
        self.question_nodes[question.id] = node
        for choice in question.choices:
            node.add_leaf(Text(f"· {choice.id}: {choice.label}"))
        if question.kind in ("integer", "text"):
            node.add_leaf(Text(f"· {question.kind}", style="dim"))
        several = len(question.next) > 1
        for branch in question.next:
            rule = branch.when.describe()
            when = ("otherwise" if rule == "always" else f"if {rule}") if several else "then"
            target = "end" if branch.goto == END else branch.goto
            taken = self.next_on_path.get(question.id) == branch.goto
            node.add_leaf(Text(f"→ {when}: {target}", style=ON_PATH if taken else "dim"))

    # -- actions -----------------------------------------------------------------------
    def action_expand_all(self) -> None:
        self.query_one("#outline", TreeWidget).root.expand_all()

    def action_collapse_path(self) -> None:
        """Only the path open; cursor on its last question."""
        widget = self.query_one("#outline", TreeWidget)
        for section_node in widget.root.children:
            section_node.collapse_all()
        for qid in self.path:
            node = self.question_nodes[qid]
            node.expand()
            if node.parent is not None:
                node.parent.expand()
        if self.path:
            last = self.question_nodes[self.path[-1]]
            self.call_after_refresh(widget.move_cursor, last)
