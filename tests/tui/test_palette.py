"""The command palette offers the actions of the screen it was opened from, and the app's."""

from __future__ import annotations

from assistant.core.model import Tree
from tests.tui.complete import finished_app, open_result, open_review
from tests.tui.drive import screen_text


async def _search(pilot, query: str) -> str:
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*query)
    await pilot.pause(0.3)
    text = screen_text(pilot.app)
    await pilot.press("escape")
    await pilot.pause()
    return text


async def test_the_result_screen_offers_export_copy_and_what_if(tree: Tree):
    app = finished_app(tree)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_result(pilot)
        assert "result: export the note" in await _search(pilot, "export")
        assert "result: copy the note" in await _search(pilot, "copy")
        assert "learn: decision map" in await _search(pilot, "map")


async def test_the_review_offers_the_recommendation_not_export(tree: Tree):
    app = finished_app(tree)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_review(pilot)
        assert "review: show the recommendation" in await _search(pilot, "recommend")
        assert "result: export the note" not in await _search(pilot, "export")


async def test_keeping_the_answers_is_offered_only_when_they_are_not_saved(tree: Tree):
    app = finished_app(tree)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_review(pilot)
        assert "answers: keep them in a file" not in await _search(pilot, "keep")
        app._not_saving("the disk is full")
        await pilot.pause()
        assert "answers: keep them in a file" in await _search(pilot, "keep")
