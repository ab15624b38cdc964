"""Keys typed ahead go to the next question, in order, none lost, none applied twice.

A person who knows the questions types the next answer before the screen has caught up;
a terminal then hands the app many keys in one read. Every key after an answer belongs to
the next question: it must not answer the old one again (a digit on the list that was
focused), be lost in a widget no longer shown, or vanish from a number field that
appears while it is typed (keyorder.py and the question box's calls are why it holds).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.widgets import Input

from assistant.core.headless import run_file
from assistant.core.model import Tree
from assistant.tui.launch import make_app
from assistant.tui.screens.consult import ConsultScreen
from assistant.tui.screens.review import ReviewScreen
from assistant.tui.widgets.question_box import QuestionBox
from tests.conftest import ANSWERS
from tests.tui.drive import answer_keys, consultation_keys, pass_label, type_ahead

FIXTURES = ["miss.yaml", "oss_several.yaml", "nonoperative.yaml", "sins_miss.json"]


async def settle(pilot: Any, done: Callable[[], bool] = lambda: False,
                 timeout: float = 30.0) -> None:
    """Wait until `done()` or the app has been still a while (keys typed ahead take as long
    as the app needs to answer them; a busy machine makes that long)."""
    app = pilot.app
    still = 0
    before = None
    for _ in range(int(timeout / 0.05)):
        await pilot.pause(0.05)
        if done():
            return
        now = (len(app.consultation.known), app.consultation.current, app.focused, app.screen)
        still = still + 1 if now == before else 0
        before = now
        if still >= 8:
            return


@pytest.mark.parametrize("name", FIXTURES)
@pytest.mark.parametrize("how", ["burst", "pilot"])
async def test_a_whole_consultation_typed_in_one_burst(tree: Tree, name: str, how: str):
    expected = dict(run_file(tree, ANSWERS / name).outcome.walk.values)
    keys = consultation_keys(tree, expected)
    app = make_app(tree)
    async with app.run_test(size=(80, 24)) as pilot:
        await pass_label(pilot)
        if how == "burst":
            type_ahead(app, keys)  # all at once, as a terminal delivers typed-ahead keys
        else:
            await pilot.press(*keys)  # no pause between answers
        await settle(pilot, lambda: isinstance(app.screen, ReviewScreen))
        assert dict(app.consultation.walk.values) == expected
        assert isinstance(app.screen, ReviewScreen)


async def test_a_key_after_an_answer_never_answers_that_question_again(tree: Tree):
    app = make_app(tree)
    async with app.run_test(size=(80, 24)) as pilot:
        await pass_label(pilot)
        type_ahead(app, ["1", "1", "1"])  # fit: yes; then the next two questions' first
        await settle(pilot)
        known = app.consultation.known
        path = app.consultation.walk.path
        assert known["fit_for_surgery"] == "yes"
        assert len(path) == 3
        assert [known[qid] for qid in path[1:]] == \
            [tree.questions[qid].choice_ids[0] for qid in path[1:]]


async def test_the_case_label_and_the_first_answers_typed_ahead(tree: Tree):
    app = make_app(tree)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        type_ahead(app, [*"T11 renal", "enter", "1", "s"])
        await settle(pilot)
        assert app.case_label == "T11 renal"
        assert app.consultation.known["fit_for_surgery"] == "yes"
        assert len(app.consultation.walk.path) == 2  # the next question skipped by `s`


@pytest.mark.parametrize("name", ["miss.yaml", "sins_miss.json"])
async def test_digits_typed_as_a_number_question_appears_stay(tree: Tree, name: str):
    """The answer before the age, then its digits at once: they show, stay, and Enter
    answers with them (they used to show and then vanish)."""
    values = dict(run_file(tree, ANSWERS / name).outcome.walk.values)
    app = make_app(tree)
    async with app.run_test(size=(80, 24)) as pilot:
        await pass_label(pilot)
        *earlier, last = answer_keys(tree, values, until="age_years")
        type_ahead(app, [key for keys in earlier for key in keys])
        await settle(pilot)
        type_ahead(app, [*last, *str(values["age_years"])])
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ConsultScreen)
        assert app.consultation.current.id == "age_years"
        box = screen.query_one(QuestionBox)
        assert isinstance(app.focused, Input)
        assert box.field.value == str(values["age_years"])
        await pilot.pause(0.4)  # a moment later, still there
        assert box.field.value == str(values["age_years"])
        type_ahead(app, ["enter"])
        await settle(pilot)
        assert app.consultation.known["age_years"] == values["age_years"]
