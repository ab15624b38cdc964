"""The question box keeps the tallest question's height (the conversation above does not
jump), but a complaint's line, gone at the next key, does not raise that height."""

from __future__ import annotations

from assistant.core.model import Tree
from assistant.tui.launch import make_app
from tests.tui.drive import pass_label


async def test_a_complaint_does_not_raise_the_box_for_good(tree: Tree):
    app = make_app(tree, resume_offer=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pass_label(pilot)
        box = app.screen.question_box
        height = box.size.height
        await pilot.press("9")  # no choice 9: a complaint line under the question
        await pilot.pause()
        assert box.error and box.size.height > height
        await pilot.press("down")  # the complaint goes with the next key
        await pilot.pause()
        assert not box.error
        assert box.size.height == height  # the box gives the line back to the conversation
