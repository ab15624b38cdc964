"""Snapshots of the main screens at 80x24 and 120x40 (pytest-textual-snapshot).

Deterministic by construction: SOURCE_DATE_EPOCH fixes every timestamp (the note, the
session's "just now"), the notes folder is a fixed path, the app is built by the same
factory as the CLI. Review the report before `--snapshot-update`. The result and export
snapshots include the rendered note, so a change to the templates or the tree (its sha256
is in the note) changes them on purpose.
"""

from __future__ import annotations

import pytest

from assistant.core import session as sessions
from assistant.core.machine import SKIPPED, Consultation
from assistant.core.model import Tree
from assistant.tui.launch import make_app
from tests.tui.drive import answer_all, fixture_values, keys_for, pass_label

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
PARTIAL = {"fit_for_surgery": "yes", "surgical_indications": ["cord_compression"],
           "neurological_deficit": "significant", "escc_grade": "3"}


@pytest.fixture(autouse=True)
def _fixed_notes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPINE_ASSIST_NOTES_DIR", "/home/surgeon/spine-assist-notes")


async def _partial(pilot) -> None:
    app = pilot.app
    await pass_label(pilot, "T11 renal, clinic")
    for _ in range(20):  # bounded: a key that answers nothing must not hang the suite
        question = app.consultation.current
        if question.id == "primary_histology":
            return
        await pilot.press(*keys_for(question, PARTIAL.get(question.id, SKIPPED)))
        await pilot.pause()
    raise AssertionError(f"primary_histology not reached ({app.consultation.current.id})")


async def _result(pilot) -> None:
    values = fixture_values(pilot.app.decision_tree, "miss.yaml")
    await answer_all(pilot, values)
    await pilot.press("enter")
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_question(snap_compare, tree: Tree, size):
    assert snap_compare(make_app(tree), run_before=_partial, terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_case_label(snap_compare, tree: Tree, size):
    """The first thing a new consultation asks: an optional case label."""
    async def run_before(pilot) -> None:
        await pilot.pause()

    assert snap_compare(make_app(tree), run_before=run_before, terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_checklist(snap_compare, tree: Tree, size):
    """A checklist with a tick, after an out-of-range digit (the complaint shows)."""
    async def run_before(pilot) -> None:
        await pass_label(pilot)
        await pilot.press("1", *["s"] * 6, "2", "9")
        await pilot.pause()

    assert snap_compare(make_app(tree), run_before=run_before, terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_help(snap_compare, tree: Tree, size):
    async def run_before(pilot) -> None:
        await _partial(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(make_app(tree), run_before=run_before, terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_result(snap_compare, tree: Tree, size):
    assert snap_compare(make_app(tree), run_before=_result, terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_export(snap_compare, tree: Tree, size):
    async def run_before(pilot) -> None:
        await _result(pilot)
        await pilot.press("x")
        await pilot.pause()

    assert snap_compare(make_app(tree), run_before=run_before, terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_resume(snap_compare, tree: Tree, size):
    consultation = Consultation(tree)
    for value in ("yes", SKIPPED, ["instability"], "none", SKIPPED, "lung"):
        if value is SKIPPED:
            consultation.skip()
        else:
            consultation.answer(value)
    saved = sessions.record(sessions.new_session(tree, {"case_label": "Ward 7, bed 4"}),
                            consultation)
    saved.id = "20260101-000000-miss-vs-oss-snap"
    sessions.save_session(saved)

    async def run_before(pilot) -> None:
        await pilot.pause()

    assert snap_compare(make_app(tree), run_before=run_before, terminal_size=size)
