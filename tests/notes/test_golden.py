"""Golden files: every format on the answer fixtures, byte for byte."""

from __future__ import annotations

import pytest

from assistant.core.fhir import questionnaire_json, questionnaire_response_json
from assistant.core.render import EXTENSIONS, render
from tests.notes.conftest import FIXTURES, check_golden

FORMATS = ("md", "txt", "html", "json")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("fixture", FIXTURES)
def test_note_matches_golden(outcome_of, fixture: str, fmt: str) -> None:
    outcome = outcome_of(fixture)
    stem = fixture.rsplit(".", 1)[0]
    check_golden(f"{stem}{EXTENSIONS[fmt]}", render(outcome, fmt), outcome.tree.sha256)


@pytest.mark.parametrize("fixture", FIXTURES)
def test_questionnaire_response_matches_golden(outcome_of, fixture: str) -> None:
    outcome = outcome_of(fixture)
    stem = fixture.rsplit(".", 1)[0]
    check_golden(f"{stem}.fhir.json", questionnaire_response_json(outcome),
                 outcome.tree.sha256)


def test_questionnaire_matches_golden(tree) -> None:
    check_golden("questionnaire.fhir.json", questionnaire_json(tree), tree.sha256)


@pytest.mark.parametrize("fmt", [*FORMATS, "fhir"])
def test_output_is_deterministic(outcome_of, fmt: str) -> None:
    def once() -> str:
        outcome = outcome_of("sins_miss.json")
        if fmt == "fhir":
            return questionnaire_response_json(outcome)
        return render(outcome, fmt)

    assert once() == once()


def test_timestamp_comes_from_source_date_epoch(outcome_of, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "946684800")  # 2000-01-01
    note = render(outcome_of("miss.yaml"), "md")
    assert "2000-01-01 00:00 UTC" in note
    assert '"authored": "2000-01-01T00:00:00+00:00"' in questionnaire_response_json(
        outcome_of("miss.yaml"))


def test_json_keeps_the_contract_and_carries_the_markdown_note(outcome_of) -> None:
    import json

    outcome = outcome_of("oss_several.yaml")
    data = json.loads(render(outcome, "json"))
    assert list(data) == ["tree", "recommendation", "provisional", "factors", "answers",
                          "path", "sins", "note"]
    assert list(data["tree"]) == ["id", "version", "sha256"]
    assert data["note"] == render(outcome, "md")
    assert {"id", "section", "favors", "question", "answer", "text"} <= set(data["factors"][0])
