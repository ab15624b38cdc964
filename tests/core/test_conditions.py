"""The condition language: parsing against the tree's names, evaluation, errors."""

from __future__ import annotations

import pytest

from assistant.core.conditions import ConditionParser, EvalContext, NameInfo
from assistant.core.errors import Location, TreeError

NAMES = {
    "color": NameInfo(choices=("red", "green", "blue")),
    "tags": NameInfo(choices=("a", "b", "none")),
    "age": NameInfo(numeric=True),
    "level": NameInfo(),
}
WHERE = Location("t.yaml", 3, 5)


def parse(data, allow_factors=False):
    return ConditionParser(NAMES, factor_ids=["f1"], favors=["OSS", "MISS"],
                           allow_factors=allow_factors).parse(data, WHERE)


def holds(data, values, factors=(), favoring=(), allow_factors=False) -> bool:
    return parse(data, allow_factors).holds(EvalContext(values, factors, favoring))


@pytest.mark.parametrize(
    ("condition", "values", "expected"),
    [
        ({"color": "red"}, {"color": "red"}, True),
        ({"color": "red"}, {"color": "blue"}, False),
        ({"color": "red"}, {}, False),
        ({"color": ["red", "blue"]}, {"color": "blue"}, True),
        ({"color": {"ne": "red"}}, {"color": "blue"}, True),
        ({"color": {"ne": "red"}}, {}, False),
        ({"color": {"not_in": ["red"]}}, {"color": "green"}, True),
        ({"color": {"answered": False}}, {}, True),
        ({"color": {"answered": True}}, {"color": "red"}, True),
        ({"tags": "a"}, {"tags": ["a", "b"]}, True),
        ({"tags": "none"}, {"tags": ["a"]}, False),
        ({"tags": ["b", "none"]}, {"tags": ["a", "b"]}, True),
        ({"tags": {"not_in": ["none"]}}, {"tags": ["a"]}, True),
        ({"age": {"lt": 18}}, {"age": 17}, True),
        ({"age": {"lt": 18}}, {"age": 18}, False),
        ({"age": {"ge": 18, "le": 65}}, {"age": 65}, True),
        ({"age": {"gt": 3}}, {"age": "7"}, False),
        ({"all": [{"color": "red"}, {"age": {"gt": 3}}]}, {"color": "red", "age": 4}, True),
        ({"any": [{"color": "red"}, {"age": {"gt": 3}}]}, {"color": "blue", "age": 1}, False),
        ({"not": {"color": "red"}}, {"color": "blue"}, True),
        ({"color": "red", "age": 5}, {"color": "red", "age": 5}, True),
        ([{"color": "red"}, {"age": 6}], {"color": "red", "age": 5}, False),
        ({"level": {"matches": "T[2-5]"}}, {"level": "T4"}, True),
        ({"level": {"matches": "T[2-5]"}}, {"level": "T14"}, False),
        (None, {}, True),
    ],
)
def test_evaluation(condition, values, expected) -> None:
    assert holds(condition, values) is expected


def test_yes_no_choice_ids_accept_yaml_booleans_in_conditions() -> None:
    names = {"fit": NameInfo(choices=("yes", "no"))}
    cond = ConditionParser(names).parse({"fit": False}, WHERE)
    assert cond.holds(EvalContext({"fit": "no"}))


def test_factor_conditions() -> None:
    assert holds({"factor": "f1"}, {}, factors={"f1"}, allow_factors=True)
    assert not holds({"favoring": "OSS"}, {}, favoring={"MISS"}, allow_factors=True)
    assert holds({"favoring": "OSS"}, {}, favoring={"OSS"}, allow_factors=True)


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ({"colour": "red"}, "unknown question or value 'colour'; did you mean 'color'?"),
        ({"color": "rad"}, "'color' has no value 'rad'; did you mean 'red'?"),
        ({"color": {"equals": "red"}}, "unknown comparison 'equals'"),
        ({"color": {"lt": 3}}, "'lt' compares numbers, but 'color' is not a number"),
        ({"age": {"lt": "old"}}, "'lt' needs a number"),
        ({"all": []}, "'all' needs a non-empty list"),
        ({"factor": "f1"}, "'factor' can only be used in outcome and advice rules"),
        ("red", "a condition must be a mapping"),
        ({"level": {"matches": "("}}, "the pattern does not compile"),
        ({"color": {"matches": "r.*"}}, "'matches' takes a regular expression"),
    ],
)
def test_errors_are_located_and_explained(condition, message) -> None:
    with pytest.raises(TreeError) as info:
        parse(condition)
    assert message in str(info.value)
    assert str(info.value).startswith("t.yaml:")


def test_describe_is_readable() -> None:
    text = parse({"all": [{"color": "red"}, {"age": {"lt": 18}}]}).describe()
    assert text == "color = red and age < 18"


# ------------------------------------------------------------------ records (one idiom)
def test_records_behave_as_frozen_dataclasses() -> None:
    import dataclasses
    import pickle

    from assistant.core.model import Choice, Question

    @dataclasses.dataclass(frozen=True)
    class ChoiceDC:
        id: str
        label: str
        explain: str = ""

    record, twin = Choice("x", "X"), ChoiceDC("x", "X")
    assert repr(record) == repr(twin).replace(type(twin).__qualname__, "Choice")
    assert record == Choice("x", "X", "") and record != Choice("y", "X")
    assert hash(record) == hash(Choice("x", "X"))
    assert record.replace(label="Y") == Choice("x", "Y")
    assert Choice.__match_args__ == ("id", "label", "explain")
    assert pickle.loads(pickle.dumps(record)) == record
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.id = "z"  # type: ignore[misc]
    with pytest.raises(TypeError):
        Choice("x")  # type: ignore[call-arg]
    question = Question("q", "s", "Q?", "single", choices=(record,))
    assert question.choice_ids == ("x",)


def test_a_tree_goes_to_json_and_back_unchanged(tree) -> None:
    import json

    from assistant.core.records import from_plain, to_plain

    assert from_plain(json.loads(json.dumps(to_plain(tree)))) == tree
    with pytest.raises(TypeError):
        from_plain({"r": "Popen", "v": []})  # only the program's own records are built
