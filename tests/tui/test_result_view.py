"""The result screen: the banner heads the recommendation, the note is drawn lightly."""

from __future__ import annotations

from assistant.core.model import Tree
from assistant.core.render import render
from assistant.tui.app import make_app
from assistant.tui.screens.result import for_screen
from tests.tui.drive import fixture_values, screen_text, to_result


async def test_recommendation_heading_shows_once(tree: Tree):
    app = make_app(tree)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await to_result(pilot, fixture_values(tree, "oss_several.yaml"))
        text = screen_text(app)
        assert "Recommendation:" in text  # the banner
        assert text.count("Recommendation") == 1, text
        assert "Open spine surgery (OSS). Open spine surgery is more feasible" in text
        # what leaves the screen is the note as rendered, heading and all
        assert screen.note == render(screen.outcome, "md")
        assert "## Recommendation" in screen.note


def test_for_screen_moves_the_record_last_and_keeps_a_provisional_warning_first():
    note = ("# Title\n\n**Generated:** today  \n**Case label:** bed 4  \n\n"
            "> **PROVISIONAL RESULT.** find out first\n\n## Recommendation\n\n"
            "**OSS.** Because.\n\n## Why\n\nReasons.\n")
    shown = for_screen(note)
    assert "## Recommendation" not in shown and "# Title" not in shown
    assert shown.index("PROVISIONAL") < shown.index("**OSS.**") < shown.index("## Why") \
        < shown.index("**Case label:** bed 4")
    site_note = "# A site's own layout\n\nNo recommendation heading here.\n"
    assert for_screen(site_note) == site_note
