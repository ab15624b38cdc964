"""Ctrl+B shows or hides the side panel whatever the width; by default it follows the width."""

from __future__ import annotations

from assistant.core.model import Tree
from assistant.tui.launch import make_app
from assistant.tui.screens.consult import WIDE
from assistant.tui.widgets.side_panel import SidePanel
from tests.tui.drive import pass_label


def _panel_shown(app) -> bool:
    panels = list(app.screen.query(SidePanel))
    return bool(panels) and panels[0].display and panels[0].region.width > 0


async def test_ctrl_b_toggles_the_panel_on_a_narrow_screen(tree: Tree):
    app = make_app(tree)
    async with app.run_test(size=(80, 24)) as pilot:
        await pass_label(pilot)
        assert not _panel_shown(app)  # 80 columns: the question gets the width
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert _panel_shown(app)
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert not _panel_shown(app)


async def test_the_panel_follows_the_width_until_toggled(tree: Tree):
    app = make_app(tree)
    async with app.run_test(size=(WIDE + 10, 30)) as pilot:
        await pass_label(pilot)
        assert _panel_shown(app)
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert not _panel_shown(app)
        await pilot.resize_terminal(WIDE + 20, 30)  # the user's choice outlives a resize
        await pilot.pause()
        assert not _panel_shown(app)
