"""The result screen, drawn from the outcome's data: the banner heads it, the reasons follow,
plurals and the nonoperative case read right, and user text shows literally."""

from __future__ import annotations

from assistant.core.model import Tree
from assistant.core.render import render
from assistant.tui.screens.outcome_view import plural
from tests.tui.complete import finished_app, open_result
from tests.tui.drive import screen_text


async def test_recommendation_heading_shows_once(tree: Tree):
    app = finished_app(tree, "oss_several.yaml")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_result(pilot)
        text = screen_text(app)
        assert "Recommendation:" in text  # the banner
        assert text.count("Recommendation") == 1, text
        assert "Open spine surgery (OSS)" in text
        assert "Open spine surgery may be more feasible" in text
        # what leaves the screen is the note as rendered, heading and all
        assert screen.note == render(screen.outcome, "md")
        assert "## Recommendation" in screen.note


async def test_nonoperative_result_has_no_surgical_counts(tree: Tree):
    app = finished_app(tree, "nonoperative.yaml")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_result(pilot)
        text = screen_text(app)
        assert "Nonoperative care" in text
        assert "for OSS" not in text and "for MISS" not in text, text
        assert "0 factors" not in text


async def test_counts_are_plural_only_when_more_than_one(tree: Tree):
    app = finished_app(tree, "oss_several.yaml")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_result(pilot)
        text = screen_text(app)
        assert "1 cautions" not in text and "1 factors" not in text
        assert " for OSS" in text


def test_plural():
    assert plural(1, "caution") == "1 caution"
    assert plural(0, "caution") == "0 cautions"
    assert plural(2, "factor") == "2 factors"


async def test_a_provisional_result_says_so_before_the_reasons(tree: Tree):
    app = finished_app(tree, "sins_miss.json", label="SINS, MISS, provisional")
    async with app.run_test(size=(120, 60)) as pilot:
        await open_result(pilot)
        text = screen_text(app)
        assert "provisional" in text
        assert text.index("PROVISIONAL") < text.index("Why")
        assert "spine-assist: SINS, MISS, provisional" in text  # the case, in the title


async def test_markup_and_control_characters_in_the_case_label_show_literally(tree: Tree):
    app = finished_app(tree, "oss_several.yaml")
    async with app.run_test(size=(120, 50)) as pilot:
        app.set_case_label("bed [/] 4 [draft] \x1b]0;pwned\x07")
        await open_result(pilot)
        await pilot.press("end")
        await pilot.pause()
        text = screen_text(app)
        assert "bed [/] 4 [draft]" in text  # in the title and the record lines
        assert "\x1b" not in text and "\\x1b" in text
