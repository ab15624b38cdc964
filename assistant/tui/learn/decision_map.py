"""The decision map as a screen, generated from the tree so it cannot drift from it.

Why not the core's Markdown map (`spine-assist map`): its five-column table is unreadable at
80 columns and names questions by their ids. Here the same `build_map` is a list per
section, questions named by their prompts.
"""

from __future__ import annotations

import re
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Header, MarkdownViewer

from assistant.core.decision_map import ADDED_MARK, COLUMNS, build_map, outcome_rule
from assistant.core.errors import terminal_safe
from assistant.core.model import Tree

_ID = re.compile(r"`([A-Za-z_][A-Za-z0-9_.]*)`")
_PATTERN = re.compile(r" matches `[^`]*`")
_MARKDOWN = re.compile(r"([\\`*_{}\[\]<>#|])")


def _text(text: str) -> str:
    """Inert Markdown on one line, without control characters."""
    return _MARKDOWN.sub(r"\\\1", terminal_safe(" ".join(text.split())))


def in_words(tree: Tree, description: str) -> str:
    """`bone_quality` is Hypersclerotic -> “Bone quality at the level, on CT” is ..."""
    def prompt(match: re.Match[str]) -> str:
        name = match.group(1)
        question = tree.questions.get(name)
        if question is not None:
            return "“" + " ".join(question.prompt.split()).rstrip("?") + "”"
        score = next((s for s in tree.scores if name.startswith(s.id + ".")), None)
        if score is not None:
            return f"{score.title} {name.split('.', 1)[1]}"
        return name.replace("_", " ")

    # A pattern (`^(T[2-5]|...)`) says nothing to a reader; the rule's title names the range.
    return _ID.sub(prompt, _PATTERN.sub(" is in the range the rule names", description))


def map_markdown(tree: Tree) -> str:
    """Lists, no wide table: readable at 80 columns."""
    lines = [
        f"# Decision map: {_text(tree.title)}", "",
        f"Generated from the decision tree (version {_text(tree.version)}), so it always "
        "matches the logic the consultation applies. An OSS factor makes the "
        "recommendation OSS; with none, MISS; not fit or no indication, nonoperative. "
        f"{ADDED_MARK} marks a rule from outside the review's Table, labelled as such in "
        "the tree.", "",
    ]
    for section in build_map(tree):
        lines += [f"## {_text(section.title)}", ""]
        if section.cite:
            lines += [f"*Section source: {_text(section.cite)}.*", ""]
        for favors, heading in COLUMNS:
            entries = section.column(favors)
            if not entries:
                continue
            lines += [f"### {heading}", ""]
            for e in entries:
                mark = ADDED_MARK if e.added_rule else ""
                provisional = " Makes the result provisional." if e.provisional else ""
                lines.append(f"- **{_text(e.title)}**{mark}: when "
                             f"{_text(in_words(tree, e.when))}. {_text(e.text)}"
                             f"{provisional} *Source: {_text(e.cite)}.*")
            lines.append("")
    lines += ["## Outcome rules (the first that holds)", ""]
    for outcome in tree.outcomes:
        rule = in_words(tree, outcome_rule(tree, outcome))
        lines.append(f"1. **{_text(outcome.title)}**: {_text(rule)}. "
                     f"*Source: {_text(tree.cite_text(outcome.cite))}.*")
    lines += ["", f"*{_text(tree.disclaimer)}*", ""]
    return "\n".join(lines)


class DecisionMapScreen(Screen[None]):
    """Which answers favor OSS, MISS or nonoperative care, each with its citation."""

    CSS_PATH = "decision_map.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close", tooltip="Back to where you were", id="map.close"),
        Binding("t", "toggle_toc", "Contents", tooltip="Show or hide the table of contents",
                id="map.toc"),
    ]

    def __init__(self, tree: Tree) -> None:
        super().__init__()
        self.decision_tree = tree

    def compose(self) -> ComposeResult:
        yield Header()
        yield MarkdownViewer(map_markdown(self.decision_tree), id="map",
                             show_table_of_contents=False)
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Decision map"
        self.sub_title = self.decision_tree.title
        self.query_one(MarkdownViewer).focus()

    def action_toggle_toc(self) -> None:
        viewer = self.query_one(MarkdownViewer)
        viewer.show_table_of_contents = not viewer.show_table_of_contents
