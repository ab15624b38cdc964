"""The recommendation: prominent on top, the rendered note below, the actions in the footer.

Rendering (Jinja2) is imported on first use here, never at start-up. The note is drawn by
one Static holding one renderable, not by Textual's Markdown widget, which builds a widget
per paragraph, list item and table cell (hundreds for a note) and doubled the app's memory
at this screen; that renderable draws the note as Rich's Markdown does, without importing
markdown-it and Pygments (assistant.tui.note_view).
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cached_cell_len
from rich.console import RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from assistant.core.errors import InputError
from assistant.core.result import Outcome
from assistant.tui.widgets.footer import KeyFooter

if TYPE_CHECKING:
    from assistant.tui.app import SpineAssistApp

HEADLINES = {
    "MISS": "Minimally invasive spine surgery (MISS)",
    "OSS": "Open spine surgery (OSS)",
    "nonoperative": "Nonoperative care",
}


class ResultScreen(Screen[None]):
    """The note, and what to do with it: export, copy, what-if, change, start again."""

    CSS_PATH = "result.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x", "export", "Export", tooltip="Save the note to a file", id="export"),
        Binding("c", "copy", "Copy", tooltip="Copy the note to the clipboard", id="copy"),
        Binding("w", "what_if", "What if", tooltip="Try another value for an answer",
                id="what-if"),
        Binding("a,escape", "change", "Change answer", key_display="a",
                tooltip="Review and change the answers", id="change"),
        Binding("n", "new", "New", tooltip="Start a new consultation", id="new"),
        Binding("q", "app.quit", "Quit", tooltip="Quit (the session is saved)", show=False,
                id="quit-result"),
    ]

    app: SpineAssistApp

    def __init__(self) -> None:
        super().__init__()
        self.outcome: Outcome | None = None
        self.note = ""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="recommendation")
        with VerticalScroll(id="note-scroll"):
            yield Static(id="note")
        yield KeyFooter()

    def on_mount(self) -> None:
        # A consultation leaves about 12,000 objects (2 MB) of cyclic garbage (messages,
        # replaced widgets) that Python's collector has not reached yet, and Rich's cache of
        # text widths holds up to 4,096 strings of the conversation: freed now, the note's
        # rendering reuses that memory instead of raising the peak (about 1 MiB less VmHWM
        # here, benchmark figure 6). Once per result screen, never per key.
        self.app.release_conversation()  # again: a changed answer may have rebuilt it
        cached_cell_len.cache_clear()  # a cache: widths are measured again as needed
        gc.collect()
        self.show_result()
        self.query_one("#note-scroll").focus()

    def show_result(self) -> None:
        from assistant.core.render import render

        consultation = self.app.consultation
        if not consultation.complete:
            self.app.pop_screen()
            self.app.refresh_consultation()
            return
        self.outcome = Outcome.from_walk(consultation.tree, consultation.walk,
                                         self.app.session.meta)
        try:
            self.note = render(self.outcome, "md")
        except InputError as exc:
            self.note = f"**The note could not be rendered.**\n\n`{exc}`\n"
        self.query_one("#recommendation", Static).update(banner(self.outcome))
        self.query_one("#note", Static).update(note_view(self.note))

    # -- actions -----------------------------------------------------------------------
    def action_export(self) -> None:
        from assistant.tui.screens.export import ExportScreen

        if self.outcome is not None:
            self.app.push_screen(ExportScreen(self.outcome))

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.note)
        self.notify("The Markdown note is on the clipboard (if the terminal allows it).",
                    title="Copied")

    def action_what_if(self) -> None:
        from assistant.tui.screens.whatif import WhatIfScreen

        def applied(summary: str | None) -> None:
            if summary:
                self.notify(summary, title="Answer changed", timeout=8)
                self.app.save(finished=self.app.consultation.complete)
                self.show_result()

        self.app.push_screen(WhatIfScreen(), applied)

    def action_change(self) -> None:
        from assistant.tui.screens.review import ReviewScreen

        self.app.switch_screen(ReviewScreen())

    def action_new(self) -> None:
        self.app.action_restart()


def note_view(note: str) -> RenderableType:
    """The Markdown note as one renderable, reordered for the screen."""
    from assistant.tui.note_view import note_renderable

    return note_renderable(for_screen(note))


RECOMMENDATION_HEADING = "## Recommendation"


def for_screen(note: str) -> str:
    """The note reordered under the banner, which already heads it "Recommendation: ...".

    The note's own heading would repeat the banner's, and its title and record lines
    (date, tree, sha256, case label) would push the recommendation down: the screen shows
    a provisional warning first, then the recommendation's text, the reasons, and the
    record lines last. Copy and export keep the note exactly as rendered. A note that
    does not follow the shipped layout (a site template) is shown as it is.
    """
    lines = note.splitlines()
    if RECOMMENDATION_HEADING not in lines:
        return note
    start = lines.index(RECOMMENDATION_HEADING)
    head = [line for line in lines[:start] if not line.startswith("# ")]
    warning = [line for line in head if line.startswith(">")]
    record = [line for line in head if not line.startswith(">")]
    body = lines[start + 1:]
    return "\n".join([*warning, "", *body, "", "---", "", *record]).strip() + "\n"


def banner(outcome: Outcome) -> Text:
    evaluation = outcome.evaluation
    recommendation = outcome.recommendation
    text = Text()
    text.append(" Recommendation: ", style="bold")
    text.append(HEADLINES.get(recommendation, recommendation), style="bold reverse")
    if evaluation.provisional:
        text.append("  provisional", style="bold italic")
    counts = {fav: len(evaluation.favoring(fav)) for fav in ("OSS", "MISS", "caution")}
    text.append(f"\n factors: {counts['OSS']} for OSS, {counts['MISS']} for MISS, "
                f"{counts['caution']} cautions. Decision support: the surgeon decides.",
                style="dim")
    return text
