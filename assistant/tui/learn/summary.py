"""The end of a round: the score and, per case, what was right or wrong and the sources."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Header, Markdown

from assistant.core.errors import InputError
from assistant.core.training import Round, export_summary, summary_markdown


class SummaryScreen(Screen[None]):
    """The round summary, the same Markdown the exported note holds."""

    CSS_PATH = "summary.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "export", "Export note", tooltip="Save the summary as a Markdown note",
                id="train.export"),
        Binding("q", "app.quit", "Quit", id="train.quit"),
    ]

    def __init__(self, round_: Round) -> None:
        super().__init__()
        self.round = round_
        self.exported: str | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Markdown(summary_markdown(self.round), id="summary")
        yield Footer()

    def on_mount(self) -> None:
        points, most = self.round.score()
        self.title = "Round summary"
        self.sub_title = f"score {points}/{most}"

    def action_export(self) -> None:
        try:
            path = export_summary(self.round)
        except InputError as exc:
            self.notify(str(exc), title="Export failed", severity="error")
            return
        self.exported = str(path)
        self.notify(f"Saved {path}", title="Exported")
