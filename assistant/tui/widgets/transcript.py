"""The conversation so far: the assistant's question, the user's answer, per exchange.

Updated incrementally: `sync` keeps the common prefix of the old and new path and only
removes or mounts the exchanges after it, so an answer adds one widget, not a rebuild.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static


@dataclass(frozen=True, slots=True)
class Entry:
    """One answered question as shown (a change in any field re-mounts the exchange)."""

    qid: str
    section: str  # the section title, shown as a divider when it changes
    prompt: str
    answer: str
    skipped: bool = False


class EditRequested(Message):
    def __init__(self, qid: str) -> None:
        super().__init__()
        self.qid = qid


class Exchange(Static, can_focus=True):
    """A question and its answer; Enter or a click asks to change the answer."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "edit", "Change", tooltip="Change this answer", id="edit-answer"),
        Binding("up", "move(-1)", show=False),
        Binding("down", "move(1)", show=False),
    ]

    def __init__(self, entry: Entry, divider: bool) -> None:
        self.entry = entry
        self.divider = divider
        super().__init__(self._render_text(), classes="exchange")

    def _render_text(self) -> Text:
        entry = self.entry
        text = Text()
        if self.divider:
            text.append(f"── {entry.section} ", style="bold")
            text.append("\n")
        text.append(entry.prompt, style="")
        text.append("\n")
        answer_style = "italic dim" if entry.skipped else "bold"
        text.append("  ➜ ", style="dim")
        text.append(entry.answer, style=answer_style)
        return text

    def action_edit(self) -> None:
        self.post_message(EditRequested(self.entry.qid))

    def action_move(self, step: int) -> None:
        siblings = list(self.parent.query_children(Exchange)) if self.parent else []
        index = siblings.index(self) + step
        if 0 <= index < len(siblings):
            siblings[index].focus()
            siblings[index].scroll_visible()
        elif index >= len(siblings):
            self.screen.focus_next()

    def on_click(self, event: events.Click) -> None:
        self.focus()
        self.action_edit()


class Transcript(VerticalScroll, can_focus=False):
    """The scrolling conversation above the current question."""

    def __init__(self, intro: Text | str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.intro = intro
        self.entries: list[Entry] = []
        self._composed = False

    def compose(self) -> ComposeResult:
        self._composed = True
        if self.intro:
            yield Static(self.intro, classes="intro")
        yield from _exchanges(self.entries, None)

    def sync(self, entries: list[Entry]) -> None:
        """Show `entries`, touching only what changed after the common prefix."""
        keep = 0
        for old, new in zip(self.entries, entries, strict=False):
            if old != new:
                break
            keep += 1
        if keep == len(self.entries) == len(entries):
            return
        if not self._composed:  # before the first frame: compose shows them
            self.entries = list(entries)
            self.call_after_refresh(self.scroll_end, animate=False)
            return
        exchanges = list(self.query_children(Exchange))
        for widget in exchanges[keep:]:
            widget.remove()
        added = _exchanges(entries[keep:], entries[keep - 1].section if keep else None)
        if added:
            self.mount_all(added)
        self.entries = list(entries)
        self.call_after_refresh(self.scroll_end, animate=False)

    def focus_last(self) -> bool:
        exchanges = list(self.query_children(Exchange))
        if exchanges:
            exchanges[-1].focus()
            exchanges[-1].scroll_visible()
            return True
        return False


def _exchanges(entries: list[Entry], previous: str | None) -> list[Exchange]:
    """Exchanges for `entries`, a section divider where the section changes."""
    added = []
    for entry in entries:
        added.append(Exchange(entry, divider=entry.section != previous))
        previous = entry.section
    return added
