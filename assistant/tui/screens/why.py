"""Why this question matters: the rationale, the source section and citation, the passage."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from assistant.core.errors import terminal_safe
from assistant.core.model import Question, Tree


def _plain(text: str) -> str:
    """Control characters shown as escapes, never sent raw."""
    return terminal_safe(" ".join(text.split()))


def why_text(question: Question, tree: Tree) -> Text:
    """Every tree text is a Text (never markup): brackets in a tree show as written."""
    section = tree.sections[question.section]
    text = Text()
    text.append(f"{_plain(question.prompt)}\n", style="bold")
    text.append(_plain(section.title), style="italic")
    if section.intro:
        text.append(f": {_plain(section.intro)}", style="italic")
    text.append("\n\n")
    if question.help:
        text.append(_plain(question.help) + "\n\n")
    cite = question.cite or section.cite
    if cite is not None:
        text.append("Source: ", style="bold")
        text.append(_plain(tree.cite_text(cite)) + "\n")
        source = tree.sources.get(cite.source)
        if source is not None:
            text.append(_plain(source.citation), style="dim")
            if source.doi:
                text.append(f" doi:{_plain(source.doi)}", style="dim")
            text.append("\n")
        if cite.passage:
            text.append("\n")
            text.append("“" + _plain(cite.passage) + "”", style="italic")
            text.append("\n")
    return text


class WhyScreen(ModalScreen[None]):
    """The reasoning behind the current question, one key away."""

    CSS_PATH = "why.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,f1,q", "dismiss", "Close", key_display="Esc",
                tooltip="Back to the question", id="close-why"),
    ]

    def __init__(self, question: Question, tree: Tree) -> None:
        super().__init__()
        self.question = question
        self.decision_tree = tree

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="why-box") as box:
            box.border_title = "Why this matters"
            box.border_subtitle = "Esc to close"
            yield Static(why_text(self.question, self.decision_tree), id="why-text")
