"""The conversation so far: the assistant's question, the user's answer, per exchange.

One OptionList, not a widget per exchange, updated after the common prefix only: laying
out and painting cost the same at the twentieth answer as at the first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.binding import Binding, BindingType
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from assistant.core.errors import terminal_safe

FIRST = 1  # the intro is option 0


@dataclass(frozen=True, slots=True)
class Entry:
    """A change in any field replaces the exchange."""

    qid: str
    section: str  # a divider when it changes
    prompt: str
    answer: str
    skipped: bool = False
    note: str = ""  # what the answer completed (a score)


def exchange_text(entry: Entry, divider: bool) -> Text:
    """With the section's name when a new section begins."""
    text = Text()
    if divider:
        text.append(f"── {terminal_safe(entry.section)} ", style="bold")
        text.append("\n")
    text.append(terminal_safe(entry.prompt))
    text.append("\n")
    text.append("  ➜ ", style="dim")
    text.append(terminal_safe(entry.answer), style="italic dim" if entry.skipped else "bold")
    if entry.note:
        text.append("\n  ")
        text.append(entry.note, style="bold")
    return text


class Transcript(OptionList):
    """The conversation above the question; a selected answer (OptionSelected, the
    question's id) is changed by the screen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Change", tooltip="Change this answer", id="edit-answer"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.entries: list[Entry] = []

    def begin(self, intro: Text) -> None:
        """A new conversation: the intro alone, not selectable."""
        self.entries = []
        self.clear_options()
        self.add_option(Option(Text.assemble(intro, "\n"), disabled=True))

    def sync(self, entries: list[Entry]) -> None:
        """Touches only what changed after the common prefix."""
        keep = 0
        for old, new in zip(self.entries, entries, strict=False):
            if old != new:
                break
            keep += 1
        if keep == len(self.entries) == len(entries):
            return
        for index in range(self.option_count - 1, FIRST + keep - 1, -1):
            self.remove_option_at_index(index)
        previous = entries[keep - 1].section if keep else None
        options = []
        for entry in entries[keep:]:
            options.append(Option(exchange_text(entry, entry.section != previous),
                                  id=entry.qid))
            previous = entry.section
        self.add_options(options)
        self.entries = list(entries)
        if self.is_mounted:
            self.anchor()  # the next layout scrolls to the end, in the same frame

    def on_mount(self) -> None:
        self.anchor()

    # -- focus and keys --------------------------------------------------------------
    def focus_last(self) -> None:
        """The `e` key."""
        if self.entries:
            self.highlighted = self.option_count - 1
            self.focus()

    def action_cursor_down(self) -> None:
        """Down from the last answer goes to the current question."""
        if self.highlighted == self.option_count - 1:
            self.screen.focus_next()
        else:
            super().action_cursor_down()

    def action_cursor_up(self) -> None:
        """Up stops at the first answer (no wrapping)."""
        if self.highlighted is None or self.highlighted > FIRST:
            super().action_cursor_up()

    def on_blur(self) -> None:
        self.highlighted = None  # no cursor left behind in the conversation

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
