"""What-if diffs, without a terminal."""

from __future__ import annotations

import pytest

from assistant.core.errors import AnswerError
from assistant.core.model import Tree
from assistant.core.whatif import what_if
from tests.tui.drive import fixture_values


@pytest.fixture
def miss(tree: Tree) -> dict:
    return fixture_values(tree, "miss.yaml")


def test_region_change_turns_miss_into_oss(tree: Tree, miss: dict):
    change = what_if(tree, miss, "region", "cervicothoracic")
    assert change.recommendation_changed
    assert change.after.recommendation == "OSS"
    assert [f.id for f in change.added] == ["cervicothoracic_region"]
    assert [f.id for f in change.removed] == ["thoracolumbar_region"]
    assert change.summary() == (
        "region: thoracolumbar -> cervicothoracic turns MISS into OSS, adding: "
        "Cervicothoracic region, removing: Thoracolumbar region")


def test_same_recommendation_and_provisional(tree: Tree, miss: dict):
    change = what_if(tree, miss, "postoperative_rt_available", "unknown")
    assert not change.recommendation_changed
    assert change.summary().startswith(
        "postoperative_rt_available: yes -> unknown keeps MISS (now provisional)")


def test_unchanged_value(tree: Tree, miss: dict):
    change = what_if(tree, miss, "age_years", "58")
    assert change.unchanged
    assert "nothing changes" in change.summary()


def test_a_change_that_needs_another_answer(tree: Tree, miss: dict):
    change = what_if(tree, miss, "hypervascular", "yes")
    assert not change.complete
    assert change.needs.id == "embolization"
    assert "Preoperative embolization?" in change.summary()
    assert change.added == () and change.removed == ()


def test_multi_values_and_path_shortening(tree: Tree, miss: dict):
    change = what_if(tree, miss, "surgical_indications", ["none"])
    assert change.after.recommendation == "nonoperative"
    assert change.summary().startswith(
        "surgical_indications: instability, intractable_pain -> none turns MISS into "
        "nonoperative")
    assert "region" not in change.walk.values


def test_invalid_values_are_refused(tree: Tree, miss: dict):
    with pytest.raises(AnswerError):
        what_if(tree, miss, "age_years", 500)
    with pytest.raises(AnswerError):
        what_if(tree, miss, "no_such_question", "x")
    assert miss["age_years"] == 58  # the answers given are never touched
