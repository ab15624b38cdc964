"""The decision map screen reads at 80 columns: lists, not a five-column table; questions
by their prompts, never by their ids."""

from __future__ import annotations

from assistant.core.model import Tree
from assistant.tui.app import SpineAssistApp
from assistant.tui.learn.decision_map import DecisionMapScreen, map_markdown
from tests.tui.drive import screen_text


def test_the_map_names_no_ids_and_has_no_wide_table(tree: Tree):
    text = map_markdown(tree)
    assert not any(line.startswith("|") for line in text.splitlines())  # no table
    assert "`" not in text.replace("\\`", "")
    ids = [*tree.questions, *(factor.id for factor in tree.factors)]
    for ident in ids:
        if "_" in ident:  # an id that is not also a plain word
            assert ident not in text, ident
    assert "“Neurological deficit” is Significant" in text


async def test_the_map_at_80_columns_shows_whole_words(tree: Tree):
    app = SpineAssistApp(tree)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.action_decision_map()
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, DecisionMapScreen)
        for _ in range(3):
            await pilot.press("pagedown")
            await pilot.pause()
        text = screen_text(app)
        assert "…" not in text.split("\n", 1)[1]  # nothing cut off below the header
        assert "Source:" in text
