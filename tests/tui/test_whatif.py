"""What-if diffs without a terminal, and the what-if screen: looking never changes an
answer; only Enter applies."""

from __future__ import annotations

import pytest
from textual.geometry import Offset

from assistant.core import session as sessions
from assistant.core.errors import AnswerError
from assistant.core.model import Tree
from assistant.core.whatif import what_if
from assistant.tui.launch import make_app
from assistant.tui.screens.whatif import WhatIfScreen, change_sentence
from assistant.tui.widgets.question_box import QuestionBox
from tests.tui.drive import fixture_values, screen_text, what_if_on


@pytest.fixture
def miss(tree: Tree) -> dict:
    return fixture_values(tree, "miss.yaml")


def test_region_change_turns_miss_into_oss(tree: Tree, miss: dict):
    change = what_if(tree, miss, "region", "cervicothoracic")
    assert change.after.recommendation != change.before.recommendation
    assert change.after.recommendation == "OSS"
    assert [f.id for f in change.added] == ["cervicothoracic_region"]
    assert [f.id for f in change.removed] == ["thoracolumbar_region"]
    assert change_sentence(tree, change) == (
        "“Region of the lesion to be operated?” Thoracolumbar (T11-L1) → Cervicothoracic "
        "(C7-T2) turns Minimally invasive spine surgery (MISS) with early adjuvant RT into "
        "Open spine surgery (OSS).")


def test_same_recommendation_and_provisional(tree: Tree, miss: dict):
    change = what_if(tree, miss, "postoperative_rt_available", "unknown")
    assert change.after.recommendation == change.before.recommendation
    assert change_sentence(tree, change).endswith(
        "” Yes → Unknown keeps Minimally invasive spine surgery (MISS) with early adjuvant RT "
        "(now provisional).")


def test_unchanged_value(tree: Tree, miss: dict):
    change = what_if(tree, miss, "age_years", "58")
    assert change.unchanged
    assert change_sentence(tree, change) == (
        "“Age of the patient, in years?” 58 years → 58 years: that is the answer given; "
        "nothing changes.")


def test_a_change_that_needs_another_answer(tree: Tree, miss: dict):
    change = what_if(tree, miss, "hypervascular", "yes")
    assert not change.complete
    assert change.needs.id == "embolization"
    assert change_sentence(tree, change).endswith(
        "No → Yes, hypervascular leads to a question not answered yet: Preoperative "
        "embolization?")
    assert change.added == () and change.removed == ()


def test_multi_values_and_path_shortening(tree: Tree, miss: dict):
    change = what_if(tree, miss, "surgical_indications", ["none"])
    assert change.after.recommendation == "nonoperative"
    assert change_sentence(tree, change).endswith(
        "Spinal instability, Intractable pain → None of these turns Minimally invasive spine "
        "surgery (MISS) with early adjuvant RT into Nonoperative treatment.")
    assert "region" not in change.walk.values


def test_invalid_values_are_refused(tree: Tree, miss: dict):
    with pytest.raises(AnswerError):
        what_if(tree, miss, "age_years", 500)
    with pytest.raises(AnswerError):
        what_if(tree, miss, "no_such_question", "x")
    assert miss["age_years"] == 58  # the answers given are never touched


# -- the what-if screen: looking never changes an answer (issue 12, item 2) -----------
async def _what_if(tree: Tree, question_id: str, size=(120, 40)):
    """A finished consultation (miss.yaml) on its what-if screen, `question_id` chosen."""
    values = fixture_values(tree, "miss.yaml")
    app = make_app(tree)
    return app, values


LOOKS = {
    "a digit": ("region", ["3"]),
    "arrows": ("region", ["down", "down", "up"]),
    "a digit on a checklist": ("surgical_indications", ["3"]),
    "space on a checklist": ("surgical_indications", ["down", "space"]),
    "a number typed": ("age_years", ["ctrl+u", "1", "2"]),
    "text typed": ("level", ["ctrl+u", "T", "7"]),
}


@pytest.mark.parametrize("look", list(LOOKS), ids=list(LOOKS))
async def test_what_if_looking_then_esc_changes_nothing(tree: Tree, look: str):
    question_id, keys = LOOKS[look]
    app, values = await _what_if(tree, question_id)
    async with app.run_test(size=(120, 40)) as pilot:
        result = await what_if_on(pilot, values, question_id)
        known = dict(app.consultation.known)
        saved = sessions.load_session(app.session.path).known
        await pilot.press(*keys)
        await pilot.pause()
        assert isinstance(app.screen, WhatIfScreen)  # still looking
        assert app.consultation.known == known
        await pilot.press("escape")  # back to the list of answers
        await pilot.pause()
        assert isinstance(app.screen, WhatIfScreen)
        await pilot.press("escape")  # back to the result
        await pilot.pause()
        assert app.screen is result
        assert app.consultation.known == known
        assert sessions.load_session(app.session.path).known == saved


async def test_what_if_a_click_on_a_choice_only_previews(tree: Tree):
    app, values = await _what_if(tree, "region")
    async with app.run_test(size=(120, 40)) as pilot:
        await what_if_on(pilot, values, "region")
        known = dict(app.consultation.known)
        box = app.screen.query_one(QuestionBox)
        label = tree.questions["region"].choices[2].label
        line = next(i for i, text in enumerate(screen_text(app).splitlines()) if label in text)
        await pilot.click(box.choices, offset=Offset(4, line - box.choices.region.y))
        await pilot.pause()
        assert isinstance(app.screen, WhatIfScreen)
        assert app.consultation.known == known
        assert "Cervicothoracic" in str(app.screen.query_one("#whatif-diff").render())


async def test_what_if_offers_enter_to_apply_in_the_footer_and_enter_applies(tree: Tree):
    app, values = await _what_if(tree, "age_years")
    async with app.run_test(size=(120, 40)) as pilot:
        result = await what_if_on(pilot, values, "age_years")
        footer = screen_text(app).splitlines()[-1]
        assert "Apply" in footer and "Back" in footer
        await pilot.press("ctrl+u", "1", "2")
        await pilot.pause()
        assert app.consultation.answers["age_years"] == 58
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is result
        assert app.consultation.answers["age_years"] == 12
        assert sessions.load_session(app.session.path).known["age_years"] == 12


async def test_what_if_enter_on_a_value_that_is_no_answer_applies_nothing(tree: Tree):
    app, values = await _what_if(tree, "age_years")
    async with app.run_test(size=(120, 40)) as pilot:
        await what_if_on(pilot, values, "age_years")
        await pilot.press("ctrl+u", "9", "9", "9", "enter")
        await pilot.pause()
        assert isinstance(app.screen, WhatIfScreen)
        assert app.consultation.answers["age_years"] == 58
        assert "999 is outside the range" in app.screen.query_one(QuestionBox).error
