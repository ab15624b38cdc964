"""Export from the result screen: every format (FHIR too), file names with markup, and in a
browser a download instead of a file on the server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assistant.core.model import Tree
from assistant.tui.app import SpineAssistApp
from assistant.tui.screens.confirm import ConfirmScreen
from assistant.tui.screens.export import ExportScreen
from tests.tui.complete import finished_app, open_result
from tests.tui.drive import screen_text


async def _export(pilot: Any, name: str, *, fmt_presses: int = 0) -> None:
    await pilot.press("x")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ExportScreen)
    if fmt_presses:
        pilot.app.screen.query_one("#export-format").focus()
        await pilot.press(*["right"] * fmt_presses, "enter")
        await pilot.pause()
    field = pilot.app.screen.query_one("#export-path")
    field.value = name
    field.focus()
    await pilot.press("enter")
    await pilot.pause()


async def test_the_note_exports_to_a_file_named_with_markup(tree: Tree, tmp_path: Path):
    target = tmp_path / "x[/].md"
    app = finished_app(tree, label="[draft] bed 4")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_result(pilot)
        await _export(pilot, str(target))
        assert not isinstance(app.screen, ExportScreen)
        assert target.read_text(encoding="utf-8") == screen.note
        await _export(pilot, str(target))  # again: overwrite?
        assert isinstance(app.screen, ConfirmScreen)
        question = app.screen.query_one("#confirm-question")
        assert "x[/].md exists. Overwrite it?" in str(question.render())  # literally
        await pilot.press("n")
        await pilot.pause()
        assert "not written" in screen_text(app)


async def test_fhir_is_offered_and_written(tree: Tree, tmp_path: Path):
    app = finished_app(tree)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_result(pilot)
        await pilot.press("x")
        await pilot.pause()
        formats = app.screen.document.formats
        assert "fhir" in formats
        assert "FHIR" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        await _export(pilot, str(tmp_path / "case"), fmt_presses=formats.index("fhir"))
    written = tmp_path / "case"  # the name as typed
    resource = json.loads(written.read_text(encoding="utf-8"))
    assert resource["resourceType"] == "QuestionnaireResponse"


@pytest.fixture
def in_a_browser(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The app as textual-serve runs it: `is_web`, and deliveries recorded."""
    delivered: list[dict[str, Any]] = []

    def deliver_binary(self: SpineAssistApp, file: Any, **kwargs: Any) -> str:
        delivered.append({"data": file.read(), **kwargs})
        return "key"

    monkeypatch.setattr(SpineAssistApp, "is_web", property(lambda self: True))
    monkeypatch.setattr(SpineAssistApp, "deliver_binary", deliver_binary)
    return delivered


async def test_in_a_browser_export_is_a_download(tree: Tree, in_a_browser, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SPINE_ASSIST_NOTES_DIR", str(tmp_path / "server-notes"))
    app = finished_app(tree, label="bed 4")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_result(pilot)
        await pilot.press("x")
        await pilot.pause()
        text = screen_text(app)
        assert "Download" in text and str(tmp_path) not in text  # no server path shown
        await pilot.press("enter")
        await pilot.pause()
    assert len(in_a_browser) == 1
    download = in_a_browser[0]
    assert download["data"].decode("utf-8") == screen.note
    assert download["save_filename"].endswith("-bed-4-OSS.md")
    assert download["mime_type"] == "text/markdown"
    assert not (tmp_path / "server-notes").exists()  # nothing written on the server


async def test_in_a_browser_copy_reaches_the_clipboard(tree: Tree, in_a_browser):
    app = finished_app(tree)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_result(pilot)
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard == screen.note
        assert any("browser" in n.message for n in app._notifications)
