"""The recommendation: prominent on top, the reasons below, the actions in the footer.

Drawn from the outcome's data (outcome_view.py); the note (Jinja2, imported on first use)
is rendered for copy and export only.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from assistant.core.errors import InputError, terminal_safe
from assistant.core.result import Outcome
from assistant.tui.protocol import host
from assistant.tui.screens.outcome_view import banner, outcome_renderable
from assistant.tui.widgets.footer import KeyFooter


class ResultScreen(Screen[None]):
    """The recommendation, and what to do with it: export, copy, what-if, change, new."""

    CSS_PATH = "result.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x", "export", "Export", tooltip="Save the note to a file (Markdown, text, "
                "HTML, JSON, FHIR)", id="export"),
        Binding("c", "copy", "Copy", tooltip="Copy the note to the clipboard", id="copy"),
        Binding("w", "what_if", "What if", tooltip="Try another value for an answer",
                id="what-if"),
        Binding("a,escape", "change", "Change answer", key_display="a",
                tooltip="Review and change the answers", id="change"),
        Binding("n", "app.restart", "New", tooltip="Start a new consultation", id="new"),
        Binding("q", "app.quit", "Quit", show=False, id="quit-result"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.outcome: Outcome  # set by show_result, once mounted
        self._note: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="recommendation")
        with VerticalScroll(id="note-scroll"):
            yield Static(id="note")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.show_result()
        self.query_one("#note-scroll").focus()

    def show_result(self) -> None:
        app = host(self)
        consultation = app.consultation
        if not consultation.complete:  # a change opened a new question: answer it there
            self.app.pop_screen()
            app.refresh_consultation()
            return
        self.outcome = Outcome.from_walk(consultation.tree, consultation.walk,
                                         app.session.meta)
        self._note = None
        context = self.outcome.context()
        self.query_one("#recommendation", Static).update(banner(context))
        self.query_one("#note", Static).update(outcome_renderable(context))

    @property
    def note(self) -> str:
        """Rendered once, on first copy or export."""
        if self._note is None:
            from assistant.core.render import render

            try:
                self._note = render(self.outcome, "md")
            except InputError as exc:
                self._note = f"The note could not be rendered: {exc}\n"
        return self._note

    # -- actions -----------------------------------------------------------------------
    def action_export(self) -> None:
        from assistant.tui.screens.export import ExportScreen, note_document

        self.app.push_screen(ExportScreen(note_document(self.outcome)))

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.note)
        where = "the browser's clipboard" if self.app.is_web else \
            "the clipboard (if the terminal allows it)"
        self.notify(f"The Markdown note is on {where}.", title="Copied")

    def action_what_if(self) -> None:
        from assistant.tui.screens.whatif import WhatIfScreen

        def applied(summary: str | None) -> None:
            if summary:
                self.notify(terminal_safe(summary), title="Answer changed", timeout=8,
                            markup=False)
                host(self).save(finished=host(self).consultation.complete)
                self.show_result()

        self.app.push_screen(WhatIfScreen(), applied)

    def action_change(self) -> None:
        from assistant.tui.screens.review import ReviewScreen

        self.app.switch_screen(ReviewScreen())
