"""Switching trees from the command palette: every tree in the folder is offered, a broken one
is named with its located error instead, Esc keeps the consultation, Enter starts anew."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.core.model import Tree
from assistant.tui.launch import make_app
from assistant.tui.screens.trees import TreePickerScreen
from tests.conftest import DEFAULT_TREE
from tests.tui.drive import pass_label, screen_text

SECOND_TITLE = "A second tree for the picker test"


@pytest.fixture
def trees_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The default tree, a copy of it under another id and title, and a broken file."""
    text = DEFAULT_TREE.read_text(encoding="utf-8")
    (tmp_path / "miss_vs_oss.yaml").write_text(text, encoding="utf-8")
    second = text.replace("id: miss-vs-oss\n", "id: second-tree\n", 1).replace(
        'title: "MISS, open surgery or nonoperative care for metastatic spine disease"',
        f'title: "{SECOND_TITLE}"', 1)
    assert second != text
    (tmp_path / "second_tree.yaml").write_text(second, encoding="utf-8")
    (tmp_path / "broken.yaml").write_text("id: broken\nquestions: [\n", encoding="utf-8")
    monkeypatch.setenv("SPINE_ASSIST_TREES", str(tmp_path))
    return tmp_path


async def _open_picker(pilot) -> TreePickerScreen:
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*"switch tree")
    await pilot.pause(0.3)
    await pilot.press("enter")
    await pilot.pause(0.3)
    screen = pilot.app.screen
    assert isinstance(screen, TreePickerScreen), type(screen).__name__
    return screen


async def test_the_picker_offers_every_tree_and_names_a_broken_one(tree: Tree, trees_folder):
    app = make_app(tree)
    async with app.run_test(size=(110, 34)) as pilot:
        await pass_label(pilot)
        picker = await _open_picker(pilot)
        text = screen_text(app)
        assert SECOND_TITLE in text
        assert tree.title in text
        assert len(picker.trees) == 2
        assert len(picker.problems) == 1 and "broken.yaml:" in picker.problems[0]
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, TreePickerScreen)
        assert app.decision_tree.id == tree.id  # Esc: the same tree, the same consultation


async def test_choosing_a_tree_starts_a_consultation_on_it(tree: Tree, trees_folder):
    app = make_app(tree)
    async with app.run_test(size=(110, 34)) as pilot:
        await pass_label(pilot)
        picker = await _open_picker(pilot)
        keys = list(picker.trees)
        target = next(i for i, k in enumerate(keys) if picker.trees[k].id == "second-tree")
        for _ in range(target):
            await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert app.decision_tree.id == "second-tree"
        assert app.decision_tree.title == SECOND_TITLE
        assert not app.consultation.walk.values  # a new consultation: nothing answered yet
