"""Export the note (or the answers, when not being saved): atomic write, never overwrite
unasked. In a browser the file is a download instead.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, RadioButton, RadioSet, Static

from assistant.core import paths
from assistant.core.errors import InputError, terminal_safe
from assistant.core.fileio import atomic_write
from assistant.core.machine import SKIPPED
from assistant.core.render import EXTENSIONS as NOTE_EXTENSIONS
from assistant.tui.screens.confirm import ConfirmScreen

if TYPE_CHECKING:
    from assistant.core.machine import Consultation
    from assistant.core.result import Outcome
    from assistant.core.session import Session

FORMAT_LABELS = {"md": "Markdown", "txt": "Text", "html": "HTML", "json": "JSON",
                 "fhir": "FHIR", "answers": "Answers (JSON)"}
EXTENSIONS = {**NOTE_EXTENSIONS, "fhir": ".fhir.json", "answers": ".answers.json"}
MIME_TYPES = {".md": "text/markdown", ".txt": "text/plain", ".html": "text/html",
              ".json": "application/json"}


@dataclass(frozen=True)
class Document:
    """What an export writes."""

    title: str
    formats: tuple[str, ...]
    stem: str
    render: Callable[[str], str]

    def default_path(self, fmt: str) -> Path:
        return paths.notes_dir() / f"{self.stem}{EXTENSIONS[fmt]}"


def _slug(text: str) -> str:
    """`Ward 7, bed 4` -> `ward-7-bed-4`."""
    words = "".join(ch if ch.isalnum() else " " for ch in text.lower()).split()
    return "-".join(words)[:30].strip("-")


def note_document(outcome: Outcome) -> Document:
    """File `<notes>/2026-01-01-0000-bed-4-MISS.md`: sortable, says what it is."""
    from assistant.core import render
    from assistant.core.fhir import questionnaire_response_json

    stamp = outcome.generated_at.strftime("%Y-%m-%d-%H%M")
    label = _slug(outcome.meta.get("case_label", ""))
    stem = "-".join(p for p in (stamp, label or outcome.tree.id, outcome.recommendation) if p)

    def rendered(fmt: str) -> str:
        if fmt == "fhir":  # a QuestionnaireResponse, as `run --format fhir` writes
            return questionnaire_response_json(outcome)
        return render.render(outcome, fmt)

    return Document("Export the note", (*render.ALL_FORMATS, "fhir"), stem, rendered)


def answers_document(consultation: Consultation, session: Session) -> Document:
    """The answers as an answer file `spine-assist run` reads (JSON is YAML too)."""
    data: dict[str, object] = dict(session.meta)
    data.update({qid: value for qid, value in consultation.known.items()
                 if value is not SKIPPED})
    text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
    label = _slug(session.meta.get("case_label", ""))
    return Document("Keep the answers (they are not being saved)", ("answers",),
                    f"{session.id}{'-' + label if label else ''}", lambda _fmt: text)


class ExportScreen(ModalScreen[Path | str | None]):
    """Dismisses with the written path (the file name in a browser), or None."""

    CSS_PATH = "export.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Cancel", id="cancel-export"),
        Binding("ctrl+s", "export", "Export", tooltip="Write the file", id="do-export"),
    ]

    def __init__(self, document: Document) -> None:
        super().__init__()
        self.document = document
        self.fmt = document.formats[0]
        self._auto_name = True

    def _default(self) -> str:
        """In a browser the file is a download, named here: no path on this machine."""
        path = self.document.default_path(self.fmt)
        return path.name if self.app.is_web else str(path)

    def compose(self) -> ComposeResult:
        with Vertical(id="export-box") as box:
            box.border_title = self.document.title
            with RadioSet(id="export-format"):
                for index, fmt in enumerate(self.document.formats):
                    yield RadioButton(FORMAT_LABELS[fmt], value=index == 0, name=fmt)
            yield Static("Name of the download (Enter downloads it):" if self.app.is_web else
                         "File (Enter writes it):", classes="label")
            yield Input(self._default(), id="export-path")
            yield Static(id="export-error")
            with Horizontal(id="export-buttons"):
                yield Button("Download" if self.app.is_web else "Export", id="export",
                             variant="primary", action="screen.export")
                yield Button("Cancel", id="cancel", action="screen.dismiss")

    def on_mount(self) -> None:
        self.query_one("#export-path", Input).focus()

    @on(RadioSet.Changed)
    def _format(self, event: RadioSet.Changed) -> None:
        self.fmt = event.pressed.name or self.document.formats[0]
        field = self.query_one("#export-path", Input)
        if self._auto_name:
            field.value = self._default()
        else:
            name = Path(field.value).name.split(".")[0]
            field.value = str(Path(field.value).with_name(name + EXTENSIONS[self.fmt]))

    @on(Input.Changed, "#export-path")
    def _path_changed(self, event: Input.Changed) -> None:
        self._error("")
        if event.value != self._default():
            self._auto_name = False

    @on(Input.Submitted, "#export-path")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_export()

    def action_export(self) -> None:
        raw = self.query_one("#export-path", Input).value.strip()
        if not raw:
            self._error("give a file name")
            return
        try:
            text = self.document.render(self.fmt)
        except InputError as exc:
            self._error(str(exc))
            return
        if self.app.is_web:  # a download: Textual sends the file to the page
            name = Path(raw).name or self.document.default_path(self.fmt).name
            self.app.deliver_binary(io.BytesIO(text.encode("utf-8")), save_filename=name,
                                    mime_type=MIME_TYPES.get(Path(name).suffix))
            self.app.notify(terminal_safe(name), title="Download started", markup=False)
            self.dismiss(name)
            return
        target = Path(raw).expanduser()
        if target.is_dir():
            target = target / self.document.default_path(self.fmt).name
        if not target.exists():
            self._write(target, text, overwrite=False)
            return

        def decided(overwrite: bool | None) -> None:
            if overwrite:
                self._write(target, text, overwrite=True)
            else:
                self._error("not written: choose another name")

        self.app.push_screen(ConfirmScreen(f"{terminal_safe(str(target))} exists. "
                                           "Overwrite it?", yes="Overwrite", no="Keep it"),
                             decided)

    def _write(self, target: Path, text: str, *, overwrite: bool) -> None:
        try:
            written = atomic_write(target, text, overwrite=overwrite)
        except InputError as exc:
            self._error(str(exc))
            return
        self.app.notify(terminal_safe(str(written)), title="Exported", markup=False)
        self.dismiss(written)

    def _error(self, message: str) -> None:
        """Shown literally: a file name may hold `[/]` or control characters."""
        self.query_one("#export-error", Static).update(Text(terminal_safe(message)))
