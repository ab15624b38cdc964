"""The round logic without a terminal: picking, judging, revealing, scoring, exporting."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.core.errors import AnswerError, InputError
from assistant.core.model import Tree
from assistant.core.training import (
    DEFAULT_COUNT,
    PREDICTION_POINTS,
    Round,
    export_summary,
    pick,
    summary_markdown,
)
from assistant.core.vignettes import Vignette


def by_id(vignettes: list[Vignette], vid: str) -> Vignette:
    return next(v for v in vignettes if v.id == vid)


def wrong_value(tree: Tree, qid: str, right: object) -> object:
    question = tree.questions[qid]
    if question.kind == "integer":
        return int(right) + 1  # type: ignore[call-overload]
    if question.kind == "multi":
        return [c for c in question.choice_ids if c not in question.exclusive
                and [c] != right][:1]
    return next(c for c in question.choice_ids if c != right)


def test_pick_is_shuffled_repeatable_and_counted(vignettes: list[Vignette]) -> None:
    first = [v.id for v in pick(vignettes, seed=7)]
    assert first == [v.id for v in pick(vignettes, seed=7)]
    assert len(first) == DEFAULT_COUNT and len(set(first)) == DEFAULT_COUNT
    assert first != [v.id for v in pick(vignettes, seed=8)]
    assert first != [v.id for v in vignettes[:DEFAULT_COUNT]]
    assert len(pick(vignettes, seed=1, count=3)) == 3
    assert len(pick(vignettes, seed=1, count=999)) == len(vignettes)
    assert [v.id for v in pick(vignettes, case="short_stature_breast")] == ["short_stature_breast"]


def test_pick_refuses_unknown_case_and_bad_count(vignettes: list[Vignette]) -> None:
    with pytest.raises(InputError, match="unknown vignette 'short_stature'; did you mean"):
        pick(vignettes, case="short_stature")
    with pytest.raises(InputError, match="--count must be at least 1"):
        pick(vignettes, count=0)


def play(round_: Round, tree: Tree, wrong: set[str] = frozenset()) -> None:  # type: ignore[assignment]
    case = round_.case
    for qid in case.questions:
        assert round_.question is not None and round_.question.id == qid
        value = case.answers[qid]
        round_.answer(wrong_value(tree, qid, value) if qid in wrong else value)


def test_all_right_scores_full_marks(tree: Tree, vignettes: list[Vignette]) -> None:
    case = by_id(vignettes, "prostate_hypersclerotic")
    round_ = Round(tree, [case])
    assert round_.phase == "answer"
    play(round_, tree)
    assert round_.phase == "predict"
    result = round_.predict("OSS")
    assert round_.phase == "reveal"
    assert result.prediction_right and result.recommendation == "OSS"
    assert result.points == result.max_points == len(case.questions) + PREDICTION_POINTS
    assert [f.id for f in result.factors] == list(case.factors)
    assert all(f.found for f in result.factors)
    hyper = next(f for f in result.factors if f.id == "hypersclerotic_bone")
    assert hyper.cite == 'Hui et al. 2024, "Tumor Characteristics"'
    assert "difficult to cannulate with MIS probes" in hyper.passage
    assert hyper.questions == ("bone_quality",)
    assert round_.next_case() is False and round_.phase == "done"


def test_a_wrong_answer_says_what_the_story_implied_and_why(
    tree: Tree, vignettes: list[Vignette],
) -> None:
    case = by_id(vignettes, "prostate_hypersclerotic")
    round_ = Round(tree, [case])
    play(round_, tree, wrong={"bone_quality"})
    feedback = next(a for a in round_.result.answers if a.question == "bone_quality")
    assert not feedback.correct
    assert feedback.given == "normal" and feedback.expected == "hypersclerotic"
    assert feedback.expected_label == "Hypersclerotic"
    assert "hypersclerotic" in feedback.why
    assert feedback.cite == 'Hui et al. 2024, "Tumor Characteristics"'
    result = round_.predict("MISS")
    assert not result.prediction_right
    assert result.points == len(case.questions) - 1
    missed = {f.id for f in result.factors if not f.found}
    assert missed == {"hypersclerotic_bone"}
    assert round_.score() == (len(case.questions) - 1, len(case.questions) + PREDICTION_POINTS)


def test_multi_answers_are_compared_as_sets(tree: Tree, vignettes: list[Vignette]) -> None:
    case = by_id(vignettes, "renal_embolized_miss")
    round_ = Round(tree, [case])
    round_.answer("yes")
    feedback = round_.answer(list(reversed(case.answers["surgical_indications"])))
    assert feedback.correct


def test_not_allowed_answers_and_out_of_turn_moves(tree: Tree, vignettes: list[Vignette]) -> None:
    round_ = Round(tree, [by_id(vignettes, "not_fit_advanced_disease")])
    with pytest.raises(AnswerError, match="'maybe' is not a value of 'fit_for_surgery'"):
        round_.answer("maybe")
    assert round_.step == 0
    with pytest.raises(InputError):
        round_.predict("OSS")
    with pytest.raises(InputError):
        round_.next_case()
    round_.answer("no")
    with pytest.raises(InputError, match="unknown recommendation 'open'"):
        round_.predict("open")
    result = round_.predict("nonoperative")
    assert result.prediction_right and [f.id for f in result.factors] == ["not_fit_for_surgery"]


def test_round_totals_and_summary(tree: Tree, vignettes: list[Vignette]) -> None:
    cases = [by_id(vignettes, "not_fit_advanced_disease"), by_id(vignettes, "significant_deficit")]
    round_ = Round(tree, cases, seed=3)
    play(round_, tree)
    round_.predict("nonoperative")
    assert round_.next_case() is True
    play(round_, tree, wrong={"neurological_deficit"})
    round_.predict("MISS")
    assert round_.predictions_right() == (1, 2)
    right, total = round_.answers_right()
    assert total == 1 + len(cases[1].questions) and right == total - 1
    points, most = round_.score()
    assert points == right + PREDICTION_POINTS
    assert most == total + 2 * PREDICTION_POINTS
    text = summary_markdown(round_)
    assert f"**Score: {points}/{most}**" in text
    assert "seed 3" in text
    assert "## 2. Cord compression with a significant deficit (`significant_deficit`)" in text
    assert "| `neurological_deficit` | ✗ None | Significant |" in text
    assert "**Significant neurological deficit** favors OSS (added rule" in text
    assert "You missed this one." in text
    assert 'Source: AO Surgery Reference, "Posterior MIS".' in text


def test_export_writes_the_summary_note(tree: Tree, vignettes: list[Vignette],
                                        tmp_path: Path) -> None:
    round_ = Round(tree, [by_id(vignettes, "no_surgical_indication")])
    play(round_, tree)
    round_.predict("nonoperative")
    path = export_summary(round_)
    assert path.parent == Path(__import__("os").environ["SPINE_ASSIST_NOTES_DIR"])
    assert path.name.startswith("training-") and path.suffix == ".md"
    assert path.read_text(encoding="utf-8") == summary_markdown(round_, "2026-01-01 00:00 UTC")
    chosen = export_summary(round_, tmp_path / "mine.md")
    assert chosen.read_text(encoding="utf-8").startswith("# Training round")
    assert not list(tmp_path.glob(".mine.md.*"))  # no temporary file left behind
