"""Trainee rounds driven by Pilot: keys in, feedback, score and export out."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import MarkdownViewer, Static
from textual.widgets import Tree as TreeWidget

from assistant.core.model import Question, Tree
from assistant.core.training import PREDICTION_POINTS
from assistant.core.vignettes import Vignette
from assistant.tui.learn.app import TrainApp
from assistant.tui.learn.decision_map import DecisionMapScreen
from assistant.tui.learn.outline import TreeOutlineScreen
from assistant.tui.learn.round import RoundScreen
from assistant.tui.learn.summary import SummaryScreen
from assistant.tui.widgets.question_box import QuestionBox
from tests.tui.drive import region_text, screen_text

SIZE = (120, 40)


def keys_for(question: Question, value: Any) -> list[str]:
    """Keys that pick `value`: the list starts highlighted on its first choice."""
    if question.kind == "single":
        return ["down"] * question.choice_ids.index(str(value)) + ["enter"]
    if question.kind == "multi":
        keys: list[str] = []
        at = 0
        for index in sorted(question.choice_ids.index(v) for v in value):
            keys += ["down"] * (index - at) + ["space"]
            at = index
        return [*keys, "enter"]
    return [*list(str(value)), "enter"]


def other_value(question: Question, value: Any) -> Any:
    if question.kind == "integer":
        return int(value) + 1
    if question.kind == "multi":
        return [next(c for c in question.choice_ids if [c] != value and c != "none")]
    return next(c for c in question.choice_ids if c != value)


async def answer_case(pilot: Pilot, case: Vignette, wrong: frozenset[str] = frozenset()) -> None:
    app: TrainApp = pilot.app  # type: ignore[assignment]
    for qid in case.questions:
        question = app.round.question
        assert question is not None and question.id == qid
        value = case.answers[qid]
        await pilot.press(*keys_for(question, other_value(question, value) if qid in wrong
                                    else value))
        await pilot.pause()
    assert app.round.phase == "predict"


async def predict(pilot: Pilot, recommendation: str) -> None:
    app: TrainApp = pilot.app  # type: ignore[assignment]
    index = app.round.tree.outcome_ids.index(recommendation)
    await pilot.press(*["down"] * index, "enter")
    await pilot.pause()


def cards(app: App) -> list[str]:
    return [str(w.content) for w in app.screen.query(".card").results(Static)]


def by_id(vignettes: list[Vignette], vid: str) -> Vignette:
    return next(v for v in vignettes if v.id == vid)


async def test_a_right_round_scores_full_marks(tree: Tree, vignettes: list[Vignette]) -> None:
    case = by_id(vignettes, "cervicothoracic_lung")
    app = TrainApp(tree, [case], seed=1)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, RoundScreen)
        assert case.title in str(app.screen.query_one("#story-title", Static).content)
        await answer_case(pilot, case)
        answers = cards(app)
        assert len(answers) == len(case.questions) and all(c.startswith("✓") for c in answers)
        await predict(pilot, "OSS")
        reveal = cards(app)[-1]
        assert reveal.startswith("✓ Right: you predicted OSS; the tree derives OSS")
        assert "Cervicothoracic region favors OSS" in reveal
        assert 'Source: Hui et al. 2024, "Location of Tumor"' in reveal
        full = len(case.questions) + PREDICTION_POINTS
        assert app.round.score() == (full, full)
        assert app.screen.sub_title == f"case 1/1 · score {full}/{full}"


async def test_wrong_answer_and_wrong_prediction(tree: Tree, vignettes: list[Vignette]) -> None:
    case = by_id(vignettes, "short_stature_breast")
    app = TrainApp(tree, [case])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await answer_case(pilot, case, wrong=frozenset({"short_stature"}))
        wrong = [c for c in cards(app) if c.startswith("✗")]
        assert wrong == [
            "✗ Short stature (small-statured patient)? You said No, normal body habitus; the "
            "story implies Yes, short stature\n"
            "  1.42 m, with vertebral landmarks close together: short stature.\n"
            '  Source: Hui et al. 2024, "Profile of MSD Patients"']
        await predict(pilot, "MISS")
        reveal = cards(app)[-1]
        assert reveal.startswith("✗ Wrong: you predicted MISS; the tree derives OSS")
        assert "Short stature favors OSS\n" in reveal or "Short stature favors OSS  ←" in reveal
        assert "← your answers missed this" in reveal
        result = app.round.result
        assert result.points == len(case.questions) - 1
        assert app.round.score() == (len(case.questions) - 1,
                                     len(case.questions) + PREDICTION_POINTS)


async def test_a_round_of_two_ends_in_an_exported_summary(
    tree: Tree, vignettes: list[Vignette],
) -> None:
    first, second = by_id(vignettes, "not_fit_advanced_disease"), by_id(
        vignettes, "no_surgical_indication")
    app = TrainApp(tree, [first, second], seed=5)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n")  # not yet: the case is not finished
        await pilot.pause()
        assert app.round.index == 0 and app.round.step == 0
        await answer_case(pilot, first)
        await predict(pilot, "nonoperative")
        await pilot.press("n")
        await pilot.pause()
        assert app.round.index == 1 and cards(app) == []
        assert second.title in str(app.screen.query_one("#story-title", Static).content)
        await answer_case(pilot, second)
        await predict(pilot, "OSS")
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        points, most = app.round.score()
        assert (points, most) == (1 + PREDICTION_POINTS + len(second.questions),
                                  1 + len(second.questions) + 2 * PREDICTION_POINTS)
        await pilot.press("e")
        await pilot.pause()
        exported = Path(app.screen.exported or "")
        assert exported.parent == Path(os.environ["SPINE_ASSIST_NOTES_DIR"])
        text = exported.read_text(encoding="utf-8")
        assert f"**Score: {points}/{most}**" in text and "seed 5" in text
        assert "Prediction **OSS**, the tree derives **nonoperative**: wrong." in text


async def test_an_answer_out_of_range_is_refused_in_place(
    tree: Tree, vignettes: list[Vignette],
) -> None:
    case = by_id(vignettes, "adolescent_sarcoma")
    app = TrainApp(tree, [case])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for qid in case.questions[: case.questions.index("age_years")]:
            question = app.round.question
            assert question is not None
            await pilot.press(*keys_for(question, case.answers[qid]))
            await pilot.pause()
        step = app.round.step
        await pilot.press("2", "0", "0", "enter")
        await pilot.pause()
        assert app.round.step == step
        box = app.screen.query_one(QuestionBox)
        assert box.error.startswith("200 is outside the range")
        assert "age_years" not in box.error


class _Host(App[None]):
    """A bare app, as the consultation app would host the two screens."""


async def test_decision_map_screen_stands_alone(tree: Tree) -> None:
    app = _Host()
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(DecisionMapScreen(tree))
        await pilot.pause()
        viewer = app.screen.query_one(MarkdownViewer)
        source = viewer.document.source
        assert "## Surgical indication and fitness" in source
        assert "### OSS more feasible" in source
        assert "<br>" not in source
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, DecisionMapScreen)


async def test_outline_marks_and_opens_the_path(tree: Tree, vignettes: list[Vignette]) -> None:
    case = by_id(vignettes, "thyroid_embolization_failed")
    path = list(case.questions)
    app = _Host()
    async with app.run_test(size=SIZE) as pilot:
        screen = TreeOutlineScreen(tree, path)
        await app.push_screen(screen)
        await pilot.pause()
        widget = screen.query_one("#outline", TreeWidget)
        for qid, node in screen.question_nodes.items():
            marked = str(node.label).startswith("▶ ")
            assert marked == (qid in path), qid
            assert node.is_expanded == (qid in path), qid
        assert widget.cursor_node is screen.question_nodes[path[-1]]
        embolization = screen.question_nodes["embolization"]
        assert [str(c.label) for c in embolization.children][:3] == [
            "· successful: Successful", "· failed: Failed",
            "· not_performed: Not performed (not planned or not possible)"]
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, TreeOutlineScreen)


async def test_round_screen_opens_the_map_and_the_outline(
    tree: Tree, vignettes: list[Vignette],
) -> None:
    case = by_id(vignettes, "renal_not_embolized")
    app = TrainApp(tree, [case])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter", "m")  # answer the first question, then open the map
        await pilot.pause()
        assert isinstance(app.screen, DecisionMapScreen)
        await pilot.press("escape", "o")
        await pilot.pause()
        assert isinstance(app.screen, TreeOutlineScreen)
        assert app.screen.path == list(case.questions[:2])


async def test_trainee_mode_answers_with_the_consultations_keys_at_80_columns(
    tree: Tree, vignettes: list[Vignette],
) -> None:
    """Digits pick, long prompts wrap (not cut), no internal ids show, the prediction is
    asked by title and picked by digit: the same box as the consultation."""
    case = by_id(vignettes, "cervicothoracic_lung")
    app = TrainApp(tree, [case])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for qid in case.questions:
            question = app.round.question
            assert question is not None and question.id == qid
            box = app.screen.query_one(QuestionBox)
            shown = region_text(app, box)
            assert " ".join(question.prompt.split()) in shown  # wrapped, not cut
            assert "_" not in qid or qid not in screen_text(app)  # no internal ids
            value = case.answers[qid]
            if question.kind == "single":
                keys = [str(question.choice_ids.index(value) + 1)]
            elif question.kind == "multi":
                keys = [str(question.choice_ids.index(v) + 1) for v in value] + ["enter"]
            else:
                keys = [*str(value), "enter"]
            await pilot.press(*keys)
            await pilot.pause()
        assert app.round.phase == "predict"
        text = screen_text(app)
        assert "Open spine surgery (OSS)" in text
        await pilot.press(str(app.round.tree.outcome_ids.index("OSS") + 1))
        await pilot.pause()
        assert cards(app)[-1].startswith("✓ Right")
        assert all(c.startswith("✓") for c in cards(app))
