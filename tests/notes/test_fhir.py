"""FHIR R4 output, validated with the fhir.resources models (R4B: same Questionnaire and
QuestionnaireResponse as R4), and the enableWhen branching checked against the engine."""

from __future__ import annotations

import json
import random
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from assistant.cli import main
from assistant.core.fhir import (
    narrative_div,
    questionnaire,
    questionnaire_json,
    questionnaire_response,
    questionnaire_response_json,
    questionnaire_url,
)
from assistant.core.machine import replay
from assistant.core.render import render
from tests.notes.conftest import FIXTURES, HOSTILE, random_answers, random_outcome

XHTML = "{http://www.w3.org/1999/xhtml}"
ALLOWED = {"div", "p", "h1", "h2", "h3", "h4", "ul", "ol", "li", "dl", "dt", "dd", "table",
           "thead", "tbody", "tr", "th", "td", "span", "strong", "em", "code", "a", "br", "b",
           "i", "pre", "img"}


def _items(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for item in items:
        out.append(item)
        out.extend(_items(item.get("item", [])))
    return out


def test_questionnaire_validates_and_covers_every_question(tree) -> None:
    data = json.loads(questionnaire_json(tree))
    model = Questionnaire.model_validate(data)
    assert model.url == questionnaire_url(tree) and model.version == tree.version
    items = _items(data["item"])
    link_ids = [i["linkId"] for i in items]
    assert len(link_ids) == len(set(link_ids))
    questions = {i["linkId"]: i for i in items if i["type"] != "group" and i["type"] != "display"}
    assert list(questions) == list(tree.questions)
    assert [g["linkId"] for g in data["item"]] == list(tree.sections)
    order = list(questions)
    for qid, item in questions.items():
        q = tree.questions[qid]
        assert item["required"] is (not q.optional)
        if q.choices:
            assert [o["valueCoding"]["code"] for o in item["answerOption"]] == list(q.choice_ids)
        for cond in item.get("enableWhen", []):
            assert order.index(cond["question"]) < order.index(qid)  # refers back only
    assert questions["surgical_indications"]["repeats"] is True
    age = {e["url"].rsplit("/", 1)[-1]: e for e in questions["age_years"]["extension"]}
    assert age["minValue"]["valueInteger"] == 0 and age["maxValue"]["valueInteger"] == 120
    level = {e["url"].rsplit("/", 1)[-1]: e for e in questions["level"]["extension"]}
    assert level["regex"]["valueString"].startswith("^(?:")
    assert questions["embolization"]["enableWhen"] == [
        {"question": "hypervascular", "operator": "=",
         "answerCoding": {"system": questions["embolization"]["enableWhen"][0]
                          ["answerCoding"]["system"], "code": "yes",
                          "display": "Yes, hypervascular"}}]
    # contract 1.1: ESCC is offered to every surgical candidate; young_patient to adults
    assert questions["escc_grade"]["enableWhen"] == [
        {"question": "neurological_deficit", "operator": "exists", "answerBoolean": True}]
    assert questions["young_patient"]["enableWhen"] == [
        {"question": "age_years", "operator": ">=", "answerInteger": 18}]


def _fhir_enabled(items: list[dict[str, Any]], answers: dict[str, Any]) -> list[str]:
    """A small FHIR R4 enableWhen evaluator: disabled items keep no answers."""
    given: dict[str, list[Any]] = {}
    enabled = []

    def value(a: dict[str, Any]) -> Any:
        for key, v in a.items():
            if key.startswith("answer"):
                return v["code"] if key == "answerCoding" else v
        raise AssertionError(a)

    def holds(cond: dict[str, Any]) -> bool:
        answered = given.get(cond["question"], [])
        if cond["operator"] == "exists":
            return bool(answered) == cond["answerBoolean"]
        target, op = value(cond), cond["operator"]
        tests = {"=": lambda a: a == target, "!=": lambda a: a != target,
                 ">": lambda a: a > target, "<": lambda a: a < target,
                 ">=": lambda a: a >= target, "<=": lambda a: a <= target}
        return any(tests[op](a) for a in answered)

    for item in items:
        if item["type"] in ("group", "display"):
            continue
        conds = item.get("enableWhen", [])
        combine = any if item.get("enableBehavior") == "any" else all
        if conds and not combine(holds(c) for c in conds):
            continue
        enabled.append(item["linkId"])
        if item["linkId"] in answers:
            v = answers[item["linkId"]]
            given[item["linkId"]] = list(v) if isinstance(v, list) else [v]
    return enabled


def test_enable_when_reproduces_the_tree_branching(tree) -> None:
    items = _items(questionnaire(tree)["item"])
    rng = random.Random(3)
    for _ in range(1500):
        answers = random_answers(tree, rng)
        walk = replay(tree, answers, skip_missing_optional=True)
        assert _fhir_enabled(items, answers) == list(walk.path), answers


@pytest.mark.parametrize("fixture", FIXTURES)
def test_questionnaire_response_validates_and_answers_the_path(outcome_of, fixture) -> None:
    outcome = outcome_of(fixture)
    data = json.loads(questionnaire_response_json(outcome))
    QuestionnaireResponse.model_validate(data)
    assert data["questionnaire"] == f"{questionnaire_url(outcome.tree)}|{outcome.tree.version}"
    assert data["status"] == "completed"
    answered = {i["linkId"]: i["answer"] for i in _items(data["item"]) if "answer" in i}
    assert list(answered) == list(outcome.walk.values)
    for qid, value in outcome.walk.values.items():
        values = value if isinstance(value, list) else [value]
        got = [next(iter(a.values())) for a in answered[qid]]
        assert [g["code"] if isinstance(g, dict) else g for g in got] == values


def _check_narrative(div: str) -> ET.Element:
    root = ET.fromstring(div)
    assert root.tag == f"{XHTML}div"
    for element in root.iter():
        assert element.tag.startswith(XHTML)
        assert element.tag[len(XHTML):] in ALLOWED, element.tag
        assert not [a for a in element.attrib if a.startswith("on") or a == "role"]
    return root


@pytest.mark.parametrize("fixture", FIXTURES)
def test_narrative_is_the_html_note_as_fhir_xhtml(outcome_of, fixture) -> None:
    outcome = outcome_of(fixture)
    div = questionnaire_response(outcome)["text"]["div"]
    root = _check_narrative(div)
    text = " ".join("".join(root.itertext()).split())
    assert outcome.tree.outcome(outcome.recommendation).title in text
    assert "the treating surgeon" in text


def test_narrative_escapes_hostile_text(tree) -> None:
    outcome = random_outcome(tree, random.Random(1), {"case_label": HOSTILE,
                                                     "comments": HOSTILE})
    div = questionnaire_response(outcome)["text"]["div"]
    root = _check_narrative(div)
    assert "<script>alert('x')</script>" in "".join(root.itertext())
    QuestionnaireResponse.model_validate(questionnaire_response(outcome))


def test_narrative_falls_back_to_text_for_a_non_xhtml_site_template(outcome_of) -> None:
    outcome = outcome_of("miss.yaml")
    div = narrative_div("<!DOCTYPE html><p>unclosed<br></p>", render(outcome, "txt"))
    root = _check_narrative(div)
    assert root[0].tag == f"{XHTML}pre" and "RECOMMENDATION" in root[0].text


def test_cli_export_fhir_and_run_format_fhir(tmp_path, capsys) -> None:
    assert main(["export-fhir"]) == 0
    stdout = capsys.readouterr().out
    Questionnaire.model_validate(json.loads(stdout))
    target = tmp_path / "q.json"
    assert main(["export-fhir", "--output", str(target)]) == 0
    assert target.read_text() == stdout
    assert main(["export-fhir", "--output", str(target)]) == 2  # exists, no --force
    assert "already exists" in capsys.readouterr().err
    assert main(["export-fhir", "--output", str(target), "--force"]) == 0
    assert main(["export-fhir", "--tree", "no-such-tree"]) == 2
    from tests.conftest import ANSWERS

    assert main(["run", str(ANSWERS / "miss.yaml"), "--format", "fhir"]) == 0
    QuestionnaireResponse.model_validate(json.loads(capsys.readouterr().out))
