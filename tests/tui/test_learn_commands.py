"""The learning screens from the consultation's command palette, and their lazy import."""

from __future__ import annotations

import subprocess
import sys

from assistant.core.model import Tree
from assistant.tui.launch import make_app
from assistant.tui.screens.consult import ConsultScreen
from tests.tui.drive import keys_for, pass_label

FIRST = {"fit_for_surgery": "yes", "sins_location": "junctional"}


async def _run_command(pilot, title: str) -> None:
    """Open the palette, type the command's title, run the first match."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*title)
    await pilot.pause(0.3)  # the palette searches in the background
    await pilot.press("enter")
    await pilot.pause()


async def test_decision_map_from_the_palette(tree: Tree):
    from assistant.tui.learn.decision_map import DecisionMapScreen

    app = make_app(tree)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "learn: decision map" in titles
        await _run_command(pilot, "learn: decision map")
        assert isinstance(app.screen, DecisionMapScreen)
        assert app.screen.decision_tree is tree
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConsultScreen)


async def test_tree_outline_marks_the_current_path(tree: Tree):
    from assistant.tui.learn.outline import TreeOutlineScreen

    app = make_app(tree)
    async with app.run_test(size=(100, 30)) as pilot:
        await pass_label(pilot)
        for qid in ("fit_for_surgery", "sins_location"):
            assert app.consultation.current.id == qid
            await pilot.press(*keys_for(tree.questions[qid], FIRST[qid]))
            await pilot.pause()
        current = app.consultation.current.id
        await _run_command(pilot, "learn: tree outline")
        screen = app.screen
        assert isinstance(screen, TreeOutlineScreen)
        assert screen.path == ["fit_for_surgery", "sins_location", current]
        assert "3 questions on the path" in screen.sub_title
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConsultScreen)
        assert app.consultation.current.id == current  # nothing answered by the visit


def test_learning_screens_are_not_imported_at_start_up():
    code = ("import sys; import assistant.tui.app, assistant.tui.screens.consult; "
            "print(sorted(m for m in sys.modules if m.startswith('assistant.tui.learn')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"
