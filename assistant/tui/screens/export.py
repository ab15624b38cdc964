"""Export the note: choose the format and the file; atomic write; never overwrite unasked."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, RadioButton, RadioSet, Static

from assistant.core import paths
from assistant.core.errors import InputError
from assistant.core.result import Outcome

FORMAT_LABELS = {"md": "Markdown", "txt": "Plain text", "html": "HTML", "json": "JSON",
                 "fhir": "FHIR (JSON)"}


def formats() -> list[str]:
    """The formats the renderer offers (another module may add some, e.g. fhir)."""
    from assistant.core import render

    offered = list(getattr(render, "ALL_FORMATS", ("md", "txt", "html", "json")))
    return [f for f in FORMAT_LABELS if f in offered] + \
        [f for f in offered if f not in FORMAT_LABELS]


def extension(fmt: str) -> str:
    from assistant.core import render

    return getattr(render, "EXTENSIONS", {}).get(fmt, ".json" if fmt == "fhir" else f".{fmt}")


def default_path(outcome: Outcome, fmt: str) -> Path:
    """`<notes>/2026-01-01-0000-miss-vs-oss-MISS.md`: sortable, says what it is."""
    stamp = outcome.generated_at.strftime("%Y-%m-%d-%H%M")
    label = outcome.meta.get("case_label", "")
    slug = "".join(ch if ch.isalnum() else "-" for ch in label.lower()).strip("-")[:30]
    name = "-".join(p for p in (stamp, slug or outcome.tree.id, outcome.recommendation) if p)
    return paths.notes_dir() / f"{name}{extension(fmt)}"


class ExportScreen(ModalScreen[Path | None]):
    """Dismisses with the written path, or None."""

    CSS_PATH = "export.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="cancel-export"),
        Binding("ctrl+s", "export", "Export", tooltip="Write the file", id="do-export"),
    ]

    def __init__(self, outcome: Outcome) -> None:
        super().__init__()
        self.outcome = outcome
        self.formats = formats()
        self.fmt = self.formats[0]
        self._auto_name = True

    def compose(self) -> ComposeResult:
        with Vertical(id="export-box") as box:
            box.border_title = "Export the note"
            with RadioSet(id="export-format"):
                for index, fmt in enumerate(self.formats):
                    yield RadioButton(FORMAT_LABELS.get(fmt, fmt), value=index == 0,
                                      name=fmt)
            yield Static("File (Enter writes it):", classes="label")
            yield Input(str(default_path(self.outcome, self.fmt)), id="export-path")
            yield Static(id="export-error")
            with Horizontal(id="export-buttons"):
                yield Button("Export", id="export", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#export-path", Input).focus()

    @on(RadioSet.Changed)
    def _format(self, event: RadioSet.Changed) -> None:
        self.fmt = event.pressed.name or "md"
        field = self.query_one("#export-path", Input)
        if self._auto_name:
            field.value = str(default_path(self.outcome, self.fmt))
        else:
            current = Path(field.value)
            field.value = str(current.with_suffix(extension(self.fmt)))

    @on(Input.Changed, "#export-path")
    def _path_changed(self, event: Input.Changed) -> None:
        self.query_one("#export-error", Static).update("")
        if event.value != str(default_path(self.outcome, self.fmt)):
            self._auto_name = False

    @on(Input.Submitted, "#export-path")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_export()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "export":
            self.action_export()
        else:
            self.action_cancel()

    def action_cancel(self) -> None:
        self.dismiss(None)

    @work(exclusive=True, group="export")
    async def action_export(self) -> None:
        from assistant.tui.screens.confirm import ConfirmScreen

        raw = self.query_one("#export-path", Input).value.strip()
        if not raw:
            self._error("give a file name")
            return
        target = Path(raw).expanduser()
        if target.is_dir():
            target = target / default_path(self.outcome, self.fmt).name
        overwrite = False
        if target.exists():
            overwrite = await self.app.push_screen_wait(
                ConfirmScreen(f"{target} exists. Overwrite it?", yes="Overwrite", no="Keep it"))
            if not overwrite:
                self._error("not written: choose another name")
                return
        try:
            written = write_note(self.outcome, self.fmt, target, overwrite=overwrite)
        except InputError as exc:
            self._error(str(exc))
            return
        self.app.notify(str(written), title="Note exported")
        self.dismiss(written)

    def _error(self, message: str) -> None:
        self.query_one("#export-error", Static).update(message)


def write_note(outcome: Outcome, fmt: str, target: Path, *, overwrite: bool) -> Path:
    from assistant.core.fileio import atomic_write
    from assistant.core.render import render

    return atomic_write(target, render(outcome, fmt), overwrite=overwrite)
